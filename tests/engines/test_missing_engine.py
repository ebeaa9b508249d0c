"""An engine that is not installed is one line saying what to install, never a traceback.

TensorFlow is hidden from the child process by a ``tensorflow`` package earlier on its
path that fails to import, so the test means the same with or without the extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MESSAGE = "the tf-keras engine is not installed: install it with pip install 'buildtrace[tf-keras]'"


@pytest.fixture
def without_tensorflow(tmp_path: Path) -> dict[str, str]:
    for name in ("tensorflow", "tf_keras", "keras"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise ImportError('no {name} here')\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--engine", "tf-keras", "samples/seed.py"],
        ["diagram", "--engine", "tf-keras", "samples/seed.py", "-o", "x.png"],
        ["diff", "samples/seed.py", "--engines", "mini,tf-keras"],
    ],
)
def test_a_missing_engine_is_one_line(without_tensorflow: dict[str, str], command: list[str],
                                      tmp_path: Path) -> None:  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace", *command],
        capture_output=True, text=True, cwd=ROOT, env=without_tensorflow, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    # Progress lines ("running seed.py ...") may come first; the error is one line, last.
    assert lines[-1] == f"buildtrace: error: {command[0]}: {MESSAGE}", done.stderr
    assert sum("not installed" in line for line in lines) == 1
    assert "Traceback" not in done.stderr and not done.stdout
    assert not (ROOT / "x.png").exists()
