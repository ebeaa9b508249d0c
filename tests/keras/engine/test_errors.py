"""Bad input gets Keras 2's own error: same exception type, same words.

Messages are copied from Keras 2's sources (tf-keras 2.21) for each case.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.trace import Event

layers = keras.layers


def _seed() -> keras.Sequential:
    return keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10)])


def test_summary_before_build() -> None:
    with pytest.raises(
        ValueError,
        match=re.escape(
            "This model has not yet been built. Build the model first by calling `build()` or by "
            "calling the model on a batch of data."
        ),
    ):
        _seed().summary()


def test_build_without_input_shape() -> None:
    with pytest.raises(ValueError, match=re.escape("You must provide an `input_shape` argument.")):
        _seed().build()


def test_build_with_a_non_sequence_input_shape() -> None:
    # Keras 2 calls tuple(input_shape) in _build_graph_network_for_inferred_shape.
    with pytest.raises(TypeError, match="'int' object is not iterable"):
        _seed().build(784)


def test_incompatible_input_to_a_built_layer() -> None:
    model = _seed()
    model.build((None, 784))
    with pytest.raises(
        ValueError,
        match=re.escape(
            'Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of input '
            "shape to have value 784, but received input with shape (2, 100)"
        ),
    ):
        model.layers[0](np.ones((2, 100)))


def test_model_called_with_the_wrong_feature_size() -> None:
    # A Sequential with an inferred input leaves the check to its first layer, as in Keras.
    model = _seed()
    model.build((None, 784))
    with pytest.raises(
        ValueError,
        match=re.escape(
            'Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of '
            "input shape to have value 784, but received input with shape (2, 100)"
        ),
    ):
        model(np.ones((2, 100)))


def test_functional_model_checks_its_own_input() -> None:
    x = keras.Input(shape=(784,))
    model = keras.Model(x, layers.Dense(2)(x))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "is incompatible with the layer: expected shape=(None, 784), found shape=(2, 100)"
        ),
    ):
        model(np.ones((2, 100)))


def test_min_ndim_violation() -> None:
    with pytest.raises(
        ValueError,
        match=re.escape(
            'Input 0 of layer "dense" is incompatible with the layer: expected min_ndim=2, found '
            "ndim=1. Full shape received: (5,)"
        ),
    ):
        layers.Dense(3)(keras.Input(batch_shape=(5,)))


def test_invalid_units() -> None:
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Received an invalid value for `units`, expected a positive integer. Received: units=-3"
        ),
    ):
        layers.Dense(-3)


def test_mismatched_merge_shapes() -> None:
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(4,))
    with pytest.raises(
        ValueError,
        match=re.escape("Inputs have incompatible shapes. Received shapes (3,) and (4,)"),
    ):
        layers.Add()([a, b])
    c = keras.Input(shape=(4, 2))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "A `Concatenate` layer requires inputs with matching shapes except for the "
            "concatenation axis. Received: input_shape=[(None, 3), (None, 4, 2)]"
        ),
    ):
        layers.Concatenate()([a, c])


def test_graph_disconnected() -> None:
    x = keras.Input(shape=(3,))
    unrelated = keras.Input(shape=(3,), name="unrelated")
    y = layers.Dense(2)(x)
    with pytest.raises(ValueError, match="Graph disconnected: cannot obtain value for tensor"):
        keras.Model(unrelated, y)


def test_inputs_not_from_keras_input() -> None:
    with pytest.raises(
        ValueError,
        match=re.escape("Input tensors to a Functional model must come from `tf.keras.Input`."),
    ):
        keras.Model(keras.engine.keras_tensor.KerasTensor((None, 3)), keras.Input(shape=(3,)))


def test_same_input_twice() -> None:
    x = keras.Input(shape=(3,))
    with pytest.raises(ValueError, match="contains the same input multiple times"):
        keras.Model([x, x], layers.Dense(1)(x))


def test_duplicate_layer_name_in_sequential() -> None:
    model = keras.Sequential([layers.Dense(2, name="same")])
    with pytest.raises(ValueError, match=re.escape('Name "same" is already the name of a layer')):
        model.add(layers.Dense(2, name="same"))


def test_adding_something_that_is_not_a_layer() -> None:
    with pytest.raises(TypeError, match=r"The added layer must be an instance of class Layer\."):
        keras.Sequential([3])


def test_unknown_keyword_argument() -> None:
    with pytest.raises(TypeError, match="Keyword argument not understood:"):
        layers.Dense(3, foo=1)


def test_input_without_shape() -> None:
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Please provide to Input a `shape` or a `tensor` or a `type_spec` argument."
        ),
    ):
        keras.Input()


def test_unsupported_layer_names_itself() -> None:
    with pytest.raises(AttributeError, match=r"`keras\.layers\.ConvLSTM2D` is not supported"):
        _ = keras.layers.ConvLSTM2D


def test_every_call_of_a_failed_build_is_closed(events: list[Event]) -> None:
    """A failure deep inside still leaves a well-formed trace: every call is closed."""
    model = keras.Sequential([layers.Dense(4), layers.Reshape((3, 3))])
    with pytest.raises(ValueError, match="total size of new array must be unchanged"):
        model.build((None, 5))
    open_calls = 0
    for event in events:
        if event["kind"] == "call":
            open_calls += 1
        elif event["kind"] in ("return", "raise"):
            open_calls -= 1
    assert open_calls == 0
    assert events[-1]["kind"] == "raise"
    origins = [e for e in events if e["kind"] == "raise" and e["origin"]]
    assert origins and origins[-1]["error_type"] == "ValueError"


def test_error_inside_call_names_the_layer_and_its_arguments() -> None:
    dense = layers.Dense(4)
    dense.build((None, 784))
    with pytest.raises(ValueError) as caught:
        dense(keras.Input(shape=(100,)))
    message = str(caught.value)
    assert message.startswith("Exception encountered when calling layer 'dense' (type Dense).")
    assert "Matrix size-incompatible: In[0]: [1, 100], In[1]: [784, 4]" in message
    assert "  • inputs=tf.Tensor(shape=(None, 100), dtype=float32)" in message
