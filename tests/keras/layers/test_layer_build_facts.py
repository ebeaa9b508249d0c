"""Each new layer is constructed and built the way tf-keras 2.21 does it.

``tests/data/layers/build_facts.json`` was recorded from tf-keras 2.21 by
``scripts/record_layer_references.py`` with a small tracer: the ``__init__`` levels a
constructor runs through (``Conv2D.__init__ → Conv.__init__ → Layer.__init__``), and, for
the first call on a symbolic input, every ``build`` entered, every ``add_weight`` (layer,
name, shape, initializer, trainable) and every write of ``built``, in order. Here the same
layers are made with buildtrace and their trace events are put in the same form.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from buildtrace import keras
from buildtrace.keras import backend
from buildtrace.trace import BUS

layers = keras.layers
FACTS = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "layers" / "build_facts.json").read_text()
)["layers"]

MAKERS: dict[str, tuple[Callable[[], Any], tuple[Any, ...] | None]] = {
    "Conv2D": (lambda: layers.Conv2D(2, 3), (None, 6, 6, 1)),
    "Conv1D": (lambda: layers.Conv1D(2, 3), (None, 6, 1)),
    "Conv2DTranspose": (lambda: layers.Conv2DTranspose(2, 3), (None, 4, 4, 1)),
    "MaxPooling2D": (lambda: layers.MaxPooling2D(), (None, 4, 4, 1)),
    "AveragePooling2D": (lambda: layers.AveragePooling2D(), (None, 4, 4, 1)),
    "MaxPooling1D": (lambda: layers.MaxPooling1D(), (None, 4, 1)),
    "GlobalAveragePooling2D": (lambda: layers.GlobalAveragePooling2D(), (None, 4, 4, 1)),
    "GlobalMaxPooling1D": (lambda: layers.GlobalMaxPooling1D(), (None, 4, 1)),
    "Dropout": (lambda: layers.Dropout(0.5), (None, 4)),
    "GaussianNoise": (lambda: layers.GaussianNoise(0.1), (None, 4)),
    "SpatialDropout1D": (lambda: layers.SpatialDropout1D(0.1), (None, 3, 4)),
    "Embedding": (lambda: layers.Embedding(10, 3), (None, 4)),
    "SimpleRNN": (lambda: layers.SimpleRNN(3), (None, 4, 2)),
    "LSTM": (lambda: layers.LSTM(3), (None, 4, 2)),
    "GRU": (lambda: layers.GRU(3), (None, 4, 2)),
    "Bidirectional": (lambda: layers.Bidirectional(layers.LSTM(3)), (None, 4, 2)),
    "TimeDistributed": (lambda: layers.TimeDistributed(layers.Dense(3)), (None, 4, 2)),
    "LayerNormalization": (lambda: layers.LayerNormalization(), (None, 4, 2)),
    "UpSampling2D": (lambda: layers.UpSampling2D(), (None, 4, 4, 1)),
    "RepeatVector": (lambda: layers.RepeatVector(3), (None, 4)),
    "Permute": (lambda: layers.Permute((2, 1)), (None, 4, 2)),
    "ZeroPadding2D": (lambda: layers.ZeroPadding2D(), (None, 4, 4, 1)),
    "Lambda": (lambda: layers.Lambda(lambda x: x * 2), (None, 4)),
    "Softmax": (lambda: layers.Softmax(), (None, 4)),
    "ReLU": (lambda: layers.ReLU(), (None, 4)),
    "LeakyReLU": (lambda: layers.LeakyReLU(), (None, 4)),
    "Rescaling": (lambda: layers.Rescaling(1 / 255), (None, 4)),
    "Multiply": (lambda: layers.Multiply(), None),
    "Subtract": (lambda: layers.Subtract(), None),
}


def _qualname(name: str) -> str:
    """``keras.layers.rnn.base_rnn.RNN.build`` -> ``RNN.build``."""
    return ".".join(name.split(".")[-2:])


def _record(action: Callable[[], Any]) -> tuple[Any, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        result = action()
    finally:
        unsubscribe()
    return result, events


def _build_steps(events: list[dict[str, Any]]) -> list[list[Any]]:
    steps: list[list[Any]] = []
    for e in events:
        if e["kind"] == "call" and e["name"].endswith(".build"):
            steps.append(["call", _qualname(e["name"]), e.get("layer")])
        elif e["kind"] == "add_weight":
            steps.append(
                [
                    "add_weight",
                    e["layer"],
                    e["weight"],
                    e["shape"],
                    e["initializer"],
                    e["trainable"],
                ]
            )
        elif e["kind"] == "set" and e.get("attr") == "built":
            steps.append(["set", e["layer"], e["value"]])
    return steps


def _keras_build_steps(recorded: list[list[Any]]) -> list[list[Any]]:
    return [s for s in recorded if s[0] != "call" or s[1].endswith(".build")]


@pytest.fixture(autouse=True)
def _fresh_session() -> None:
    backend.clear_session()


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_init_levels_match_tf_keras(name: str) -> None:
    make, _ = MAKERS[name]
    _, events = _record(make)
    levels = [_qualname(e["name"]) for e in events if e["kind"] == "call"]
    assert [q for q in levels if q.endswith(".__init__")] == FACTS[name]["init"]


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_build_calls_weights_and_built_writes_match_tf_keras(name: str) -> None:
    make, shape = MAKERS[name]
    layer = make()
    if shape is None:
        inputs: Any = [keras.Input(shape=(3,)), keras.Input(shape=(3,))]
    else:
        inputs = keras.Input(batch_shape=shape)
    _, events = _record(lambda: layer(inputs))
    assert _build_steps(events) == _keras_build_steps(FACTS[name]["build"])
    assert [w.name for w in layer.weights] == FACTS[name]["weight_order"]
    # The add_weight events already carry Keras's full names (name scopes included).
    created = [e["variable"] for e in events if e["kind"] == "add_weight"]
    assert created == FACTS[name]["weight_order"]
    assert {w.name: [list(w.shape), w.trainable] for w in layer.weights} == FACTS[name]["weights"]
