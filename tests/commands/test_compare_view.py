"""Compare mode from the command line: what it refuses, and a run in a real terminal (tmux)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from buildtrace.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "compare"
MINI, TF = DATA / "seed_mini.jsonl", DATA / "seed_tf_keras.jsonl"
SEED = ROOT / "samples" / "seed.py"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["tui", "--compare", str(MINI), "missing.jsonl"], "no such file: missing.jsonl"),
        (["tui", "--compare", str(MINI), str(TF), "--lockstep"], "--lockstep: not available"),
        (["tui", str(SEED), "--compare", str(MINI), str(TF)], "--compare takes two traces"),
        (["tui", str(SEED), "--engines", "mini"], "--engines takes two of mini, tf-keras"),
        (["tui", str(SEED), "--engines", "mini,nonesuch"], "--engines takes two of"),
        (["tui", str(MINI), "--engines", "mini,mini"], "give two traces"),
        (["diff", str(MINI), str(TF), "--tui", "--json"], "--tui and --json: choose one"),
        (["tui", str(MINI), "--until", "fit"], "--until applies to compare mode"),
        # Off a terminal (as under pytest), compare mode says so instead of hanging.
        (["tui", "--compare", str(MINI), str(TF)], "the viewer needs a terminal"),
        (["diff", str(MINI), str(TF), "--tui"], "the viewer needs a terminal"),
    ],
)
def test_what_compare_mode_refuses_is_said_in_one_line(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1


class Tmux:
    """A detached tmux session on a private server, driven as a person would."""

    def __init__(self, socket: Path) -> None:
        self.base = ["tmux", "-S", str(socket)]

    def __call__(self, *args: str) -> str:
        done = subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=20)
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "compare")

    def wait_for(self, test: Callable[[str], bool], timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if test(shown):
                return shown
            time.sleep(0.2)
        raise AssertionError(f"the screen never showed it:\n{self.screen()}")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = Tmux(tmp_path / "tmux.sock")
    yield session
    session("kill-server")


def test_compare_mode_in_a_real_80x24_terminal(tmux: Tmux, tmp_path: Path) -> None:
    status = tmp_path / "status"
    command = (
        f"{sys.executable} -m buildtrace tui --compare {MINI} {TF}; echo $? > {status}; sleep 30"
    )
    tmux("new-session", "-d", "-s", "compare", "-x", "80", "-y", "24", "-c", str(ROOT), command)
    first = tmux.wait_for(lambda s: "same teaching view" in s)
    lines = first.splitlines()
    assert lines[0].startswith(" 1/89 · same teaching view: 76 steps match")
    assert "A seed_mini.jsonl" in lines[1] and "│ B seed_tf_keras.jsonl" in lines[1]
    assert "d next diff" in lines[-1]
    tmux("send-keys", "-t", "compare", "d")
    known = tmux.wait_for(lambda s: "known difference tf-second-trace" in s)
    assert " 77/89 " in known.splitlines()[0]
    assert "Model.train_step [sequential]  ‹tr" in known  # in B's pane only ...
    assert "nothing here: this step is only in B" in known  # ... and A's detail says so
    tmux("send-keys", "-t", "compare", "q")
    deadline = time.monotonic() + 20
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status.read_text().strip() == "0"  # the same, but for a known difference
