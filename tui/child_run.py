"""A user's script running in a child process, seen from the viewer's side.

The child (:mod:`buildtrace.runner.child`) writes its trace to a file the viewer tails,
its output (stdout and stderr, prints included) to a pipe the viewer drains into a
bounded :class:`~tui.output_ring.OutputRing`, and reads the viewer's commands from
another pipe. Nothing the script does reaches the viewer's terminal, and however much it
prints, the viewer keeps a bounded amount of it.

The script and every process it starts form one process group, which never outlives
the viewer: quitting ends the group, and a viewer that dies any other way takes it with
it (see :mod:`buildtrace.runner.lifeline`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from buildtrace.runner import lifeline
from buildtrace.runner.child import StopRule, child_argv
from tui.output_ring import OutputRing

#: Seconds a child gets to end after SIGTERM before it is killed.
TERMINATE_GRACE = 1.0

#: How much lower the script's CPU priority is than the viewer's: on a busy machine the
#: interface answers first, and training takes what is left (it is a batch job).
NICE = 5

#: Bytes read from the script's output pipe at once.
_READ_SIZE = 1 << 20

#: Most bytes a second read from the script's output. A script printing faster waits
#: on its full pipe, as it would on a terminal: reading without limit (measured: 100 MB/s
#: and more) starves the viewer's own thread, and every key waits seconds.
MAX_OUTPUT_RATE = 16 * 1024 * 1024

#: Linux's ``fcntl`` command that resizes a pipe: a 1 MB pipe lets a flooding script
#: write on while the reader thread waits for its turn.
_F_SETPIPE_SZ = 1031

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
        #: What the script printed (stdout and stderr), bounded.
        self.output = OutputRing()
        self.paused = False
        self._process: subprocess.Popen[bytes] | None = None
        self._control: IO[str] | None = None
        self._drain: threading.Thread | None = None

    def start(self) -> None:
        """Start the child (the trace file exists, empty, when this returns).

        From the viewer's main thread the child also gets a signal when the viewer dies
        (Linux's parent-death signal follows the starting thread, not the process, so
        from another thread only the back-channel's end tells the child).
        """
        self.trace_path.write_text("", encoding="utf-8")
        read_end, write_end = os.pipe()
        argv = child_argv(
            self.script, self.script_args, self.trace_path,
            control_fd=read_end, lockstep=self.lockstep, nice=NICE,
            viewer_pid=os.getpid(), cleanup=self.folder,
            parent_signal=threading.current_thread() is threading.main_thread(),
        )  # fmt: skip
        self._process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(read_end,),
            env=child_env(),
            # Its own session and group: the terminal's signals and its tty are the
            # viewer's, and the group is what ends, whatever the script started.
            start_new_session=True,
        )
        os.close(read_end)
        self._control = os.fdopen(write_end, "w", encoding="utf-8", buffering=1)
        stdout = self._process.stdout
        assert stdout is not None  # stdout=PIPE
        with contextlib.suppress(OSError):  # not Linux, or a lower limit: the default
            import fcntl

            fcntl.fcntl(stdout.fileno(), _F_SETPIPE_SZ, _READ_SIZE)
        self._drain = threading.Thread(
            target=self._read_output, args=(stdout,), name="script output", daemon=True
        )
        self._drain.start()

    def _read_output(self, stdout: IO[bytes]) -> None:
        """Drain the script's output into :attr:`output` until the pipe closes."""
        fd = stdout.fileno()
        began, read = time.monotonic(), 0
        try:
            while data := os.read(fd, _READ_SIZE):
                self.output.append(data)
                read += len(data)
                ahead = read / MAX_OUTPUT_RATE - (time.monotonic() - began)
                if ahead > 0:
                    time.sleep(ahead)  # the script waits meanwhile: its pipe is full
                if read >= MAX_OUTPUT_RATE:  # a new second: a quiet spell earns no burst
                    began, read = time.monotonic(), 0
        except OSError:
            pass  # closed by stop()

    def read_output(self) -> str:
        """What the script printed since the last call (bounded; says what it skipped)."""
        drain, process = self._drain, self._process
        ended = process is not None and process.poll() is not None
        if drain is not None and ended:
            drain.join(0.5)  # the child has ended: its last words may still be in the pipe
        return self.output.take(final=ended)

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
        """End the child and every process it started, and close the pipes.

        The group gets SIGTERM first (the script's ``finally`` blocks run: a download
        removes its partial file), then, after :data:`TERMINATE_GRACE`, SIGKILL. Closing
        the back-channel would end it as well (the child kills its group when the pipe
        closes), which is what happens when the viewer dies instead of quitting.
        """
        process = self._process
        # The group outlives its leader when the script left a process running: it is
        # ended even then. Unreaped, the leader keeps its id from being reused; reaped,
        # only members other than a process of that id are ours.
        if process is not None and (
            process.poll() is None or lifeline.group_alive(process.pid, leader_reaped=True)
        ):
            lifeline.end_group(process.pid, TERMINATE_GRACE)
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.close()
            self._control = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(TERMINATE_GRACE)
            if process.stdout is not None:
                with contextlib.suppress(OSError):
                    process.stdout.close()

    def cleanup(self) -> None:
        """Delete the temporary folder (a trace asked for elsewhere is kept)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self, lines: int = 5) -> list[str]:
        """The last lines the script printed."""
        return self.output.recent_lines(lines)


def exit_description(code: int | None) -> str:
    """How a script ended, in plain words: ``the script was killed (SIGKILL)``.

    Args:
        code: the child's exit status (negative: the signal that ended it).
    """
    if code is None or code >= 0:
        return f"the script ended with exit status {code}"
    number = -code
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"the script was ended by signal {number}"
    if number == signal.SIGKILL:
        return (
            "the script was killed (SIGKILL: by another program, or by the system "
            "when memory ran out)"
        )
    if number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        return f"the script was stopped ({name})"
    if number == signal.SIGSEGV:
        return "the script crashed (SIGSEGV: a fault in compiled code)"
    return f"the script was ended by a signal ({name})"
