"""Small masked models, written once for both Keras 2 and buildtrace.

Each case takes the ``keras`` module (tf-keras's or buildtrace's) and returns
``(model, x, y, loss, metrics)``. ``scripts/record_masking_references.py`` runs them
with tf-keras 2.21 and the tests run them with buildtrace: the same code, so the
same models. The inputs are padded as real data is: id 0 (or an all-zero step for
``Masking``) at the end of some rows and at the start of others, and one row whose
padding starts at the first step after one token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Case = tuple[Any, Any, Any, str, list[str]]


def padded_ids(seed: int, rows: int = 6, steps: int = 7, vocabulary: int = 20) -> np.ndarray:
    """Token ids in ``[1, vocabulary)`` with 0 as padding, post- and pre-padded rows."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, vocabulary, size=(rows, steps))
    lengths = rng.integers(1, steps + 1, size=rows)
    lengths[0] = 1  # a row with a single real step
    for row, length in enumerate(lengths):
        if row % 2:
            ids[row, : steps - length] = 0  # pre-padding, as pad_sequences does by default
        else:
            ids[row, length:] = 0  # post-padding
    return ids.astype("int32")


def case_embedding_lstm(keras: Any) -> Case:
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(7,), dtype="int32"),
            layers.Embedding(20, 4, mask_zero=True),
            layers.LSTM(5),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, (6, 1)).astype("float32")
    return model, padded_ids(1), y, "binary_crossentropy", ["accuracy"]


def case_embedding_gru_tagger(keras: Any) -> Case:
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(7,), dtype="int32"),
            layers.Embedding(20, 4, mask_zero=True),
            layers.GRU(5, return_sequences=True),
            layers.TimeDistributed(layers.Dense(3, activation="softmax")),
        ]
    )
    rng = np.random.default_rng(12)
    y = rng.integers(0, 3, (6, 7)).astype("int32")
    return model, padded_ids(2), y, "sparse_categorical_crossentropy", ["accuracy"]


def case_masking_lstm(keras: Any) -> Case:
    layers = keras.layers
    rng = np.random.default_rng(13)
    ids = padded_ids(3)
    x = (rng.normal(size=(6, 7, 3)) * (ids[..., None] != 0)).astype("float32")
    model = keras.Sequential(
        [
            keras.Input(shape=(7, 3)),
            layers.Masking(mask_value=0.0),
            layers.LSTM(4, return_sequences=True),
            layers.LSTM(3, go_backwards=True),
            layers.Dense(2, activation="softmax"),
        ]
    )
    y = rng.integers(0, 2, 6).astype("int32")
    return model, x, y, "sparse_categorical_crossentropy", []


def case_bidirectional(keras: Any) -> Case:
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(7,), dtype="int32"),
            layers.Embedding(20, 3, mask_zero=True),
            layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
            layers.Bidirectional(layers.GRU(2), merge_mode="sum"),
            layers.Dense(1),
        ]
    )
    rng = np.random.default_rng(14)
    return model, padded_ids(4), rng.normal(size=(6, 1)).astype("float32"), "mse", []


def case_simple_rnn_sequence(keras: Any) -> Case:
    layers = keras.layers
    ids = keras.Input(shape=(7,), dtype="int32", name="ids")
    x = layers.Embedding(20, 4, mask_zero=True)(ids)
    x = layers.SimpleRNN(4, return_sequences=True, go_backwards=True)(x)
    x = layers.SimpleRNN(3, return_sequences=True)(x)
    out = layers.TimeDistributed(layers.Dense(2))(x)
    model = keras.Model(ids, out)
    rng = np.random.default_rng(15)
    return model, padded_ids(5), rng.normal(size=(6, 7, 2)).astype("float32"), "mse", ["mae"]


def case_embedding_average(keras: Any) -> Case:
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(7,), dtype="int32"),
            layers.Embedding(20, 4, mask_zero=True),
            layers.GlobalAveragePooling1D(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    rng = np.random.default_rng(16)
    y = rng.integers(0, 3, 6).astype("int32")
    return model, padded_ids(6), y, "sparse_categorical_crossentropy", ["accuracy"]


CASES: dict[str, Callable[[Any], Case]] = {
    "embedding_lstm": case_embedding_lstm,
    "embedding_gru_tagger": case_embedding_gru_tagger,
    "masking_lstm": case_masking_lstm,
    "bidirectional": case_bidirectional,
    "simple_rnn_sequence": case_simple_rnn_sequence,
    "embedding_average": case_embedding_average,
}
