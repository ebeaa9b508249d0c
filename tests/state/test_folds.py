"""The folds give the model, the call stack and training as of any event.

They run on events only, so each test checks that folding a prefix of a trace tells
what the model object said at that moment.
"""

from __future__ import annotations

import numpy as np

from buildtrace import keras
from buildtrace.state.callstack import call_stack, matching_end
from buildtrace.state.model_state import model_state
from buildtrace.state.training import training_state
from buildtrace.trace import Event

layers = keras.layers


def _seed_build(events: list[Event]) -> keras.Sequential:
    model = keras.Sequential(
        [layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    model.build((None, 784))
    return model


def test_model_state_after_the_seed_build(events: list[Event]) -> None:
    _seed_build(events)
    state = model_state(events)
    assert list(state.layers) == ["dense", "dense_1", "sequential", "dense_input"]
    dense = state.layers["dense"]
    assert dense.built and dense.cls == "Dense" and dense.activation == "relu"
    assert dense.build_input_shape == (None, 784) and dense.output_shape == (None, 512)
    assert [(w.name, w.shape, w.initializer) for w in dense.weights] == [
        ("kernel", (784, 512), "GlorotUniform"),
        ("bias", (512,), "Zeros"),
    ]
    assert dense.params == 401920
    inferred = state.layers["dense_input"]
    assert inferred.is_input and inferred.inferred_by == "sequential"
    assert state.edges == [("dense_input", "dense"), ("dense", "dense_1")]
    flags = state.models["sequential"]
    assert flags.built and flags.graph_initialized
    assert flags.layers == ["dense_input", "dense", "dense_1"]


def test_model_state_at_every_step_is_a_prefix_fold(events: list[Event]) -> None:
    _seed_build(events)
    built_at = next(
        i for i, e in enumerate(events)
        if e["kind"] == "set" and e["layer"] == "dense" and e["value"] is True
    )  # fmt: skip
    before, after = model_state(events[:built_at]), model_state(events[: built_at + 1])
    assert not before.layers["dense"].built and after.layers["dense"].built
    assert after.last_change is events[built_at]
    # While dense is being built, it is the focus; its weights exist already.
    assert before.focus() == "dense" and len(before.layers["dense"].weights) == 2


def test_model_state_of_an_unbuilt_model_lists_its_planned_layers(events: list[Event]) -> None:
    keras.Sequential([layers.Dense(3), layers.Dense(1)])
    state = model_state(events)
    assert state.models["sequential"].layers == ["dense", "dense_1"]
    assert not state.models["sequential"].built
    assert state.edges == []


def test_a_model_is_a_model_from_its_own_layer_init_on(events: list[Event]) -> None:
    inputs = keras.Input(shape=(4,))
    keras.Model(inputs, layers.Dense(2)(inputs), name="tiny")
    made = next(
        i for i, e in enumerate(events)
        if e["kind"] == "return" and e["name"].endswith("Layer.__init__") and e["layer"] == "tiny"
    )  # fmt: skip
    # Model.__init__ is still running here; "tiny" must never count as a loose layer.
    state = model_state(events[: made + 1])
    assert "tiny" in state.models
    assert "tiny" not in [layer.name for layer in state.plain_layers]


def test_call_stack_and_step_over(events: list[Event]) -> None:
    _seed_build(events)
    add_weight = next(i for i, e in enumerate(events) if e["kind"] == "add_weight")
    names = [f["name"].rsplit(".", 2)[-2] + "." + f["name"].rsplit(".", 1)[-1]
             for f in call_stack(events[: add_weight + 1])]  # fmt: skip
    assert names[:2] == ["Sequential.build", "Sequential._build_graph_network_for_inferred_shape"]
    assert names[-2:] == ["Dense.build", "Layer.add_weight"]
    build = next(i for i, e in enumerate(events) if e["name"].endswith("Sequential.build"))
    end = matching_end(events, build)
    assert events[end]["kind"] == "return" and events[end]["call"] == events[build]["seq"]


def test_training_state_follows_fit(events: list[Event]) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 4)).astype("float32"), rng.integers(0, 2, 64)
    model = keras.Sequential([layers.Dense(2, activation="softmax", input_shape=(4,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, validation_split=0.25, verbose=0)
    state = training_state(events)
    assert state.started and state.finished
    assert state.epochs == 2 and state.steps == 3
    assert len(state.batch_logs) == 6 and len(state.epoch_logs) == 2
    assert len(state.series("val_loss", per="epoch")) == 2
    assert state.eta_seconds() == 0.0
    halfway = training_state(events[: next(
        i for i, e in enumerate(events) if e["kind"] == "epoch_end")])  # fmt: skip
    assert halfway.epoch == 0 and len(halfway.batch_logs) == 3 and not halfway.finished
