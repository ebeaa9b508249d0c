"""A script's other imports under ``buildtrace run``: headless matplotlib, missing packages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return subprocess.run(
        [sys.executable, "-m", "buildtrace", "run", str(script)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_missing_package_says_how_to_install_it(tmp_path: Path) -> None:
    script = tmp_path / "uses_missing.py"
    script.write_text("import surely_not_installed_pkg\n")
    result = _run(script, tmp_path)
    assert result.returncode == 1
    assert f"{sys.executable} -m pip install surely_not_installed_pkg" in result.stderr


def test_plt_show_saves_the_figures_and_does_not_block(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    script = tmp_path / "plots.py"
    script.write_text(
        "import matplotlib.pyplot as plt\n"
        "plt.plot([1, 2, 3])\nplt.show()\n"
        "plt.figure()\nplt.plot([3, 1])\nplt.show()\n"
    )
    result = _run(script, tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("figure_*.png")) == ["figure_1.png", "figure_2.png"]
    assert result.stderr.count("plt.show() saved the figure") == 2
