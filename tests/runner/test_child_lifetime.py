"""No process left behind: a viewer's script, and what the script started, die with it.

A real ``buildtrace tui`` runs in a real pseudo-terminal; its script builds a model,
starts a process of its own (a ``sleep``) and loops for ever. Then the viewer goes, in
every way a viewer goes: `q`, the terminal closed (SIGHUP), SIGTERM, SIGKILL. Afterwards
no process names the script or its marker, and the viewer's temporary folder is gone.
"""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

if not Path("/proc").is_dir():  # pragma: no cover - the counting reads /proc
    pytest.skip("counting processes needs /proc (Linux)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]

#: Seconds for the viewer to start its script (a loaded 2-core machine is slow).
START_TIMEOUT = 60
#: Seconds for every process to be gone once the viewer is.
END_TIMEOUT = 15

SCRIPT = """
    import subprocess, sys, time
    from tensorflow import keras

    model = keras.Sequential([keras.layers.Dense(3)])
    model.build((None, 4))
    # A process of the script's own, which must not outlive the viewer either.
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
    while True:
        time.sleep(0.05)
"""


def processes_mentioning(text: str) -> list[int]:
    """Live processes (not zombies) whose command line contains ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if text.encode() in command and state != "Z":
            found.append(int(entry.name))
    return found


def eventually(done: Callable[[], bool], timeout: float, what: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout} s: {what()}")
        time.sleep(0.1)


class Viewer:
    """``buildtrace tui SCRIPT`` in a pseudo-terminal of its own (it is the session leader)."""

    def __init__(self, script: Path, tmp: Path, *extra: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp), TERM="xterm-256color")
        env.pop("TEXTUAL", None)
        argv = [sys.executable, "-m", "buildtrace", "tui", str(script), *extra]
        pid, fd = pty.fork()
        if pid == 0:  # the child: exec at once (nothing of pytest runs here)
            os.chdir(ROOT)
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.reaped = False

    def drain(self) -> None:
        """Read what the viewer drew (a full terminal would block it)."""
        with contextlib.suppress(OSError):
            while True:
                import select

                ready, _, _ = select.select([self.fd], [], [], 0)
                if not ready or not os.read(self.fd, 65536):
                    return

    def reap(self, timeout: float = END_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not self.reaped and time.monotonic() < deadline:
            self.drain()
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            self.reaped = done != 0
            time.sleep(0.05)

    def close(self) -> None:
        if not self.reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.reap()
        with contextlib.suppress(OSError):
            os.close(self.fd)


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[str]:
    """A string only this test's processes carry; whatever is left is killed at the end."""
    text = f"buildtrace-lifetime-{os.getpid()}-{tmp_path.name}"
    yield text
    for pid in processes_mentioning(text):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def start_viewer(tmp_path: Path, marker: str, *extra: str) -> tuple[Viewer, Path]:
    script = tmp_path / f"{marker}.py"
    script.write_text(textwrap.dedent(SCRIPT).format(marker=marker), encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    viewer = Viewer(script, temp, *extra)
    # Up: the viewer, its script, and the script's own process (marker in each).
    mine = f"import time; time.sleep(600)\x00{marker}"
    eventually(
        lambda: (viewer.drain(), processes_mentioning(mine))[1] != [],
        START_TIMEOUT,
        lambda: f"the script never started its process; running: {processes_mentioning(marker)}",
    )
    assert len(processes_mentioning(marker)) == 3
    assert any(temp.iterdir())  # the viewer's temporary folder
    return viewer, temp


def assert_all_gone(marker: str, temp: Path) -> None:
    eventually(
        lambda: not processes_mentioning(marker),
        END_TIMEOUT,
        lambda: f"left running: {processes_mentioning(marker)}",
    )
    eventually(
        lambda: not any(temp.iterdir()),
        END_TIMEOUT,
        lambda: f"left behind: {list(temp.iterdir())}",
    )


@pytest.mark.parametrize(
    "death",
    ["q", "terminal closed", "SIGHUP", "SIGTERM", "SIGKILL"],
)
def test_nothing_outlives_the_viewer(death: str, tmp_path: Path, marker: str) -> None:
    viewer, temp = start_viewer(tmp_path, marker)
    try:
        if death == "q":
            os.write(viewer.fd, b"q")
        elif death == "terminal closed":
            os.close(viewer.fd)  # the kernel hangs up the viewer's session
            viewer.fd = os.open(os.devnull, os.O_RDONLY)
        else:
            os.kill(viewer.pid, getattr(signal, death))
        viewer.reap()
        assert_all_gone(marker, temp)
    finally:
        viewer.close()


def test_nothing_outlives_a_viewer_killed_in_lockstep(tmp_path: Path, marker: str) -> None:
    """In lockstep the script waits at the gate: the viewer's death must release nothing."""
    script_marker = f"{marker}-lockstep"
    script = tmp_path / f"{script_marker}.py"
    script.write_text(textwrap.dedent(SCRIPT).format(marker=marker), encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    viewer = Viewer(script, temp, "--lockstep")
    try:
        eventually(
            lambda: (viewer.drain(), len(processes_mentioning(marker)))[1] == 2,
            START_TIMEOUT,
            lambda: f"running: {processes_mentioning(marker)}",
        )
        time.sleep(0.5)
        os.kill(viewer.pid, signal.SIGKILL)
        viewer.reap()
        assert_all_gone(marker, temp)
    finally:
        viewer.close()
