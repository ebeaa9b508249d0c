"""``buildtrace tui`` off a terminal: one line, no escape codes, no hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tui_into_a_pipe_refuses_in_one_line(tmp_path: Path) -> None:
    """``buildtrace tui samples/seed.py | cat`` wrote escape codes into the pipe and hung."""
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace", "tui", str(ROOT / "samples" / "seed.py")],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=30,  # it hung forever
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stdout == b""  # no escape codes
    err = done.stderr.decode()
    assert len(err.strip().splitlines()) == 1 and "\x1b" not in err
    assert "needs a terminal" in err and "buildtrace run" in err
