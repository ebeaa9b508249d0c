"""A real ``buildtrace serve`` in a process of its own, and the processes it starts, counted.

Used by the tests of serve's processes and of its front door in a real browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Seconds for the server to listen, and for its viewers and their scripts to start
#: (a loaded 2-core machine starts a viewer in several seconds).
START_TIMEOUT = 60
#: Seconds for every process to be gone once the server is.
END_TIMEOUT = 20

SCRIPT = """
    import subprocess, sys, time
    from tensorflow import keras

    model = keras.Sequential([keras.layers.Dense(3)])
    model.build((None, 4))
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
    while True:
        time.sleep(0.05)
"""


def live_with(marker: str) -> list[int]:
    """Processes (not zombies) whose command line carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if marker.encode() in command and state != "Z":
            found.append(int(entry.name))
    return found


def wait_until(done: Callable[[], bool], timeout: float, what: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout} s: {what()}")
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Served:
    """``buildtrace serve MARKER.py`` running in a session of its own."""

    def __init__(self, tmp_path: Path, marker: str, *options: str) -> None:
        self.marker = marker
        script = tmp_path / f"{marker}.py"
        script.write_text(textwrap.dedent(SCRIPT).format(marker=marker), encoding="utf-8")
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / "serve.log"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "buildtrace", "serve", str(script),
                 "--port", str(self.port), *options],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=ROOT, env=env, start_new_session=True,
            )  # fmt: skip
        wait_until(lambda: "serving" in self.log, START_TIMEOUT, lambda: self.log)

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def viewers_running(self, count: int) -> bool:
        """Whether ``count`` viewers run, each with its script and the script's process."""
        others = [pid for pid in live_with(self.marker) if pid != self.process.pid]
        return len(others) == 3 * count

    def assert_nothing_left(self) -> None:
        wait_until(
            lambda: not live_with(self.marker),
            END_TIMEOUT,
            lambda: f"left running: {live_with(self.marker)}\n{self.log}",
        )
        assert "Traceback" not in self.log, self.log
