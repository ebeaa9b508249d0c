"""``keras.Input`` and ``InputLayer`` behave as Keras 2's do.

Pins: the symbolic tensor ``Input`` returns (shape with the batch axis, dtype, the
``InputLayer`` behind it), naming (``input_1``, ``input_2``...; one-based, unlike other
layers), the layer being built from birth with no weights, the hidden InputLayer a
``Sequential`` makes from a first layer's ``input_shape``/``input_dim``, the config
round trip, and Keras 2's argument errors.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from buildtrace import keras

layers = keras.layers


def _layer_of(tensor: Any) -> Any:
    return tensor._keras_history.layer


# ---------------------------------------------------------------------------- shapes
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"shape": (784,)}, (None, 784)),
        ({"shape": (28, 28, 1)}, (None, 28, 28, 1)),
        ({"shape": 784}, (None, 784)),  # an int means a 1-D sample
        ({"shape": (None, 3)}, (None, None, 3)),
        ({"shape": (784,), "batch_size": 32}, (32, 784)),
        ({"batch_shape": (5,)}, (5,)),
        ({"batch_shape": (None, 4, 4)}, (None, 4, 4)),
        ({"batch_input_shape": (2, 3)}, (2, 3)),
    ],
)
def test_input_gives_a_symbolic_tensor_with_the_batch_axis_first(
    kwargs: dict[str, Any], expected: tuple[int | None, ...]
) -> None:
    tensor = keras.Input(**kwargs)
    assert tensor.shape == expected
    assert tensor.ndim == len(expected)
    assert tensor.dtype == "float32"
    layer = _layer_of(tensor)
    assert isinstance(layer, layers.InputLayer)
    assert layer._batch_input_shape == expected


def test_input_dtype_is_kept() -> None:
    tensor = keras.Input(shape=(3,), dtype="int32")
    assert tensor.dtype == "int32"
    assert _layer_of(tensor).dtype == "int32"


def test_keras_layers_input_is_keras_input() -> None:
    assert layers.Input is keras.Input


# ---------------------------------------------------------------------------- layer
def test_input_layers_are_named_from_one() -> None:
    first = _layer_of(keras.Input(shape=(2,)))
    second = _layer_of(keras.Input(shape=(2,)))
    assert (first.name, second.name) == ("input_1", "input_2")
    named = _layer_of(keras.Input(shape=(2,), name="pixels"))
    assert named.name == "pixels"
    assert _layer_of(keras.Input(shape=(2,))).name == "input_3"


def test_clear_session_restarts_input_names() -> None:
    keras.Input(shape=(2,))
    keras.backend.clear_session()
    assert _layer_of(keras.Input(shape=(2,))).name == "input_1"


def test_input_layer_is_built_from_birth_without_weights() -> None:
    tensor = keras.Input(shape=(784,))
    layer = _layer_of(tensor)
    assert layer.built
    assert layer.weights == []
    assert layer.count_params() == 0
    assert layer.output is tensor
    assert layer.output_shape == [(None, 784)]  # a list, as Keras 2 (tests/data/keras2_facts)
    node = layer._inbound_nodes[0]
    assert node.is_input
    assert node.inbound_layers == []


def test_input_layer_constructed_directly_owns_a_placeholder() -> None:
    layer = layers.InputLayer(input_shape=(4,), name="features")
    assert layer.built
    assert layer._batch_input_shape == (None, 4)
    assert layer.output.shape == (None, 4)
    by_batch_shape = layers.InputLayer(batch_input_shape=(8, 4))
    assert by_batch_shape.output.shape == (8, 4)


def test_layers_called_on_an_input_record_it_as_their_input() -> None:
    x = keras.Input(shape=(4,))
    dense = layers.Dense(2)
    y = dense(x)
    assert dense.input is x
    node = y._keras_history.layer._inbound_nodes[0]
    assert node.inbound_layers is _layer_of(x)  # one inbound layer: not wrapped in a list
    assert _layer_of(x)._outbound_nodes == [node]


def test_functional_model_from_an_input_runs_on_data() -> None:
    x = keras.Input(shape=(3,))
    y = layers.Dense(2, kernel_initializer="ones")(x)
    model = keras.Model(x, y)
    assert model.layers[0] is _layer_of(x)
    np.testing.assert_array_equal(model(np.array([[1.0, 2.0, 3.0]])), [[6.0, 6.0]])


@pytest.mark.parametrize(
    "first_layer_kwargs",
    [{"input_shape": (4,)}, {"input_dim": 4}, {"batch_input_shape": (None, 4)}],
)
def test_sequential_makes_a_hidden_input_layer_from_the_first_layers_input_shape(
    first_layer_kwargs: dict[str, Any],
) -> None:
    model = keras.Sequential([layers.Dense(3, **first_layer_kwargs), layers.Dense(1)])
    assert model.built
    hidden = model._self_tracked_trackables[0]
    assert isinstance(hidden, layers.InputLayer)
    assert hidden.name == "dense_input"
    assert hidden._batch_input_shape == (None, 4)
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.layers[0].kernel.shape == (4, 3)


def test_sequential_accepts_an_input_tensor_as_first_element() -> None:
    model = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(2)])
    assert model.built
    assert model.layers[0].kernel.shape == (5, 2)
    assert model.outputs[0].shape == (None, 2)


# ---------------------------------------------------------------------------- config
def test_input_layer_config_round_trip() -> None:
    layer = _layer_of(keras.Input(shape=(28, 28), batch_size=4, name="image"))
    config = layer.get_config()
    assert config == {
        "batch_input_shape": (4, 28, 28),
        "dtype": "float32",
        "sparse": False,
        "ragged": False,
        "name": "image",
    }
    clone = layers.InputLayer.from_config(config)
    assert type(clone) is layers.InputLayer
    assert clone.get_config() == config
    assert clone.output.shape == (4, 28, 28)


# ---------------------------------------------------------------------------- errors
def test_input_with_both_shape_and_batch_shape_raises_keras_message() -> None:
    msg = (
        "Only provide the `shape` OR `batch_input_shape` argument to Input, not both at "
        "the same time."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        keras.Input(shape=(3,), batch_shape=(None, 3))


def test_input_without_a_shape_raises_keras_message() -> None:
    msg = (
        "Please provide to Input a `shape` or a `tensor` or a `type_spec` argument. Note "
        "that `shape` does not include the batch dimension."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        keras.Input()


def test_input_with_an_unknown_keyword_raises_keras_message() -> None:
    with pytest.raises(ValueError, match=re.escape("Unrecognized keyword arguments: ['foo']")):
        keras.Input(shape=(3,), foo=1)


def test_input_sparse_and_ragged_together_raises_keras_message() -> None:
    msg = "Cannot set both `sparse` and `ragged` to `True` in a Keras `Input`."
    with pytest.raises(ValueError, match=re.escape(msg)):
        keras.Input(shape=(3,), sparse=True, ragged=True)


def test_input_layer_with_both_shapes_raises_keras_message() -> None:
    msg = (
        "Only provide the input_shape OR batch_input_shape argument to InputLayer, not "
        "both at the same time."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.InputLayer(input_shape=(3,), batch_input_shape=(None, 3))
