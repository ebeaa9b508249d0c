"""Narration covers every event of every sample's trace, with that trace's own values.

The traces are made here, in-process: the samples' models (copied small, trained on a
few random arrays instead of MNIST) run on buildtrace's engine while the bus collects
their events. Each event is explained with the model state folded up to it, as the TUI
does, and alone, as a reader of a single line would.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from example_models import sample_model
from hypothesis import example, given, settings
from hypothesis import strategies as st

from buildtrace import keras
from buildtrace.keras import backend
from buildtrace.narration import Explanation, explain, has_narration
from buildtrace.runner.script import run_script
from buildtrace.state.keras3_names import KERAS3_TEACHING_FUNCTIONS
from buildtrace.state.model_state import ModelState
from buildtrace.state.teaching import (
    KERAS2_TEACHING_FUNCTIONS,
    TEACHING_FUNCTIONS,
    is_concrete_layer_method,
)
from buildtrace.trace import BUS, Event
from buildtrace.trace.events import TRAINING_KINDS

layers = keras.layers


def _silent(*args: Any, **kwargs: Any) -> None:
    """A ``print_fn`` for ``summary()`` that prints nothing."""


def _record(build: Callable[[], Any]) -> list[Event]:
    """The events published while ``build`` runs, from a fresh Keras session."""
    backend.clear_session()
    keras.utils.set_random_seed(0)
    events: list[Event] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        build()
    finally:
        unsubscribe()
    return events


def _seed() -> None:
    model = sample_model("seed")  # samples/seed.py up to its build; then a short fit
    model.summary(print_fn=_silent)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.rand(64, 784).astype("float32")
    y = np.random.randint(0, 10, 64)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.evaluate(x[:32], y[:32], verbose=0)


def _functional_branches() -> None:
    model = sample_model("functional_branches")
    model.summary(print_fn=_silent)
    model.predict(np.random.rand(4, 784).astype("float32"), verbose=0)


def _cnn() -> None:
    model = sample_model("cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.rand(16, 28, 28, 1).astype("float32")
    model.fit(x, np.random.randint(0, 10, 16), epochs=1, batch_size=8, verbose=0)


def _deferred_build() -> None:
    model = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.rand(64, 8).astype("float32")
    model.fit(x, x.sum(axis=1, keepdims=True), epochs=2, batch_size=16, verbose=0)


def _subclassed() -> None:  # samples/subclassed.py, and a Sequential.pop
    class TwoLayer(keras.Model):
        def __init__(self) -> None:
            super().__init__(name="two_layer")
            self.hidden = layers.Dense(4, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs: Any) -> Any:
            return self.out(self.hidden(inputs))

    model = TwoLayer()
    model.build((None, 8))
    model.predict(np.random.rand(4, 8).astype("float32"), verbose=0)
    stack = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.Dense(2)])
    stack.pop()


def _adapted_normalization() -> None:  # the "basic regression" tutorial's start
    features = np.random.rand(40, 3).astype("float32")
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(features)
    model = keras.Sequential([normalizer, layers.Dense(1)])
    model.compile(optimizer="adam", loss="mean_absolute_error")
    model.fit(features, features.sum(axis=1), epochs=1, verbose=0)


MISSING_INPUT_SHAPE = """
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10)])
model.build()
"""

SAMPLES: dict[str, Callable[[], None]] = {
    "seed": _seed,
    "functional_branches": _functional_branches,
    "cnn": _cnn,
    "deferred_build": _deferred_build,
    "subclassed": _subclassed,
    "adapted_normalization": _adapted_normalization,
}


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Event]]]:
    """One trace per sample; the missing-input-shape one through the script runner, so it
    ends with the runner's uncaught ``<script>`` raise as a real run does."""
    made = {name: _record(build) for name, build in SAMPLES.items()}
    script = tmp_path_factory.mktemp("scripts") / "missing_input_shape.py"
    script.write_text(textwrap.dedent(MISSING_INPUT_SHAPE))
    result = run_script(script)
    assert result.exit_code == 1 and isinstance(result.error, ValueError)
    made["missing_input_shape"] = list(result.events)
    yield made
    backend.clear_session()


def _explained(events: list[Event]) -> Iterator[tuple[Event, Explanation, ModelState]]:
    state = ModelState()
    for event in events:
        state.apply(event)
        yield event, explain(event, state), state


def _find(events: list[Event], **fields: Any) -> list[Explanation]:
    """Explanations (with state) of the events whose fields equal ``fields``."""
    found = []
    for event, explanation, _ in _explained(events):
        if all(event.get(k) == v for k, v in fields.items()):
            found.append(explanation)
    return found


# --------------------------------------------------------------------------- coverage
def _needs_lesson(event: Event) -> bool:
    kind = event.get("kind")
    if kind in ("call", "return"):
        name = event.get("name", "")
        return name in TEACHING_FUNCTIONS or is_concrete_layer_method(name)
    return kind in ("set", "add_weight", "raise") or kind in TRAINING_KINDS


def test_every_event_of_every_sample_gets_an_explanation(traces: dict[str, list[Event]]) -> None:
    for name, events in traces.items():
        assert events, name
        for event, with_state, _ in _explained(events):
            alone = explain(event)
            for explanation in (with_state, alone):
                assert isinstance(explanation, Explanation)
                fields = (explanation.title, explanation.mirrors, explanation.text, explanation.why)
                assert all(isinstance(f, str) and f.strip() for f in fields), (name, event)


def test_teaching_functions_concrete_layers_flags_weights_errors_and_training_have_lessons(
    traces: dict[str, list[Event]],
) -> None:
    missing = sorted(
        {
            f"{name}: {event.get('kind')} {event.get('name')}"
            for name, events in traces.items()
            for event in events
            if _needs_lesson(event) and not has_narration(event)
        }
    )
    assert not missing, "no lesson for:\n" + "\n".join(missing)


def test_every_function_called_in_the_samples_has_a_lesson(traces: dict[str, list[Event]]) -> None:
    """Beyond the teaching set: every traced function the samples call is narrated."""
    names = {e["name"] for events in traces.values() for e in events if e["kind"] == "call"}
    missing = sorted(n for n in names if not has_narration({"kind": "call", "name": n}))
    assert not missing, "no lesson for:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", sorted(KERAS2_TEACHING_FUNCTIONS))
def test_teaching_set_function_has_a_lesson_for_call_and_return(name: str) -> None:
    for kind in ("call", "return"):
        assert has_narration({"kind": kind, "name": name, "depth": 0, "layer": "dense"}), name
        explanation = explain({"kind": kind, "name": name})
        assert explanation.mirrors.startswith("keras/engine/") and ".py::" in explanation.mirrors


@pytest.mark.parametrize("name", sorted(KERAS3_TEACHING_FUNCTIONS))
def test_keras3_teaching_function_says_what_it_replaces_in_keras_2(name: str) -> None:
    for kind in ("call", "return"):
        assert has_narration({"kind": kind, "name": name, "depth": 0, "layer": "dense"}), name
        explanation = explain({"kind": kind, "name": name})
        assert explanation.mirrors.startswith("keras/src/") and ".py::" in explanation.mirrors
        assert explanation.why.startswith("In Keras 2:"), name


def test_teaching_set_of_the_samples_is_fully_covered(traces: dict[str, list[Event]]) -> None:
    """The samples between them exercise every teaching function, so the coverage above
    is about real events, not only synthetic ones."""
    seen = {e["name"] for events in traces.values() for e in events if e["kind"] == "call"}
    assert seen >= KERAS2_TEACHING_FUNCTIONS, sorted(KERAS2_TEACHING_FUNCTIONS - seen)


def test_unknown_function_gets_an_honest_generic_text() -> None:
    event = {"kind": "call", "name": "keras.engine.base_layer.Layer._not_a_thing", "depth": 0}
    explanation = explain(event)
    assert not has_narration(event)
    assert "no lesson" in explanation.text
    assert explanation.mirrors == "keras/engine/base_layer.py::Layer._not_a_thing"


# ------------------------------------------------------------ the trace's own values
def test_dense_build_shows_the_kernel_arithmetic_and_glorot_limit(
    traces: dict[str, list[Event]],
) -> None:
    (build,) = _find(traces["seed"], kind="call", name="keras.layers.core.dense.Dense.build",
                     layer="dense")  # fmt: skip
    for value in ("(None, 784)", "784 × 512", "401,408", "±0.068", "GlorotUniform", "401,920"):
        assert value in build.text, value
    assert build.mirrors == "keras/layers/core/dense.py::Dense.build"
    (second,) = _find(traces["seed"], kind="call", name="keras.layers.core.dense.Dense.build",
                      layer="dense_1")  # fmt: skip
    assert "512 × 10" in second.text and "5,120" in second.text


def test_add_weight_shows_shape_count_and_initializer(traces: dict[str, list[Event]]) -> None:
    kernel, bias = _find(traces["seed"], kind="add_weight", layer="dense")
    assert "(784, 512)" in kernel.text and "401,408" in kernel.text and "0.068" in kernel.text
    assert "dense/kernel:0" in kernel.text and "Trainable" in kernel.text
    assert "(512,)" in bias.text and "zeros" in bias.text
    moving = _find(traces["cnn"], kind="add_weight", weight="moving_variance")[0]
    assert "(32,)" in moving.text and "Not trainable" in moving.text


def test_set_events_name_the_layer_and_both_values(traces: dict[str, list[Event]]) -> None:
    for name, events in traces.items():
        for event, explanation, _ in _explained(events):
            if event["kind"] != "set":
                continue
            if event.get("layer"):
                assert event["layer"] in explanation.text, (name, event)
            old = "unset" if event.get("old") is None else str(event["old"])
            assert f"{old} → {event['value']}" in explanation.text, (name, event)


def test_built_written_twice_is_explained_as_first_and_second_write(
    traces: dict[str, list[Event]],
) -> None:
    first, second = _find(traces["seed"], kind="set", attr="built", layer="dense", value=True)
    assert "Dense.build" in first.text and "first of two" in first.text
    assert "Second write" in second.text and "_maybe_build" in second.text
    graph = [e for e in _find(traces["seed"], kind="set", attr="built", layer="sequential")
             if "_init_graph_network" in e.mirrors]  # fmt: skip
    assert graph and "not in `Model.build`" in graph[0].text


def test_missing_input_shape_raise_explains_the_fix(traces: dict[str, list[Event]]) -> None:
    raises = _find(traces["missing_input_shape"], kind="raise")
    assert len(raises) == 2  # where Keras raised it, and the script's uncaught end
    for explanation in raises:
        assert "You must provide an `input_shape` argument" in explanation.text
        assert "How to fix it" in explanation.text
        assert "model.build(input_shape=(None, 784))" in explanation.text
        assert "keras.Input(shape=(784,))" in explanation.text
    assert raises[0].mirrors == "keras/engine/sequential.py::Sequential.build"
    assert "stopped" in raises[1].text


def test_cnn_layers_show_their_shapes(traces: dict[str, list[Event]]) -> None:
    cnn = traces["cnn"]
    (conv,) = _find(cnn, kind="call", name="keras.layers.convolutional.base_conv.Conv.build",
                    layer="conv2d")  # fmt: skip
    for value in ("(None, 28, 28, 1)", "(3, 3, 1, 16)", "144", "±0.198", "(None, 26, 26, 16)"):
        assert value in conv.text, value
    (norm,) = _find(cnn, kind="call", name="keras.layers.normalization.batch_normalization."
                    "BatchNormalization.build")  # fmt: skip
    assert "32 channels" in norm.text and "64 of them non-trainable" in norm.text
    pool = _find(cnn, kind="call", name="keras.layers.pooling.base_pooling2d.Pooling2D.call",
                 layer="max_pooling2d")  # fmt: skip
    assert "(None, 26, 26, 16) → (None, 13, 13, 16)" in pool[0].text
    flat = _find(cnn, kind="call", name="keras.layers.reshaping.flatten.Flatten.call")[0]
    assert "5 × 5 × 32 = 800" in flat.text


def test_functional_graph_mapping_lists_the_layers(traces: dict[str, list[Event]]) -> None:
    events = traces["functional_branches"]
    (mapped,) = _find(events, kind="return", name="keras.engine.functional._map_graph_network")
    assert "`pixels`, `deep_1`, `wide`, `deep_2`, `merge` and `digits`" in mapped.text
    helpers = _find(events, kind="call", name="keras.engine.functional._build_map_helper")
    assert "made by `digits`" in helpers[0].text and "level 1" in helpers[0].text
    assert any("`pixels` is an input layer" in h.text for h in helpers)
    (concat,) = _find(
        events, kind="call", name="keras.layers.merging.concatenate.Concatenate.build"
    )
    assert "[(None, 64), (None, 64)]" in concat.text


def test_training_events_show_their_numbers(traces: dict[str, list[Event]]) -> None:
    seed = traces["seed"]
    (compiled,) = _find(seed, kind="compile")
    assert "RMSprop" in compiled.text and "learning_rate 0.001" in compiled.text
    assert "sparse_categorical_crossentropy" in compiled.text
    (begin,) = _find(seed, kind="train_begin")
    assert "2 epochs of 4 batches" in begin.text and "64 samples" in begin.text
    batches = [e for e in seed if e["kind"] == "batch_end"]
    first = explain(batches[0])
    assert f"{batches[0]['logs']['loss']:.4f}" in first.text and "traced" in first.text
    (step,) = _find(
        traces["deferred_build"], kind="call", name="keras.engine.training.Model.train_step"
    )
    assert "not built yet" in step.text and "vector-Jacobian" in step.text


def test_symbolic_and_data_calls_are_told_apart(traces: dict[str, list[Event]]) -> None:
    seed = traces["seed"]
    calls = _find(seed, kind="call", name="keras.engine.base_layer.Layer.__call__", layer="dense")
    assert "symbolic tensor" in calls[0].text  # inside Sequential.build
    assert "real data" in calls[-1].text and "(32, 784)" in calls[-1].text  # inside evaluate


# ------------------------------------------------------------------ never raises
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
KINDS = st.sampled_from(
    ["call", "return", "raise", "set", "add_weight", *TRAINING_KINDS, "other"]
) | st.text(max_size=6)
NAMES = st.sampled_from(
    [
        *sorted(TEACHING_FUNCTIONS),
        *("keras.layers.core.dense.Dense.build", "<script>", "fit", "Dense.built", "", "."),
    ]
) | st.text(max_size=30)
FIELDS = st.sampled_from(
    ["layer", "cls", "depth", "seq", "input_shape", "output_shape", "attr", "old", "value",
     "shape", "weight", "initializer", "trainable", "params", "message", "error_type",
     "origin", "logs", "epoch", "batch", "epochs", "steps", "samples", "batch_size",
     "config", "node_of", "inbound", "output_shapes", "tensor", "layers", "optimizer_config"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(kind=KINDS, name=NAMES, extra=st.dictionaries(FIELDS, JSONISH, max_size=8))
@example(kind="call", name="\x85", extra={})  # a whitespace-only name once gave a blank title
def test_explain_never_raises_on_odd_events(kind: str, name: str, extra: dict[str, Any]) -> None:
    event = {"kind": kind, "name": name, **extra}
    for state in (None, _STATE):
        explanation = explain(event, state)
        assert all(
            isinstance(f, str) and f.strip()
            for f in (explanation.title, explanation.mirrors, explanation.text, explanation.why)
        )
    assert isinstance(has_narration(event), bool)


def _folded_seed_build() -> ModelState:
    state = ModelState()
    for event in _record(lambda: keras.Sequential([layers.Dense(3)]).build((None, 4))):
        state.apply(event)
    return state


_STATE = _folded_seed_build()


def test_explain_survives_missing_kind_and_non_dict_events() -> None:
    for odd in ({}, {"name": "x"}, {"kind": None}, {"kind": "set", "attr": "built"}):
        assert explain(odd).text
    assert explain("not an event").text  # type: ignore[arg-type]
    assert not has_narration({})
