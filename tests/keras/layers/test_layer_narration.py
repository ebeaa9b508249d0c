"""Every traced function of every layer has a lesson, and traces of models using the
added layers are narrated event by event.

A function without a lesson would show the generic fallback text in the viewer; this
test fails for any ``@traced`` layer method added without one.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import buildtrace.keras.engine.base_layer as base_layer
import buildtrace.keras.layers as layers_package
from buildtrace import keras
from buildtrace.keras import backend
from buildtrace.narration import Explanation, explain, has_narration
from buildtrace.state.model_state import ModelState
from buildtrace.state.teaching import TEACHING_FUNCTIONS, is_concrete_layer_method
from buildtrace.trace import BUS, Event
from buildtrace.trace.events import TRAINING_KINDS

layers = keras.layers


def _traced_layer_functions() -> set[str]:
    modules = [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(layers_package.__path__, layers_package.__name__ + ".")
    ]
    names: set[str] = set()
    for module in [*modules, base_layer]:
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            for value in vars(cls).values():
                name = getattr(value, "__buildtrace_name__", None)
                if name is not None:
                    names.add(name)
    return names


def test_every_traced_layer_function_has_a_lesson() -> None:
    names = _traced_layer_functions()
    assert "keras.layers.rnn.lstm.LSTMCell.build" in names
    missing = sorted(n for n in names if not has_narration({"kind": "call", "name": n}))
    assert not missing, "no lesson for:\n" + "\n".join(missing)


def _lstm_text() -> None:
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            layers.Embedding(30, 4),
            layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
            layers.GRU(3),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(0).integers(0, 30, (8, 6))
    model.fit(x, np.ones((8, 1)), epochs=1, batch_size=4, verbose=0)


def _conv_autoencoder() -> None:
    inputs = keras.Input(shape=(8, 8, 1))
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.ZeroPadding2D(1)(x)
    x = layers.Conv2D(4, 3, strides=2, activation="relu")(x)
    x = layers.LayerNormalization()(x)
    x = layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.UpSampling2D()(layers.MaxPooling2D()(x))
    outputs = layers.Conv2D(1, 3, padding="same")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    data = np.random.default_rng(1).random((4, 8, 8, 1)).astype("float32")
    model.fit(data, data, epochs=1, verbose=0)


def _merges_and_text_cnn() -> None:
    a = keras.Input(shape=(10, 3))
    b = layers.Conv1D(4, 3, padding="causal", activation="relu")(a)
    c = layers.GlobalMaxPooling1D()(layers.MaxPooling1D()(b))
    d = layers.GlobalAveragePooling1D()(layers.AveragePooling1D()(b))
    e = layers.concatenate([c, d, layers.subtract([c, d])])
    f = layers.multiply([layers.ReLU()(e), layers.LeakyReLU()(e)])
    g = layers.average([f, layers.maximum([e, f]), layers.minimum([e, f])])
    h = layers.Lambda(lambda t: t * 0.5)(layers.Dropout(0.2)(g))
    out = layers.Softmax()(layers.Dense(2)(layers.GaussianNoise(0.1)(h)))
    model = keras.Model(a, out)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(2).normal(size=(4, 10, 3)).astype("float32")
    model.predict(x, verbose=0)
    layers.TimeDistributed(layers.Dense(2))(keras.Input(shape=(5, 3)))
    layers.SpatialDropout1D(0.1)(keras.Input(shape=(5, 3)))
    layers.GlobalAveragePooling2D()(keras.Input(shape=(4, 4, 2)))
    layers.SimpleRNN(2)(keras.Input(shape=(5, 3)))


def _preprocessing_regression() -> None:
    data = np.random.default_rng(3).normal(size=(40, 3)).astype("float32")
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(data, batch_size=16)
    bins = layers.Discretization(num_bins=3)
    bins.adapt(data[:, :1])
    wide = keras.Input(shape=(3,))
    column = keras.Input(shape=(1,))
    codes = layers.CategoryEncoding(num_tokens=3, output_mode="one_hot")(bins(column))
    x = layers.concatenate([normalizer(wide), codes])
    model = keras.Model([wide, column], layers.Dense(1)(x))
    model.compile(optimizer="sgd", loss="mse")
    model.fit([data, data[:, :1]], data[:, :1], epochs=1, verbose=0)


SAMPLES: dict[str, Callable[[], None]] = {
    "lstm_text": _lstm_text,
    "preprocessing_regression": _preprocessing_regression,
    "conv_autoencoder": _conv_autoencoder,
    "merges_and_text_cnn": _merges_and_text_cnn,
}


def _record(build: Callable[[], None]) -> list[Event]:
    backend.clear_session()
    keras.utils.set_random_seed(0)
    events: list[Event] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        build()
    finally:
        unsubscribe()
    return events


def _needs_lesson(event: dict[str, Any]) -> bool:
    kind = event.get("kind")
    if kind in ("call", "return"):
        name = event.get("name", "")
        return name in TEACHING_FUNCTIONS or is_concrete_layer_method(name)
    return kind in ("set", "add_weight", "raise") or kind in TRAINING_KINDS


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_every_event_of_the_sample_is_narrated(sample: str) -> None:
    events = _record(SAMPLES[sample])
    state = ModelState()
    missing = set()
    for event in events:
        state.apply(event)
        for explanation in (explain(event, state), explain(event)):
            assert isinstance(explanation, Explanation)
            fields = (explanation.title, explanation.mirrors, explanation.text, explanation.why)
            assert all(isinstance(f, str) and f.strip() for f in fields), event
        if _needs_lesson(event) and not has_narration(event):
            missing.add(f"{event.get('kind')} {event.get('name')}")
        if event["kind"] == "call" and not has_narration({"kind": "call", "name": event["name"]}):
            missing.add(f"call {event['name']}")
    assert not missing, "no lesson for:\n" + "\n".join(sorted(missing))
