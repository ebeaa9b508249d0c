"""The models of ``scripts/record_layer_references.py``, built with buildtrace.

Each function returns ``(model, loss)`` for the case of the same name; the inputs,
initial weights, losses and final weights come from ``tests/data/layers/<case>.npz``,
recorded from tf-keras 2.21.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from buildtrace import keras

layers = keras.layers


def conv1d() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(9, 3)),
            layers.Conv1D(4, 3, activation="relu"),
            layers.MaxPooling1D(2),
            layers.Conv1D(4, 2, padding="causal", activation="tanh"),
            layers.AveragePooling1D(2, strides=1, padding="same"),
            layers.GlobalMaxPooling1D(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    return model, "sparse_categorical_crossentropy"


def conv2d_transpose() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(3, 3, 2)),
            layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu"),
            layers.UpSampling2D(),
            layers.ZeroPadding2D(1),
            layers.Conv2D(2, 3, strides=2),
            layers.Conv2DTranspose(2, 2, strides=2),
            layers.GlobalAveragePooling2D(),
            layers.Dense(1),
        ]
    )
    return model, "mse"


def layer_normalization() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 4)),
            layers.LayerNormalization(),
            layers.Dense(3, activation="tanh"),
            layers.LayerNormalization(axis=[1, 2], epsilon=1e-5),
            layers.GlobalMaxPooling1D(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    return model, "sparse_categorical_crossentropy"


def embedding() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            layers.Embedding(20, 4, input_length=6),
            layers.GlobalAveragePooling1D(),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    return model, "binary_crossentropy"


def simple_rnn() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            layers.Embedding(20, 4),
            layers.SimpleRNN(5, return_sequences=True),
            layers.SimpleRNN(3, go_backwards=True),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    return model, "binary_crossentropy"


def lstm() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            layers.LSTM(4, return_sequences=True),
            layers.LSTM(3, go_backwards=True),
            layers.Dense(2, activation="softmax"),
        ]
    )
    return model, "sparse_categorical_crossentropy"


def gru() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            layers.GRU(4, return_sequences=True, go_backwards=True),
            layers.GRU(3, reset_after=False),
            layers.Dense(1),
        ]
    )
    return model, "mse"


def bidirectional() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
            layers.Bidirectional(layers.GRU(3), merge_mode="sum"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    return model, "sparse_categorical_crossentropy"


def time_distributed() -> tuple[Any, str]:
    model = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            layers.TimeDistributed(layers.Dense(4, activation="relu")),
            layers.SimpleRNN(3, return_sequences=True),
            layers.TimeDistributed(layers.Dense(2)),
        ]
    )
    return model, "mse"


def merges() -> tuple[Any, str]:
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    da = layers.Dense(4, name="da")(layers.Rescaling(0.5, offset=0.1)(a))
    db = layers.Dense(4, name="db")(b)
    m = layers.multiply([layers.ReLU(max_value=2.0)(da), layers.LeakyReLU()(db)])
    s = layers.subtract([da, db])
    av = layers.average([m, s, da])
    mx = layers.maximum([da, db])
    mn = layers.minimum([da, db])
    merged = layers.concatenate([av, mx, mn, layers.add([m, s])])
    out = layers.Softmax()(layers.Dense(3, name="head")(merged))
    return keras.Model([a, b], out), "sparse_categorical_crossentropy"


def random_fourier_features() -> tuple[Any, str]:
    rff = keras.layers.experimental.RandomFourierFeatures(16, scale=2.0, trainable=True)
    model = keras.Sequential([keras.Input(shape=(6,)), rff, layers.Dense(3, activation="softmax")])
    return model, "sparse_categorical_crossentropy"


def random_fourier_features_frozen() -> tuple[Any, str]:
    rff = keras.layers.experimental.RandomFourierFeatures(output_dim=12)
    return keras.Sequential([keras.Input(shape=(5,)), rff, layers.Dense(2)]), "mse"


CASES: dict[str, Callable[[], tuple[Any, str]]] = {
    f.__name__: f
    for f in (
        conv1d,
        conv2d_transpose,
        layer_normalization,
        embedding,
        simple_rnn,
        lstm,
        gru,
        bidirectional,
        time_distributed,
        merges,
        random_fourier_features,
        random_fourier_features_frozen,
    )
}
