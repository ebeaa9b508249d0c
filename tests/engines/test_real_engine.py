"""The real Keras 2 (tf-keras) side by side with the mini-Keras: the self-check.

Every sample and every built-in lesson script runs under both engines, stopped once its
model is built; ``buildtrace diff`` must find no difference in the teaching view but the
known ones. The tf-keras traces must keep the trace contract (every event passes the
reader's checks; Keras names, not ``tf_keras.src``), and every view must draw them.
Skipped when the optional extra ``buildtrace[tf-keras]`` is not installed; CI installs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from buildtrace.engines import is_installed
from buildtrace.engines.compare import compare, load_known, side_by_side
from buildtrace.narration import explain
from buildtrace.trace import Event, read_trace

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


pytestmark = needs_tf_keras


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("engines")
    return {
        engine: record_all(engine, "build", folder / engine, SCRIPTS)
        for engine in ("mini", "tf-keras")
    }


def events_of(path: Path) -> list[Event]:
    read = read_trace(path)  # the reader checks every event against the contract
    assert read.error is None, read.error
    return read.events


@pytest.mark.parametrize("script", SCRIPTS, ids=trace_name)
def test_the_teaching_views_match_but_for_known_differences(
    traces: dict[str, dict[str, Path]], script: Path
) -> None:
    name = trace_name(script)
    mini, real = events_of(traces["mini"][name]), events_of(traces["tf-keras"][name])
    comparison = compare(mini, real, known=load_known())
    assert comparison.same, side_by_side(comparison, "mini", "tf-keras", 150)
    assert sum(r.op == "equal" for r in comparison.rows) > 5


def test_real_engine_events_keep_the_contract(traces: dict[str, dict[str, Path]]) -> None:
    events = events_of(traces["tf-keras"]["samples-seed"])
    kinds = {e["kind"] for e in events}
    assert {"call", "return", "set", "add_weight"} <= kinds
    assert all(e["name"].startswith("keras.") for e in events if e["kind"] == "call")
    assert not any("tf_keras" in e["name"] for e in events)
    weights = [(e["layer"], e["weight"], e["shape"], e["dtype"], e["initializer"], e["trainable"])
               for e in events if e["kind"] == "add_weight"]  # fmt: skip
    assert weights == [
        ("dense", "kernel", [784, 512], "float32", "GlorotUniform", True),
        ("dense", "bias", [512], "float32", "Zeros", True),
        ("dense_1", "kernel", [512, 10], "float32", "GlorotUniform", True),
        ("dense_1", "bias", [10], "float32", "Zeros", True),
    ]
    flags = [(e["layer"], e["attr"], e["old"], e["value"], e["src"])
             for e in events if e["kind"] == "set" and e["layer"] == "sequential"]  # fmt: skip
    assert (
        "sequential",
        "_graph_initialized",
        False,
        True,
        "keras/engine/sequential.py:366",
    ) in flags
    calls = [e for e in events if e["kind"] == "call"]
    returns = [e for e in events if e["kind"] in ("return", "raise")]
    assert len(calls) == len(returns)  # every frame opened is closed
    for event in events[:300]:
        assert explain(event).text


def test_a_keras_error_is_recorded_with_keras_s_message(
    traces: dict[str, dict[str, Path]],
) -> None:
    events = events_of(traces["tf-keras"]["samples-missing_input_shape"])
    origin = [e for e in events if e["kind"] == "raise" and e.get("origin")]
    assert origin[0]["name"] == "keras.engine.sequential.Sequential.build"
    assert origin[0]["message"] == "You must provide an `input_shape` argument."
    assert events[-1]["name"] == "<script>" and events[-1]["uncaught"] is True


def test_training_events_and_tensorflow_s_two_traces(tmp_path: Path) -> None:
    script = ROOT / "samples" / "deferred_build.py"
    [trace] = record_all("tf-keras", "fit", tmp_path, [script]).values()
    events = events_of(trace)
    kinds = [e["kind"] for e in events]
    for kind in ("compile", "train_begin", "epoch_begin", "batch_end", "epoch_end", "train_end"):
        assert kind in kinds
    batch = next(e for e in events if e["kind"] == "batch_end")
    assert type(batch["logs"]["loss"]) is float
    steps = [e for e in events if e["kind"] == "call" and e["name"].endswith("Model.train_step")]
    assert [(e["tf_function"], e["tf_trace"]) for e in steps] == [
        ("train_function", 1),
        ("train_function", 2),
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["diagram", "{trace}", "--kind", "build", "-o", "{out}/build.png"],
        ["diagram", "{trace}", "--kind", "topology", "-o", "{out}/topology.svg"],
        ["export", "{trace}", "-o", "{out}/timeline.json"],
    ],
)
def test_every_view_draws_a_real_engine_trace(
    traces: dict[str, dict[str, Path]], tmp_path: Path, command: list[str]
) -> None:
    trace = traces["tf-keras"]["samples-cnn"]
    argv = [part.format(trace=trace, out=tmp_path) for part in command]
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace", *argv],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = Path(argv[argv.index("-o") + 1])
    assert written.exists() and written.stat().st_size > 500


def test_diff_runs_a_script_under_both_engines() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace", "diff", "samples/seed.py", "--engines",
         "mini,tf-keras", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["same"] is True and result["verdict"].startswith("same teaching view: 61 steps")


def test_the_viewer_s_child_runs_under_the_engine_chosen(tmp_path: Path) -> None:
    """``buildtrace tui --engine tf-keras`` tells its child process by the environment."""
    trace = tmp_path / "child.jsonl"
    script = ROOT / "buildtrace" / "lessons" / "builtin" / "scripts" / "seed_build.py"
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace.runner.child", "--trace", str(trace), "--",
         str(script)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT), "BUILDTRACE_ENGINE": "tf-keras"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    names = {e["name"] for e in events_of(trace) if e["kind"] == "call"}
    # a function only the real engine has: tf-keras ran the script, recorded
    assert "keras.engine.base_layer.Layer._maybe_create_attribute" in names
