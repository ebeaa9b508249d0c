"""A user's script running in a child process, seen from the viewer's side.

The child (:mod:`buildtrace.runner.child`) writes its trace to a file the viewer tails,
its output (stdout and stderr, prints included) to a log file, and reads the viewer's
commands from a pipe. Nothing the script does reaches the viewer's terminal.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from buildtrace.runner.child import StopRule, child_argv

#: Seconds a child gets to end after SIGTERM before it is killed.
TERMINATE_GRACE = 1.0

#: How much lower the script's CPU priority is than the viewer's: on a busy machine the
#: interface answers first, and training takes what is left (it is a batch job).
NICE = 5

#: Thread-count variables of the BLAS libraries numpy may use.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def child_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a script run under the viewer.

    Output unbuffered (the log panel is live), and numpy's BLAS limited to all cores but
    one, unless the user chose: a BLAS spinning on every core stalls whenever anything
    else runs, even the viewer (measured: epochs from 1.6 s up to 13 s on two cores,
    against a steady 2.3 s on one), so the viewer keeps a core to itself.
    """
    env = dict(os.environ if base is None else base)
    env["PYTHONUNBUFFERED"] = "1"
    if not any(name in env for name in BLAS_THREADS):
        threads = str(max((os.cpu_count() or 2) - 1, 1))
        env.update({name: threads for name in BLAS_THREADS})
    return env


class ChildRun:
    """Run ``script`` in a child process that streams its events to a file.

    Args:
        script: the user's Keras script.
        script_args: its arguments.
        lockstep: the child waits at each build event until told to go on.
        trace_path: where to write the trace (default: a new temporary folder).

    Example:
        >>> run = ChildRun("samples/seed.py", lockstep=True)  # doctest: +SKIP
        >>> run.start()  # doctest: +SKIP
        >>> run.until(StopRule(), seen=0)  # doctest: +SKIP
    """

    def __init__(
        self,
        script: str | os.PathLike[str],
        script_args: Sequence[str] = (),
        *,
        lockstep: bool = False,
        trace_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.script = Path(script)
        self.script_args = list(script_args)
        self.lockstep = lockstep
        self.folder = Path(tempfile.mkdtemp(prefix="buildtrace-tui-"))
        self.trace_path = Path(trace_path or self.folder / "trace.jsonl")
        self.log_path = self.folder / "output.log"
        self.paused = False
        self._process: subprocess.Popen[bytes] | None = None
        self._control: IO[str] | None = None

    def start(self) -> None:
        """Start the child (the trace file exists, empty, when this returns)."""
        self.trace_path.write_text("", encoding="utf-8")
        read_end, write_end = os.pipe()
        argv = child_argv(
            self.script, self.script_args, self.trace_path,
            control_fd=read_end, lockstep=self.lockstep, nice=NICE,
        )  # fmt: skip
        env = child_env()
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(read_end,),
                env=env,
                # Its own session: the terminal's signals and its tty are the viewer's.
                start_new_session=True,
            )
        os.close(read_end)
        self._control = os.fdopen(write_end, "w", encoding="utf-8", buffering=1)

    # ------------------------------------------------------------------ commands
    def send(self, message: dict[str, Any]) -> bool:
        """Send one back-channel message; False if the child no longer listens."""
        if self._control is None:
            return False
        try:
            self._control.write(json.dumps(message) + "\n")
            self._control.flush()
        except (BrokenPipeError, ValueError, OSError):
            self._control = None
            return False
        return True

    def until(self, rule: StopRule, *, seen: int) -> bool:
        """Lockstep: run on until an event matches ``rule`` (``seen``: last seq read)."""
        return self.send({"op": "until", "rule": rule.to_json(), "seen": seen})

    def release(self) -> bool:
        """Leave lockstep: the script runs freely from now on."""
        self.lockstep = False
        return self.send({"op": "run"})

    def set_paused(self, paused: bool) -> bool:
        """Hold training at the next batch (or let it go on)."""
        self.paused = paused
        return self.send({"op": "pause" if paused else "resume"})

    # ------------------------------------------------------------------ life
    @property
    def running(self) -> bool:
        """Whether the child is still running."""
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        """The child's exit status (negative: killed by that signal), None while running."""
        return None if self._process is None else self._process.poll()

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the child to end; its exit status, or None on timeout."""
        if self._process is None:
            return None
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        """End the child (politely, then not) and close the back-channel."""
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.close()
            self._control = None
        process = self._process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            process.wait(TERMINATE_GRACE)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()

    def cleanup(self) -> None:
        """Delete the temporary folder (a trace asked for elsewhere is kept)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self, lines: int = 5) -> list[str]:
        """The last lines the script printed."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.strip()][-lines:]
