"""The arithmetic and the error lessons behind the narration, checked against the engine.

The lessons recompute shapes and initializer limits from the configuration instead of
asking the engine, so these tests compare the two; and every error lesson is tried on
the real message the engine raises, so a reworded message can't silently lose its fix.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import ConvCase, PoolCase, conv_cases, pool_cases

from buildtrace import keras
from buildtrace.keras import initializers
from buildtrace.narration import explain, has_narration
from buildtrace.narration.context import fans, glorot_limit, mirror_path, plural, shape, short
from buildtrace.narration.layer_maths import conv_output, pool_output
from buildtrace.trace import BUS, Event

layers = keras.layers


@settings(max_examples=60, deadline=None)
@given(conv_cases())
def test_conv_output_matches_the_engine(case: ConvCase) -> None:
    config = {
        "filters": case.filters,
        "kernel_size": list(case.kernel),
        "strides": list(case.strides),
        "padding": case.padding,
        "dilation_rate": [1, 1],
    }
    layer = layers.Conv2D(case.filters, case.kernel, strides=case.strides, padding=case.padding)
    expected = list(layer.compute_output_shape(case.input_shape))
    assert conv_output(list(case.input_shape), config) == expected


@settings(max_examples=60, deadline=None)
@given(pool_cases())
def test_pool_output_matches_the_engine(case: PoolCase) -> None:
    config = {"pool_size": list(case.pool), "strides": case.strides, "padding": case.padding}
    layer = layers.MaxPooling2D(case.pool, strides=case.strides, padding=case.padding)
    expected = list(layer.compute_output_shape(case.input_shape))
    assert pool_output(list(case.input_shape), config) == expected


@given(st.lists(st.integers(1, 64), min_size=1, max_size=4))
def test_fans_and_glorot_limit_match_the_initializers(dims: list[int]) -> None:
    assert fans(dims) == tuple(int(f) for f in initializers.initializers.compute_fans(tuple(dims)))
    limit = initializers.GlorotUniform().limit(tuple(dims))
    assert glorot_limit(dims) == pytest.approx(limit)


def test_names_and_formats() -> None:
    name = "keras.engine.base_layer.Layer._maybe_build"
    assert mirror_path(name) == "keras/engine/base_layer.py::Layer._maybe_build"
    assert (
        mirror_path("keras.engine.functional._build_map")
        == "keras/engine/functional.py::_build_map"
    )
    assert mirror_path("keras.engine.input_layer.Input") == "keras/engine/input_layer.py::Input"
    assert (
        mirror_path("keras.layers.merging.base_merge._Merge.call")
        == "keras/layers/merging/base_merge.py::_Merge.call"
    )
    assert short(name) == "Layer._maybe_build"
    assert short("keras.engine.functional._build_map") == "functional._build_map"
    assert shape([None, 784]) == "(None, 784)" and shape([10]) == "(10,)"
    assert plural(1, "epoch") == "1 epoch" and plural(469, "batch") == "469 batches"


def _traced_engine_functions() -> set[str]:
    """The Keras names of every function the engine traces (``@traced``)."""
    found: set[str] = set()
    for info in pkgutil.walk_packages(keras.__path__, "buildtrace.keras."):
        module = importlib.import_module(info.name)
        for obj in list(vars(module).values()):
            members = list(vars(obj).values()) if inspect.isclass(obj) else []
            for candidate in [obj, *members]:
                name = getattr(candidate, "__buildtrace_name__", None)
                if isinstance(name, str) and name.startswith("keras."):
                    found.add(name)
    return found


def test_every_traced_engine_function_has_a_lesson() -> None:
    """A new ``@traced`` function in the engine needs its lesson in buildtrace/lessons."""
    traced = _traced_engine_functions()
    assert len(traced) > 50
    missing = sorted(n for n in traced if not has_narration({"kind": "call", "name": n}))
    assert not missing, "write a lesson for:\n" + "\n".join(missing)


# ------------------------------------------------------------------------- errors
def _raise_events(action: Callable[[], Any]) -> list[Event]:
    keras.backend.clear_session()
    events: list[Event] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        with pytest.raises(Exception):  # noqa: B017 - any engine error: its message is checked
            action()
    finally:
        unsubscribe()
    return [e for e in events if e["kind"] == "raise" and e.get("origin")]


def _wrong_model_input() -> None:
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(2)])
    model(np.ones((2, 100), "float32"))


def _wrong_feature_count() -> None:
    dense = layers.Dense(2)
    dense(np.ones((2, 784), "float32"))
    dense(np.ones((2, 100), "float32"))


def _conv_on_flat_data() -> None:
    layers.Conv2D(4, 3)(np.ones((2, 28, 28), "float32"))


def _disconnected() -> None:
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = layers.Add()([layers.Dense(2)(a), layers.Dense(2)(b)])
    keras.Model(inputs=a, outputs=out)


def _summary_unbuilt() -> None:
    model = keras.Sequential([layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((2, 3)), np.ones((2, 2)), verbose=0, epochs=1, batch_size=2)
    keras.Sequential([layers.Dense(2)]).build()


def _too_small_image() -> None:
    keras.Sequential([keras.Input(shape=(4, 4, 1)), layers.Conv2D(2, 5)])


ERRORS = {
    "wrong model input": (_wrong_model_input, "expected shape=(None, 784)", "model's Input"),
    "wrong feature count": (_wrong_feature_count, "axis -1", "size 784"),
    "rank": (_conv_on_flat_data, "ndim", "reshape"),
    "graph disconnected": (_disconnected, "Graph disconnected", "inputs=[...]"),
    "missing input shape": (_summary_unbuilt, "input_shape", "keras.Input(shape=(784,))"),
    "image too small": (_too_small_image, "<= 0", "padding='same'"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_real_engine_errors_get_their_lesson_and_fix(case: str) -> None:
    action, in_message, in_fix = ERRORS[case]
    raised = _raise_events(action)
    assert raised, case
    event = raised[0]
    assert in_message in event["message"]
    assert has_narration(event), event["message"]
    text = explain(event).text
    assert "How to fix it" in text and in_fix in text
    assert event["message"] in text


def test_error_passing_through_is_narrated_once_as_passing() -> None:
    keras.backend.clear_session()
    events: list[Event] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        with pytest.raises(ValueError):
            _too_small_image()
    finally:
        unsubscribe()
    passing = [e for e in events if e["kind"] == "raise" and e.get("origin") is False]
    assert passing
    for event in passing:
        assert has_narration(event)
        assert "passes through" in explain(event).title
