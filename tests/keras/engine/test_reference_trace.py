"""buildtrace's trace of the seed model equals real Keras 2's, step for step.

The reference sequences in ``tests/data/keras2_seed_reference.json`` were recorded from
tf-keras 2.21 and reduced to the teaching set (see ``scripts/extract_reference.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from buildtrace import keras
from buildtrace.state.teaching import teaching_steps
from buildtrace.trace import Event

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "data" / "keras2_seed_reference.json").read_text()
)


def _as_tuples(steps: list[list[Any]]) -> list[tuple[Any, ...]]:
    return [tuple(tuple(x) if isinstance(x, list) else x for x in step) for step in steps]


def _seed_model() -> keras.Sequential:
    return keras.Sequential(
        [keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    )


def test_construction_matches_keras(events: list[Event]) -> None:
    _seed_model()
    assert teaching_steps(events) == _as_tuples(REFERENCE["construct"])


def test_build_matches_keras(events: list[Event]) -> None:
    model = _seed_model()
    del events[:]
    model.build(input_shape=(None, 784))
    assert teaching_steps(events) == _as_tuples(REFERENCE["build"])


def test_build_without_input_shape_raises_like_keras(events: list[Event]) -> None:
    model = _seed_model()
    del events[:]
    with pytest.raises(ValueError, match=r"You must provide an `input_shape` argument\."):
        model.build()
    assert teaching_steps(events) == _as_tuples(REFERENCE["no_input_shape"])
    assert events[-1]["kind"] == "raise"


def test_flag_writes_name_the_line_that_wrote_them(events: list[Event]) -> None:
    model = _seed_model()
    model.build(input_shape=(None, 784))
    sets = [e for e in events if e["kind"] == "set" and e["value"] is True]
    # The Sequential's `built` turns True inside _init_graph_network, as in Keras.
    first_model_built = next(e for e in sets if e["layer"] == "sequential")
    assert first_model_built["src"].startswith("keras/engine/functional.py:")
    graph = next(e for e in sets if e["attr"] == "_graph_initialized")
    assert graph["src"].startswith("keras/engine/sequential.py:")
    assert all(e["old"] is None for e in events if e["kind"] == "set" and e["layer"] is None)
