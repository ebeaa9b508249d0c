"""The build-stages fold (buildtrace/state/build_stages.py): which stages, in which order.

(It lives with the diagram tests because the build diagram is its first reader.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace import keras
from buildtrace.state.build_stages import build_stages, call_forest, is_layer_call, weights_of
from buildtrace.trace import Event

Record = Callable[[Callable[[], Any]], tuple[list[Event], Any]]


def test_sequential_build_has_its_three_stages_in_order(
    sample: Callable[[str], list[Event]],
) -> None:
    stages = build_stages(sample("seed"))
    assert [s.key for s in stages] == ["check", "layers", "graph"]
    assert [s.number for s in stages] == [1, 2, 3]
    check, layers, graph = stages
    assert check.header.short == "Sequential.build"
    assert layers.header.short == "Sequential._build_graph_network_for_inferred_shape"
    assert [s.short for s in layers.steps] == [
        "input_layer.Input",
        "Layer.__call__",
        "Layer.__call__",
    ]
    assert [s.layer for s in layers.layer_calls] == ["dense", "dense_1"]
    assert graph.header.short == "Functional._init_graph_network"
    # Written after _init_graph_network returned: by the inferred-shape builder, then build.
    assert [(s.event["attr"], c.short) for s, c in zip(graph.after, graph.written_in)] == [
        ("_graph_initialized", "Sequential._build_graph_network_for_inferred_shape"),
        ("built", "Sequential.build"),
    ]
    assert check.first_seq < layers.first_seq < graph.first_seq


def test_weights_belong_to_their_layer_call(sample: Callable[[str], list[Event]]) -> None:
    layers = build_stages(sample("seed"))[1]
    kernel, bias = (weights_of(call) for call in layers.layer_calls)
    assert [(w["weight"], tuple(w["shape"])) for w in kernel] == [
        ("kernel", (784, 512)),
        ("bias", (512,)),
    ]
    assert [(w["weight"], tuple(w["shape"])) for w in bias] == [
        ("kernel", (512, 10)),
        ("bias", (10,)),
    ]


def test_a_missing_input_shape_stops_in_the_check(record: Record) -> None:
    def make() -> Any:
        model = keras.Sequential([keras.layers.Dense(2)])
        with contextlib.suppress(ValueError):
            model.build()
        return model

    events, _ = record(make)
    (check,) = build_stages(events)
    assert check.key == "check"
    assert [s.kind for s in check.steps] == ["raise"]
    assert "input_shape" in check.steps[0].event["message"]


def test_a_deferred_build_starts_with_its_trigger(record: Record) -> None:
    def make() -> Any:
        model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.ones((8, 4), "float32"), np.ones((8, 1), "float32"), epochs=1, verbose=0)
        return model

    events, _ = record(make)
    stages = build_stages(events)
    assert [s.key for s in stages] == ["trigger", "layers", "graph"]
    trigger = stages[0]
    assert [s.short for s in trigger.path] == [
        "Model.fit",
        "Model.train_step",
        "Layer.__call__",
        "Sequential.call",
    ]
    # On the way, _maybe_build marked the model built: shown beside the path.
    assert [s.short for s in trigger.steps] == ["Layer._maybe_build"]


def test_a_functional_model_is_built_call_by_call(sample: Callable[[str], list[Event]]) -> None:
    stages = build_stages(sample("functional_branches"))
    assert [s.key for s in stages] == ["input", "call", "call", "call", "call", "call", "model"]
    assert [s.owner for s in stages] == [
        "pixels",
        "wide",
        "deep_1",
        "deep_2",
        "merge",
        "digits",
        "two_branches",
    ]
    assert stages[0].title == "Input → InputLayer pixels"


def test_a_sequential_with_an_input_builds_as_layers_are_added(
    sample: Callable[[str], list[Event]],
) -> None:
    stages = build_stages(sample("cnn"))
    assert [s.key for s in stages] == ["input"] + ["add"] * 9
    assert stages[0].title == "Input → InputLayer input_1"  # named inside Input()
    assert [len(s.layer_calls) for s in stages[1:]] == [0] + [1] * 8


def test_any_prefix_of_a_trace_folds(sample: Callable[[str], list[Event]]) -> None:
    events = sample("seed")
    for end in range(len(events) + 1):
        build_stages(events[:end])  # never raises, even mid-call
    middle = next(i for i, e in enumerate(events) if e["name"].endswith("Dense.build"))
    assert [s.key for s in build_stages(events[: middle + 1])] == ["check", "layers"]


def test_the_forest_keeps_only_the_teaching_set(sample: Callable[[str], list[Event]]) -> None:
    roots = call_forest(sample("seed"))
    names = {s.short for root in roots for s in root.walk() if s.kind == "call"}
    build = next(root for root in roots if root.short == "Sequential.build")
    assert "sequential.clear_previously_created_nodes" not in names  # not in the teaching set
    assert "Layer._maybe_build" in names
    assert build.short == "Sequential.build"
    assert any(is_layer_call(s) for s in build.walk())
