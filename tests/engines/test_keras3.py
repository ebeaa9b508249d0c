"""Keras 3 as an engine (``--engine keras3``): recorded under its own names.

The seed model's build under Keras 3 must keep the trace contract, name every call
``keras3.…`` (never a Keras 2 name), create the same four weights, write ``built`` and
never ``_graph_initialized``, and have lessons for its main steps. Skipped when Keras 3
and TensorFlow are not installed (``pip install 'buildtrace[keras3]'``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from buildtrace.engines import is_installed
from buildtrace.narration import explain, has_narration
from buildtrace.trace import read_trace

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not is_installed("keras3"), reason="Keras 3 (pip install 'buildtrace[keras3]') is not installed"
)


def test_the_seed_build_under_keras_3(tmp_path: Path) -> None:
    trace = tmp_path / "k3.jsonl"
    script = ROOT / "buildtrace" / "lessons" / "builtin" / "scripts" / "seed_build.py"
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace", "run", "--engine", "keras3", "--no-tree", "-o",
         str(trace), str(script)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    if "is not Keras 3" in done.stderr or "not installed" in done.stderr:
        pytest.skip(done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr[-2000:]
    read = read_trace(trace)
    assert read.error is None, read.error
    events = read.events
    calls = {e["name"] for e in events if e["kind"] == "call"}
    assert all(name.startswith("keras3.") for name in calls)
    for step in (
        "keras3.models.sequential.Sequential.build",
        "keras3.layers.layer.Layer._maybe_build",
        "keras3.layers.layer.Layer.__new__.<locals>.build_wrapper",
        "keras3.layers.layer.Layer.symbolic_call",
        "keras3.models.functional.Functional.__init__",
    ):
        assert step in calls
        assert has_narration({"kind": "call", "name": step})
        assert "In Keras 2:" in explain({"kind": "call", "name": step}).why
    weights = [(e["layer"], e["weight"], e["shape"], e["initializer"])
               for e in events if e["kind"] == "add_weight"]  # fmt: skip
    assert weights == [
        ("dense", "kernel", [784, 512], "GlorotUniform"),
        ("dense", "bias", [512], "Zeros"),
        ("dense_1", "kernel", [512, 10], "GlorotUniform"),
        ("dense_1", "bias", [10], "Zeros"),
    ]
    flags = {e["attr"] for e in events if e["kind"] == "set"}
    assert flags == {"built"}  # Keras 3 has no _graph_initialized
