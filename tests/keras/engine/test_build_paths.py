"""Every way a Keras 2 model gets built, and what each leaves behind.

What Keras 2 does on each path was read from its sources (``sequential.py``,
``functional.py``, ``base_layer.py``); these tests pin the same behaviour here: which
flags flip, in which function, what input shape gets recorded.
"""

from __future__ import annotations

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.state.teaching import teaching_steps
from buildtrace.trace import Event

layers = keras.layers


def _flags(events: list[Event]) -> list[tuple[str, str, object]]:
    return [(e["layer"], e["attr"], e["value"]) for e in events if e["kind"] == "set"]


def _calls(events: list[Event], short: str) -> list[Event]:
    return [e for e in events if e["kind"] == "call" and e["name"].endswith(short)]


def test_explicit_build_creates_hidden_input_layer_named_after_first_layer() -> None:
    model = keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10)])
    model.build(input_shape=(None, 784))
    input_layer = model._self_tracked_trackables[0]
    assert isinstance(input_layer, keras.layers.InputLayer)
    assert input_layer.name == "dense_input"
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.inputs[0].shape == (None, 784)
    assert model.outputs[0].shape == (None, 10)
    assert model._graph_initialized and model.built
    assert model.layers[0]._build_input_shape == (None, 784)


def test_input_first_builds_while_adding(events: list[Event]) -> None:
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(4), layers.Dense(2)])
    assert model.built and model._graph_initialized
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.inputs[0]._keras_history.layer.name == "input_1"
    # Each add after the Input calls the new layer at once, inside Sequential.add.
    adds = _calls(events, "Sequential.add")
    assert len(adds) == 3
    builds = _calls(events, "Dense.build")
    assert [e["layer"] for e in builds] == ["dense", "dense_1"]
    assert all(b["seq"] > adds[1]["seq"] for b in builds)
    assert model.layers[1].kernel.shape == (4, 2)


def test_input_shape_on_first_layer_builds_in_add(events: list[Event]) -> None:
    model = keras.Sequential([layers.Dense(8, input_shape=(3,)), layers.Dense(1)])
    assert model.built
    assert model._self_tracked_trackables[0].name == "dense_input"
    assert model.inputs[0].shape == (None, 3)
    inputs = _calls(events, "input_layer.Input")
    assert len(inputs) == 1 and inputs[0]["layer"] == "dense_input"
    assert not _calls(events, "Sequential.build")


def test_add_one_by_one_is_the_same_as_the_constructor() -> None:
    stacked = keras.Sequential([layers.Dense(5), layers.Dense(2)])
    keras.backend.clear_session()
    added = keras.Sequential()
    added.add(layers.Dense(5))
    added.add(layers.Dense(2))
    for model in (stacked, added):
        assert not model.built
        model.build((None, 7))
    assert [w.shape for w in stacked.weights] == [w.shape for w in added.weights]
    assert [layer.name for layer in stacked.layers] == [layer.name for layer in added.layers]


def test_calling_an_unbuilt_model_on_data_records_the_batch_size(events: list[Event]) -> None:
    model = keras.Sequential([layers.Dense(4), layers.Dense(2)])
    out = model(np.ones((2, 784), "float32"))
    assert out.shape == (2, 2)
    # Keras 2 builds the graph for the data's own shape, batch size included...
    assert model.inputs[0].shape == (2, 784)
    assert model.layers[0]._build_input_shape == (2, 784)
    # ...after Layer.build marked the model built (Sequential.build is skipped: default).
    flags = _flags(events)
    assert flags.index(("sequential", "built", True)) < flags.index(
        ("sequential", "_graph_initialized", True)
    )
    assert not _calls(events, "Sequential.build")
    # A second call with another batch size relaxes the graph's input to None.
    model(np.ones((3, 784), "float32"))
    assert model.inputs[0].shape == (None, 784)


def test_unbuilt_model_has_no_weights_yet() -> None:
    model = keras.Sequential([layers.Dense(4)])
    with pytest.raises(ValueError, match="Weights for model 'sequential' have not yet been"):
        model.get_weights()
    assert model.layers[0].weights == []


def test_functional_branches_merge_and_multiple_inputs_outputs() -> None:
    image = keras.Input(shape=(8,), name="image")
    meta = keras.Input(shape=(3,), name="meta")
    left = layers.Dense(4, activation="relu", name="left")(image)
    right = layers.Dense(4, activation="tanh", name="right")(image)
    merged = layers.Concatenate(name="merge")([left, right, meta])
    summed = layers.Add(name="sum")([left, right])
    score = layers.Dense(1, name="score")(merged)
    model = keras.Model(inputs=[image, meta], outputs=[score, summed])
    assert type(model).__name__ == "Functional" and model.name == "model"
    assert model.built
    # Deepest first; within a depth, in the order _build_map met them from the outputs.
    assert [layer.name for layer in model.layers] == [
        "image",
        "left",
        "right",
        "meta",
        "merge",
        "score",
        "sum",
    ]
    assert model.output_names == ["score", "sum"]
    assert model.input_names == ["image", "meta"]
    depth = {n.layer.name: d for d, nodes in model._nodes_by_depth.items() for n in nodes}
    assert depth["score"] == 0 and depth["merge"] == 1 and depth["image"] == 3
    score_out, sum_out = model([np.ones((5, 8), "float32"), np.ones((5, 3), "float32")])
    assert score_out.shape == (5, 1) and sum_out.shape == (5, 4)


def test_build_map_helper_walks_back_from_the_output(events: list[Event]) -> None:
    model = keras.Sequential([layers.Dense(4), layers.Dense(2)])
    model.build((None, 3))
    helpers = _calls(events, "functional._build_map_helper")
    # One visit per node: output layer first, then down to the input, nesting deeper.
    assert [e["depth"] for e in helpers] == sorted(e["depth"] for e in helpers)
    assert "dense_1" in helpers[0]["tensor"] and "dense_input" in helpers[-1]["tensor"]


def test_model_built_turns_true_inside_init_graph_network(events: list[Event]) -> None:
    model = keras.Sequential([layers.Dense(2)])
    model.build((None, 3))
    steps = teaching_steps(events)
    first = steps.index(("set", "sequential", "built", True))
    init = steps.index(
        ("call", "keras.engine.functional.Functional._init_graph_network", "sequential")
    )
    assert init < first


def test_nested_model_as_a_layer() -> None:
    inner = keras.Sequential([layers.Dense(3, input_shape=(4,))], name="inner")
    outer = keras.Sequential([inner, layers.Dense(1)])
    outer.build((None, 4))
    assert outer.layers[0] is inner
    assert outer(np.ones((2, 4), "float32")).shape == (2, 1)


def test_clear_session_resets_names() -> None:
    assert layers.Dense(1).name == "dense"
    assert layers.Dense(1).name == "dense_1"
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"
    assert keras.Input(shape=(2,))._keras_history.layer.name == "input_1"


def test_set_random_seed_makes_weights_repeatable() -> None:
    def weights() -> list[np.ndarray]:
        keras.utils.set_random_seed(7)
        model = keras.Sequential([layers.Dense(3), layers.Dense(2)])
        model.build((None, 5))
        return model.get_weights()

    first, second = weights(), weights()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0][0], first[0][1])
