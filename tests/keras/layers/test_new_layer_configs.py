"""Config round trips and Keras 2's messages for the added layers.

``from_config(get_config())`` gives a layer with the same config (``Bidirectional``
re-creates its RNNs from theirs, so this is what it relies on); the validation errors
quote Keras 2's text (``tf_keras/src/layers/...``) so a student can search for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras import backend
from buildtrace.keras.layers.core.lambda_layer import NOT_SERIALISED

layers = keras.layers

ROUND_TRIPS: dict[str, Callable[[], Any]] = {
    "lstm": lambda: layers.LSTM(4, return_sequences=True, go_backwards=True, dropout=0.1),
    "gru": lambda: layers.GRU(3, reset_after=False, return_state=True),
    "simple_rnn": lambda: layers.SimpleRNN(2, activation="relu"),
    "embedding": lambda: layers.Embedding(10, 3, input_length=5),
    "conv1d": lambda: layers.Conv1D(4, 3, strides=2, padding="causal", activation="relu"),
    "conv2d_transpose": lambda: layers.Conv2DTranspose(2, 3, strides=2, padding="same"),
    "layer_normalization": lambda: layers.LayerNormalization(axis=[1, 2], epsilon=1e-5),
    "up_sampling2d": lambda: layers.UpSampling2D((2, 3)),
    "zero_padding2d": lambda: layers.ZeroPadding2D(((1, 2), (3, 4))),
    "global_max_pooling1d": lambda: layers.GlobalMaxPooling1D(keepdims=True),
    "average_pooling1d": lambda: layers.AveragePooling1D(3, strides=1, padding="same"),
    "relu": lambda: layers.ReLU(max_value=6.0, negative_slope=0.1),
    "leaky_relu": lambda: layers.LeakyReLU(alpha=0.2),
    "softmax": lambda: layers.Softmax(axis=1),
    "rescaling": lambda: layers.Rescaling(1 / 127.5, offset=-1.0),
    "gaussian_noise": lambda: layers.GaussianNoise(0.3),
    "time_distributed": lambda: layers.TimeDistributed(layers.Dense(3, activation="relu")),
    "bidirectional": lambda: layers.Bidirectional(layers.LSTM(3), merge_mode="ave"),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_config_round_trip(name: str) -> None:
    backend.clear_session()
    layer = ROUND_TRIPS[name]()
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert type(clone) is type(layer)
    assert clone.get_config() == config


def test_lambda_config_names_a_module_function_and_notes_a_lambda() -> None:
    named = layers.Lambda(np.abs).get_config()
    assert (named["function"], named["function_type"], named["module"]) == (
        "absolute",
        "function",
        "numpy",
    )
    assert type(layers.Lambda.from_config(named)).__name__ == "Lambda"
    config = layers.Lambda(lambda x: x + 1).get_config()
    assert config["function"] is None and config["function_type"] == "lambda"
    assert config["note"] == NOT_SERIALISED
    with pytest.raises(ValueError, match="does not serialise Python functions"):
        layers.Lambda.from_config(config)


def test_lambda_output_shape_from_the_function_or_the_argument() -> None:
    x = keras.Input(shape=(6, 4))
    assert layers.Lambda(lambda t: t[:, :2])(x).shape == (None, 2, 4)
    assert layers.Lambda(lambda t: t.sum(axis=1))(x).shape == (None, 4)
    assert layers.Lambda(lambda t: t, output_shape=(6, 4))(x).shape == (None, 6, 4)
    assert layers.Lambda(lambda t: t, output_shape=lambda s: s)(x).shape == (None, 6, 4)


MESSAGES: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (
        lambda: layers.ReLU(max_value=-1.0),
        ValueError,
        "max_value of a ReLU layer cannot be a negative value. Received: -1.0",
    ),
    (
        lambda: layers.LeakyReLU(alpha=None),
        ValueError,
        "The alpha value of a Leaky ReLU layer cannot be None, Expecting a float. Received: None",
    ),
    (
        lambda: layers.Embedding(0, 3),
        ValueError,
        "Both `input_dim` and `output_dim` should be positive, Received input_dim = 0 and "
        "output_dim = 3",
    ),
    (
        lambda: layers.LSTM(0),
        ValueError,
        "Received an invalid value for argument `units`, expected a positive integer, got 0.",
    ),
    (
        lambda: layers.Bidirectional(layers.LSTM(2), merge_mode="max"),
        ValueError,
        "Invalid merge mode. Received: max. Merge mode should be one of "
        '{"sum", "mul", "ave", "concat", None}',
    ),
    (
        lambda: layers.Subtract()([keras.Input(shape=(2,))] * 3),
        ValueError,
        "A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape=",
    ),
    (
        lambda: layers.TimeDistributed(layers.Dense(2))(keras.Input(shape=(3,))),
        ValueError,
        "`TimeDistributed` Layer should be passed an `input_shape ` with at least 3 dimensions",
    ),
    (
        lambda: layers.LSTM(2)(keras.Input(shape=(3,))),
        ValueError,
        'Input 0 of layer "lstm',
    ),
]


@pytest.mark.parametrize("make,error,message", MESSAGES)
def test_keras_messages(make: Callable[[], Any], error: type[Exception], message: str) -> None:
    backend.clear_session()
    with pytest.raises(error, match=re.escape(message)):
        make()


def test_dropout_is_a_base_random_layer_with_its_own_seeded_generator() -> None:
    layer = layers.Dropout(0.5, seed=3)
    assert isinstance(layer, layers.BaseRandomLayer)
    x = np.ones((4, 6), "float32")
    first = layer(x, training=True)
    again = layers.Dropout(0.5, seed=3)(x, training=True)
    np.testing.assert_array_equal(first, again)
    assert set(np.unique(first)) <= {0.0, 2.0}
