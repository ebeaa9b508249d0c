"""Masks as Keras 2 carries them: made, passed on, dropped, and honoured by the loops.

The numbers of whole masked models against tf-keras are in ``test_masking_references.py``;
here the mechanics a user relies on, and finite-difference checks of the masked
back-propagation through time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_layer_gradients import numerical_gradient

from buildtrace import keras
from buildtrace.keras import backprop
from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.tf.tensors import Tensor
from buildtrace.trace import BUS

layers = keras.layers
IDS = np.array([[3, 5, 0, 0], [0, 2, 7, 1]])


def test_embedding_mask_zero_marks_padding_on_data_and_on_symbolic_tensors() -> None:
    embedding = layers.Embedding(10, 2, mask_zero=True)
    out = embedding(IDS)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), IDS != 0)
    symbolic = embedding(keras.Input(shape=(None,), dtype="int32"))
    mask = symbolic._keras_mask
    assert isinstance(mask, KerasTensor)
    assert (mask.shape, mask.dtype) == ((None, None), "bool")
    assert layers.Embedding(10, 2)(IDS)._keras_mask is None


def test_mask_flows_through_layers_that_support_it_and_stops_at_the_others() -> None:
    x = keras.Input(shape=(4,), dtype="int32")
    e = layers.Embedding(10, 3, mask_zero=True)(x)
    d = layers.Dropout(0.5)(layers.Dense(3)(e))
    assert d._keras_mask is not None  # Dense and Dropout pass it on
    assert layers.Flatten()(d)._keras_mask is None  # Flatten does not support masking
    assert layers.LSTM(2)(d)._keras_mask is None  # a last step has no steps to mask
    assert layers.LSTM(2, return_sequences=True)(d)._keras_mask.shape == (None, 4)


def test_the_node_does_not_record_the_mask_keras_passed() -> None:
    x = keras.Input(shape=(4,), dtype="int32")
    e = layers.Embedding(10, 3, mask_zero=True)(x)
    lstm = layers.LSTM(2)
    model = keras.Model(x, lstm(e))
    assert "mask" not in lstm._inbound_nodes[0].call_kwargs
    assert [layer.name for layer in model.layers][-1] == lstm.name


def test_compute_mask_of_a_layer_without_masking_refuses_a_mask() -> None:
    flatten = layers.Flatten(name="flat")
    assert flatten.compute_mask(np.ones((2, 3)), None) is None
    with pytest.raises(TypeError, match="Layer flat does not support masking"):
        flatten.compute_mask(np.ones((2, 3)), np.ones((2,), bool))


def test_masking_zeroes_the_skipped_steps_and_marks_them() -> None:
    x = np.array([[[1.0, 0.0], [0.0, 0.0], [-1.0, 2.0]]], "float32")
    out = layers.Masking()(x)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), [[True, False, True]])
    np.testing.assert_array_equal(np.asarray(out), x)
    out = layers.Masking(mask_value=1.0)(np.ones((1, 2, 2), "float32"))
    assert not np.asarray(out).any() and not np.asarray(out._keras_mask).any()


@pytest.mark.parametrize("zero_output", [False, True])
def test_a_masked_step_keeps_the_state_and_repeats_or_zeroes_the_output(
    zero_output: bool,
) -> None:
    rnn = layers.SimpleRNN(2, return_sequences=True, zero_output_for_mask=zero_output)
    x = np.random.default_rng(0).normal(size=(1, 4, 3)).astype("float32")
    mask = np.array([[True, False, True, False]])
    out = np.asarray(rnn(x, mask=mask))
    expected_skip = np.zeros(2) if zero_output else out[0, 0]
    np.testing.assert_allclose(out[0, 1], expected_skip)
    # Step 2 starts from step 0's state, as if step 1 were not there.
    unmasked = np.asarray(rnn(x[:, [0, 2]]))
    np.testing.assert_allclose(out[0, 2], unmasked[0, 1], rtol=1e-6)


def test_the_trace_tells_compute_mask_where_keras_calls_it() -> None:
    events: list[dict[str, Any]] = []
    stop = BUS.subscribe(events.append)
    try:
        layers.Embedding(10, 2, mask_zero=True)(keras.Input(shape=(3,)))
    finally:
        stop()
    names = [e["name"] for e in events if e.get("kind") == "call"]
    infer = names.index("keras.engine.base_layer.Layer._infer_output_signature")
    assert names[infer:].index("keras.engine.base_layer.Layer._set_mask_metadata") > 0
    assert "keras.layers.core.embedding.Embedding.compute_mask" in names


RNNS: dict[str, Any] = {
    "simple_rnn_last": lambda: layers.SimpleRNN(3),
    "simple_rnn_zero_output": lambda: layers.SimpleRNN(
        2, return_sequences=True, zero_output_for_mask=True
    ),
    "lstm_sequences_backwards": lambda: layers.LSTM(2, return_sequences=True, go_backwards=True),
    "lstm_last": lambda: layers.LSTM(3),
    "gru_reset_after": lambda: layers.GRU(3, return_sequences=True),
    "gru_reset_before_last": lambda: layers.GRU(2, reset_after=False),
    "bidirectional_sequences": lambda: layers.Bidirectional(layers.LSTM(2, return_sequences=True)),
    "time_distributed": lambda: layers.TimeDistributed(layers.Dense(2, activation="tanh")),
}


@pytest.mark.parametrize("name", sorted(RNNS))
def test_masked_backward_pass_matches_finite_differences(name: str) -> None:
    layer = RNNS[name]()
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 5, 3))
    mask = np.array([[1, 1, 0, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 0, 1]], bool)
    layer.build(x.shape)
    for weight in layer.trainable_weights:
        weight.value = rng.normal(0, 0.5, size=weight.shape)
    outputs, cache = backprop.forward(layer, x, training=True, mask=mask)
    R = rng.normal(size=outputs.shape)

    def loss() -> float:
        return float((backprop.forward(layer, x, training=True, mask=mask)[0] * R).sum())

    dx, grads = backprop.backward(layer, R, cache)
    for grad, weight in zip(grads, layer.trainable_weights):
        np.testing.assert_allclose(
            grad, numerical_gradient(loss, weight.value), rtol=1e-5, atol=1e-7, err_msg=weight.name
        )
    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7)


def test_masked_loss_is_the_mean_over_kept_steps() -> None:
    y_true = np.zeros((1, 3, 1), "float32")
    pred = Tensor(np.array([[[1.0], [2.0], [4.0]]], "float32"))
    pred._keras_mask = Tensor(np.array([[True, False, True]]))
    loss = keras.losses.MeanSquaredError()(y_true, pred)
    assert float(loss) == pytest.approx((1.0 + 16.0) / 2)


def test_global_average_pooling_1d_averages_the_kept_steps_and_its_gradient_too() -> None:
    pool = layers.GlobalAveragePooling1D()
    x = np.random.default_rng(1).normal(size=(2, 4, 3))
    mask = np.array([[1, 1, 0, 0], [0, 1, 1, 1]], bool)
    np.testing.assert_allclose(np.asarray(pool(x, mask=mask))[0], x[0, :2].mean(axis=0), 1e-6)
    outputs, cache = backprop.forward(pool, x, training=True, mask=mask)
    R = np.random.default_rng(2).normal(size=outputs.shape)
    dx, _ = backprop.backward(pool, R, cache)

    def loss() -> float:
        return float((backprop.forward(pool, x, training=True, mask=mask)[0] * R).sum())

    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7)


def test_a_masked_model_under_a_gradient_tape_keeps_its_output_mask() -> None:
    from buildtrace import tf
    from buildtrace.keras.engine import gradients

    model = keras.Sequential(
        [
            keras.Input(shape=(4,), dtype="int32"),
            layers.Embedding(10, 3, mask_zero=True),
            layers.LSTM(2, return_sequences=True),
        ]
    )
    assert not gradients.adds_losses(model)  # an RNN's cell is its rule's: fit's fast path
    with tf.GradientTape():
        out = model(IDS)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), IDS != 0)
