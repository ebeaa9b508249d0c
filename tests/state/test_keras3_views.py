"""The views read a Keras 3 build: ``samples/seed.py`` recorded with ``--engine keras3``.

The trace (``tests/data/keras3/seed_keras3.jsonl``, recorded by
``scripts/record_keras3_traces.py``) names Keras 3's own functions (``keras3.…``). The
folds must still see the model become built, its layers' weights and graph; every Keras
3 step of the teaching set must be narrated with what it replaces in Keras 2; the run's
milestones and the build's stages must be found. No Keras is needed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from buildtrace.narration import explain, has_narration
from buildtrace.render.graph import graph_from_state
from buildtrace.runner.milestones import Milestones
from buildtrace.state.build_stages import build_stages
from buildtrace.state.keras3_names import is_keras3
from buildtrace.state.model_state import ModelState, model_state
from buildtrace.state.teaching import teaching_steps
from buildtrace.trace import Event, read_trace

TRACE = Path(__file__).resolve().parents[1] / "data" / "keras3" / "seed_keras3.jsonl"


@pytest.fixture(scope="module")
def events() -> list[Event]:
    read = read_trace(TRACE)
    assert read.error is None, read.error
    return read.events


def test_the_trace_names_only_keras_3_functions(events: list[Event]) -> None:
    calls = {e["name"] for e in events if e["kind"] == "call"}
    assert calls and all(is_keras3(name) for name in calls)


def test_the_model_becomes_built_with_its_layers_weights(events: list[Event]) -> None:
    build = next(i for i, e in enumerate(events) if e["name"].endswith("Sequential.build"))
    before = model_state(events[:build])
    assert not before.models["sequential"].built
    assert before.models["sequential"].members == ["dense", "dense_1"]
    state = model_state(events)
    assert state.models["sequential"].built
    assert state.models["sequential"].graph_initialized is None  # no such flag in Keras 3
    weights = {
        name: [(w.name, w.shape, w.initializer) for w in state.layers[name].weights]
        for name in ("dense", "dense_1")
    }
    assert weights == {
        "dense": [("kernel", (784, 512), "GlorotUniform"), ("bias", (512,), "Zeros")],
        "dense_1": [("kernel", (512, 10), "GlorotUniform"), ("bias", (10,), "Zeros")],
    }
    assert state.layers["dense"].build_input_shape == (None, 784)
    assert state.layers["dense_1"].output_shape == (None, 10)
    assert state.layers["input_layer"].inferred_by == "sequential"
    assert state.edges == [("input_layer", "dense"), ("dense", "dense_1")]


def test_the_functional_a_sequential_makes_is_its_graph_not_a_model_of_the_script(
    events: list[Event],
) -> None:
    state = model_state(events)
    assert state.models["functional"].delegate_of == "sequential"
    assert state.models["sequential"].layers == ["input_layer", "dense", "dense_1"]
    graph = graph_from_state(state)
    assert graph.name == "sequential"
    assert [layer.name for layer in graph.layers] == ["input_layer", "dense", "dense_1"]
    assert graph.params == 407_050


def test_every_keras_3_step_of_the_teaching_set_is_narrated(events: list[Event]) -> None:
    steps = teaching_steps(events)
    calls = {step[1] for step in steps if step[0] == "call"}
    assert "keras3.layers.layer.Layer.__new__.<locals>.build_wrapper" in calls
    assert "keras3.ops.function.map_graph" in calls
    assert "keras3.layers.core.dense.Dense.build" in calls
    state = ModelState()
    for event in events:
        state.apply(event)
        if event["kind"] != "call" or ("call", event["name"]) not in {s[:2] for s in steps}:
            continue
        assert has_narration(event), event["name"]
        told = explain(event, state)
        assert told.why.startswith("In Keras 2:") or "In Keras 2:" in told.why, event["name"]
        assert told.mirrors.startswith("keras/src/"), told.mirrors


def test_build_and_compile_milestones(events: list[Event]) -> None:
    marks = Milestones()
    built_at = next(e["seq"] for e in events if marks.reached("build", e))
    assert events[built_at]["name"] == "keras3.trainers.trainer.Trainer.compile"
    assert events[built_at]["kind"] == "call"
    marks = Milestones()
    compiled = [e for e in events if marks.reached("compile", e)]
    assert [(e["kind"], e["name"]) for e in compiled] == [
        ("return", "keras3.trainers.trainer.Trainer.compile")
    ]


def test_the_stages_of_a_keras_3_sequential_build(events: list[Event]) -> None:
    stages = build_stages(events)
    assert [(s.key, s.title) for s in stages] == [
        ("layers", "Sequential.build (Keras 3)"),
        ("graph", "Functional(inputs, outputs) (Keras 3)"),
    ]
    assert [call.layer for call in stages[0].layer_calls] == ["dense", "dense_1"]
    assert all(s.owner == "sequential" for s in stages)
    # The Sequential is marked built after the graph, by the build_wrapper around build.
    last = stages[1].after[-1].event
    assert (last["layer"], last["attr"], last["value"]) == ("sequential", "built", True)
