"""Running a script under two engines for compare mode, and saying how far each has got.

Each engine runs the script in its own process (``python -m buildtrace run --engine E
--until U -o TRACE``, as ``buildtrace diff`` does: two engines never share a process).
The real tf-keras takes seconds to import TensorFlow before its first event, so the
viewer shows each run's progress (events recorded so far, seconds since it started)
instead of a frozen screen; :meth:`EngineRun.poll` reads it from the trace file as it
grows, without parsing it.

Example:
    >>> run = EngineRun("samples/seed.py", "mini", "build", "/tmp/x.jsonl")
    >>> run.progress(now=run.started)
    'mini: waiting'
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

#: What a run that has written nothing yet is doing, by engine (the slow start).
STARTING = {"tf-keras": "importing TensorFlow", "keras3": "importing Keras 3"}


class EngineRun:
    """One engine's run of the script, recording its trace to ``trace``.

    Args:
        script: the Keras script.
        engine: the engine to run it under (``mini``, ``tf-keras``...).
        until: where the run stops (``build``, ``compile``, ``fit``, ``end``).
        trace: the trace file to write.
    """

    def __init__(
        self,
        script: str | os.PathLike[str],
        engine: str,
        until: str,
        trace: str | os.PathLike[str],
    ) -> None:
        self.script, self.engine, self.until = Path(script), engine, until
        self.trace = Path(trace)
        self.process: subprocess.Popen[bytes] | None = None
        self.started = time.monotonic()
        self.ended: float | None = None
        self.events = 0
        self._read = 0
        self.error = ""

    def start(self) -> None:
        """Start the engine's process (its output is not shown; its errors are kept)."""
        command = [sys.executable, "-m", "buildtrace", "run", "--no-tree", "--engine"]
        command += [self.engine, "--until", self.until, "-o", str(self.trace), str(self.script)]
        self.started = time.monotonic()
        # Errors go to a file, not a pipe: TensorFlow's warnings could fill a pipe that
        # nobody reads until the end, and block the run.
        with self.errors.open("w", encoding="utf-8") as errors:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
            )

    @property
    def errors(self) -> Path:
        """Where the run's error output goes (beside its trace)."""
        return self.trace.with_suffix(".stderr")

    @property
    def done(self) -> bool:
        """Whether the run is over (well or not)."""
        return self.ended is not None

    def poll(self) -> None:
        """Count the events written since the last poll; notice the end of the run."""
        if self.trace.exists():
            with self.trace.open("rb") as stream:
                stream.seek(self._read)
                chunk = stream.read()
            # Only whole lines count: the last one may still be half written.
            whole = chunk.rfind(b"\n") + 1
            self.events += chunk.count(b"\n", 0, whole)
            self._read += whole
        process = self.process
        if process is not None and self.ended is None and process.poll() is not None:
            self.ended = time.monotonic()
            if self.events == 0:
                errors = self.errors.read_text(encoding="utf-8", errors="replace")
                last = (errors.strip().splitlines() or ["no trace written"])[-1]
                self.error = last.removeprefix("buildtrace: error: run: ")

    def progress(self, now: float | None = None) -> str:
        """One line: how far the run has got (``tf-keras: 812 events · 9 s``)."""
        if self.process is None:
            return f"{self.engine}: waiting"
        seconds = self.ended if self.ended is not None else (now or time.monotonic())
        seconds -= self.started
        if self.error:
            return f"{self.engine}: failed after {seconds:.0f} s: {self.error}"
        if self.done:
            # A script that raised still has a trace (its error is a teaching step).
            code = self.process.returncode
            status = f" (the script's exit status: {code})" if code else ""
            return f"{self.engine}: done, {self.events:,} events in {seconds:.1f} s{status}"
        if self.events == 0:
            return f"{self.engine}: {STARTING.get(self.engine, 'starting')} … {seconds:.0f} s"
        return f"{self.engine}: {self.events:,} events … {seconds:.0f} s"

    def stop(self) -> None:
        """End the process if it still runs (the viewer closed before it finished)."""
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
