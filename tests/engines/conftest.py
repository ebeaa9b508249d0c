"""Fixtures of the engines' tests: which scripts the self-check runs, and
whether the real Keras 2 (the optional extra ``buildtrace[tf-keras]``) is installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from buildtrace.engines import is_installed

ROOT = Path(__file__).resolve().parents[2]

#: Every sample and every built-in lesson script: the self-check runs them all.
SCRIPTS = sorted((ROOT / "samples").glob("*.py")) + sorted(
    (ROOT / "buildtrace" / "lessons" / "builtin" / "scripts").glob("*.py")
)

TF_KERAS = is_installed("tf-keras")

needs_tf_keras = pytest.mark.skipif(
    not TF_KERAS, reason="the tf-keras engine (pip install 'buildtrace[tf-keras]') is not installed"
)


def trace_name(script: Path) -> str:
    """``samples/seed.py`` -> ``samples-seed``: unique across samples and lessons."""
    return f"{script.parent.name}-{script.stem}"


def record_all(engine: str, until: str, folder: Path, scripts: list[Path]) -> dict[str, Path]:
    """Run ``scripts`` under ``engine`` in one fresh process; their traces by name."""
    folder.mkdir(parents=True, exist_ok=True)
    links = []
    for script in scripts:  # distinct names: samples and lessons share some stems
        link = folder / "scripts" / f"{trace_name(script)}.py"
        link.parent.mkdir(exist_ok=True)
        link.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
        links.append(str(link))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUILDTRACE_MNIST_STANDIN": "1"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "engines" / "record_all.py"), engine, until,
         str(folder), *links],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return {trace_name(s): folder / f"{trace_name(s)}.jsonl" for s in scripts}
