"""The gradient rules of the added layers (``keras/backprop``) are the true gradients.

Each is checked against central finite differences in float64 on tiny shapes, through
``check_layer_gradients`` of ``test_layer_gradients.py`` (the loss is ``sum(outputs · R)``).
Before these rules existed a model with any of these layers could not be trained at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_layer_gradients import check_layer_gradients

from buildtrace import keras
from buildtrace.keras import backprop

layers = keras.layers


def _x(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed + sum(shape)).normal(size=shape)


SINGLE: dict[str, tuple[Any, tuple[int, ...]]] = {
    "conv1d_causal_tanh": (
        lambda: layers.Conv1D(3, 2, padding="causal", activation="tanh"),
        (2, 5, 2),
    ),
    "conv1d_strided_same": (lambda: layers.Conv1D(3, 3, strides=2, padding="same"), (2, 7, 2)),
    "conv2d_transpose_same": (
        lambda: layers.Conv2DTranspose(2, 3, strides=2, padding="same", activation="sigmoid"),
        (2, 3, 3, 2),
    ),
    "conv2d_transpose_valid": (lambda: layers.Conv2DTranspose(2, 3, strides=2), (1, 3, 2, 2)),
    "layer_norm_last_axis": (lambda: layers.LayerNormalization(), (2, 3, 4)),
    "layer_norm_two_axes": (lambda: layers.LayerNormalization(axis=[1, 2]), (2, 3, 4)),
    "max_pooling1d": (lambda: layers.MaxPooling1D(), (2, 6, 3)),
    "average_pooling1d_same": (
        lambda: layers.AveragePooling1D(3, strides=2, padding="same"),
        (2, 7, 3),
    ),
    "global_average_pooling1d": (lambda: layers.GlobalAveragePooling1D(), (2, 5, 3)),
    "global_max_pooling1d_keepdims": (lambda: layers.GlobalMaxPooling1D(keepdims=True), (2, 5, 3)),
    "global_average_pooling2d": (lambda: layers.GlobalAveragePooling2D(), (2, 3, 4, 3)),
    "global_max_pooling2d": (lambda: layers.GlobalMaxPooling2D(), (2, 3, 4, 3)),
    "up_sampling2d": (lambda: layers.UpSampling2D((2, 3)), (2, 2, 2, 3)),
    "zero_padding2d": (lambda: layers.ZeroPadding2D(((1, 2), (0, 1))), (2, 2, 2, 3)),
    "repeat_vector": (lambda: layers.RepeatVector(3), (2, 4)),
    "permute": (lambda: layers.Permute((2, 3, 1)), (2, 3, 4, 2)),
    "relu_options": (
        lambda: layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2),
        (3, 4),
    ),
    "leaky_relu": (lambda: layers.LeakyReLU(), (3, 4)),
    "softmax": (lambda: layers.Softmax(), (3, 4)),
    "rescaling": (lambda: layers.Rescaling(0.5, 1.0), (3, 4)),
    "normalization_given": (
        lambda: layers.Normalization(
            mean=[1.0, 2.0, 3.0, 4.0], variance=[4.0, 0.5, 2.0, 9.0], dtype="float64"
        ),
        (3, 4),
    ),
    "normalization_invert_axis_none": (
        lambda: layers.Normalization(
            axis=None, mean=2.0, variance=3.0, invert=True, dtype="float64"
        ),
        (3, 4),
    ),
    "simple_rnn_sequences": (lambda: layers.SimpleRNN(3, return_sequences=True), (2, 4, 3)),
    "simple_rnn_backwards": (lambda: layers.SimpleRNN(3, go_backwards=True), (2, 4, 3)),
    "lstm_last": (lambda: layers.LSTM(3), (2, 4, 3)),
    "lstm_sequences_backwards": (
        lambda: layers.LSTM(2, return_sequences=True, go_backwards=True),
        (2, 3, 3),
    ),
    "gru_reset_after": (lambda: layers.GRU(3, return_sequences=True), (2, 4, 3)),
    "gru_reset_before": (lambda: layers.GRU(3, reset_after=False), (2, 4, 3)),
    "bidirectional_concat": (lambda: layers.Bidirectional(layers.LSTM(2)), (2, 3, 3)),
    "bidirectional_sequences_mul": (
        lambda: layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode="mul"),
        (2, 3, 3),
    ),
    "time_distributed_dense": (
        lambda: layers.TimeDistributed(layers.Dense(3, activation="tanh")),
        (2, 4, 3),
    ),
}


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_single_input_layer_gradient(name: str) -> None:
    make, shape = SINGLE[name]
    layer = make()
    x = _x(*shape)
    if isinstance(layer, layers.LSTM | layers.GRU | layers.SimpleRNN):
        layer.build(shape)
        for weight in layer.trainable_weights:  # away from the flat start of the bias
            weight.value = np.random.default_rng(3).normal(0, 0.5, size=weight.shape)
    check_layer_gradients(layer, x)


@pytest.mark.parametrize("merge", ["Add", "Multiply", "Average", "Maximum", "Minimum"])
def test_merge_gradient_with_broadcast_and_rank_expansion(merge: str) -> None:
    check_layer_gradients(getattr(layers, merge)(), [_x(2, 3), _x(2, 3, seed=1), _x(2, 1)])
    check_layer_gradients(getattr(layers, merge)(), [_x(2, 3), _x(2, 4, 3)])


def test_subtract_gradient() -> None:
    check_layer_gradients(layers.Subtract(), [_x(2, 3), _x(2, 3, seed=1)])


def test_lstm_gradient_reaches_the_initial_state() -> None:
    layer = layers.LSTM(2, return_state=True)
    inputs = [_x(2, 3, 3), _x(2, 2, seed=1), _x(2, 2, seed=2)]
    layer.build([(2, 3, 3), (2, 2), (2, 2)])
    for weight in layer.trainable_weights:
        weight.value = weight.value.astype(np.float64)
    outputs, cache = backprop.forward(layer, inputs, training=True)
    assert len(outputs) == 3
    dy = [np.ones_like(o) for o in outputs]
    dx, grads = backprop.backward(layer, dy, cache)
    assert [d.shape for d in dx] == [(2, 3, 3), (2, 2), (2, 2)]
    assert len(grads) == 3


def test_embedding_gradient_adds_up_repeated_rows() -> None:
    layer = layers.Embedding(5, 2)
    ids = np.array([[1, 1, 3]], dtype="float32")
    layer.build(ids.shape)
    _, cache = backprop.forward(layer, ids, training=True)
    dy = np.arange(6, dtype="float32").reshape(1, 3, 2)
    _, (grad,) = backprop.backward(layer, dy, cache, need_dx=False)
    np.testing.assert_array_equal(grad[1], dy[0, 0] + dy[0, 1])
    np.testing.assert_array_equal(grad[3], dy[0, 2])
    assert not grad[[0, 2, 4]].any()


def test_lambda_trains_before_any_weight_and_refuses_after() -> None:
    model = keras.Sequential(
        [keras.Input(shape=(3,)), layers.Lambda(lambda x: x * 2.0), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    model.train_on_batch(np.ones((4, 3), "float32"), np.zeros((4, 1), "float32"))
    model = keras.Sequential(
        [keras.Input(shape=(3,)), layers.Dense(2), layers.Lambda(lambda x: x * 2.0)]
    )
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match=r"no gradient for layer lambda_1 \(Lambda\)"):
        model.train_on_batch(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"))
