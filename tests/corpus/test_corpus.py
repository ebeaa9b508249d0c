"""The corpus: scripts in the style teachers and students bring, run unchanged.

Each file in ``scripts/`` is written for ``tf.keras`` (or ``keras``) the way textbook and
tutorial code is: the imports, the data handling, the model, ``compile``/``fit``, and the
calls around it. Every one must run to completion under ``buildtrace run``, each in a
fresh process (so layer names start again from ``dense``, as in a fresh Python), and
with no network: datasets fall back to their stand-ins.

A script checks what it relies on with ``assert``; a failing assert fails its run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("*.py"))


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    # No downloads in tests: datasets use the Keras cache or their labelled stand-ins.
    env["BUILDTRACE_OFFLINE"] = "1"
    env["MPLBACKEND"] = "Agg"
    env["HOME"] = str(tmp_path)  # an empty Keras cache, and nothing written to the user's
    return env


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_runs_to_completion(script: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "buildtrace", "run", str(script)],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{script.name} failed:\n{output}"
