"""``BatchNormalization`` behaves as Keras 2's does.

Pins: the output shape (unchanged), the four weights and their order
(gamma, beta trainable; moving_mean, moving_variance not), inference with the moving
statistics, training with the batch statistics (biased variance) and the moving-average
update ``moving = moving * momentum + batch * (1 - momentum)`` — with the Bessel-corrected
variance on Keras 2's fused path (4-D input, channels axis) and the biased one elsewhere —
the config round trip and the error messages. Engine bugs are pinned by strict xfails.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from buildtrace import keras

layers = keras.layers
EPS = 1e-3  # Keras 2's default epsilon


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _stats_layer(channels: int, input_shape: tuple[int | None, ...], **kwargs: Any) -> Any:
    """A built layer with distinct, non-default gamma, beta and moving statistics."""
    layer = layers.BatchNormalization(**kwargs)
    layer.build(input_shape)
    layer.set_weights(
        [
            np.linspace(0.5, 2.0, channels).astype("float32"),  # gamma
            np.linspace(-1.0, 1.0, channels).astype("float32"),  # beta
            np.linspace(0.2, 0.8, channels).astype("float32"),  # moving_mean
            np.linspace(1.5, 3.0, channels).astype("float32"),  # moving_variance
        ]
    )
    return layer


# ---------------------------------------------------------------------------- shapes
@pytest.mark.parametrize("input_shape", [(16,), (5, 7), (8, 8, 3)])
def test_batch_norm_keeps_the_shape_symbolically_and_eagerly(
    input_shape: tuple[int, ...],
) -> None:
    layer = layers.BatchNormalization()
    assert layer(keras.Input(shape=input_shape)).shape == (None, *input_shape)
    assert layer.compute_output_shape((None, *input_shape)) == (None, *input_shape)
    x = _rng().normal(size=(4, *input_shape)).astype("float32")
    assert layer(x).shape == x.shape
    assert layer(x, training=True).shape == x.shape


# --------------------------------------------------------------------------- weights
def test_batch_norm_weights_names_order_and_trainability() -> None:
    layer = layers.BatchNormalization()
    layer.build((None, 16))
    assert [w.name for w in layer.weights] == [
        "batch_normalization/gamma:0",
        "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0",
    ]
    assert [w.name for w in layer.trainable_weights] == [
        "batch_normalization/gamma:0",
        "batch_normalization/beta:0",
    ]
    assert [w.name for w in layer.non_trainable_weights] == [
        "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0",
    ]
    assert all(w.shape == (16,) for w in layer.weights)
    assert layer.count_params() == 64


def test_batch_norm_initial_values_and_get_weights_order() -> None:
    layer = layers.BatchNormalization()
    layer.build((None, 3))
    gamma, beta, moving_mean, moving_variance = layer.get_weights()
    np.testing.assert_array_equal(gamma, np.ones(3))
    np.testing.assert_array_equal(beta, np.zeros(3))
    np.testing.assert_array_equal(moving_mean, np.zeros(3))
    np.testing.assert_array_equal(moving_variance, np.ones(3))


def test_batch_norm_on_images_has_one_set_of_statistics_per_channel() -> None:
    layer = layers.BatchNormalization()
    layer(keras.Input(shape=(28, 28, 32)))
    assert [w.shape for w in layer.weights] == [(32,)] * 4
    assert layer.count_params() == 128


def test_batch_norm_axis_1_normalises_the_second_axis() -> None:
    layer = layers.BatchNormalization(axis=1)
    layer.build((None, 3, 5))
    assert [w.shape for w in layer.weights] == [(3,)] * 4


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"center": False}, ["gamma", "moving_mean", "moving_variance"]),
        ({"scale": False}, ["beta", "moving_mean", "moving_variance"]),
        ({"center": False, "scale": False}, ["moving_mean", "moving_variance"]),
    ],
)
def test_batch_norm_center_and_scale_false_drop_beta_and_gamma(
    kwargs: dict[str, Any], names: list[str]
) -> None:
    layer = layers.BatchNormalization(**kwargs)
    layer.build((None, 4))
    assert [w.name for w in layer.weights] == [f"batch_normalization/{n}:0" for n in names]
    x = _rng(1).normal(size=(6, 4)).astype("float32")
    y = layer(x, training=True)
    mean, var = x.mean(axis=0), x.var(axis=0)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + EPS), rtol=1e-4, atol=1e-5)


def test_frozen_batch_norm_reports_every_weight_as_non_trainable() -> None:
    layer = layers.BatchNormalization(trainable=False)
    layer.build((None, 2))
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 4


def test_batch_norm_config_round_trip() -> None:
    layer = layers.BatchNormalization(
        axis=1, momentum=0.9, epsilon=1e-5, center=False, gamma_initializer="zeros"
    )
    config = layer.get_config()
    assert config["momentum"] == 0.9
    assert config["epsilon"] == 1e-5
    assert config["center"] is False
    assert config["scale"] is True
    assert config["gamma_initializer"] == {"class_name": "Zeros", "config": {}}
    clone = layers.BatchNormalization.from_config(config)
    assert type(clone) is layers.BatchNormalization
    assert clone.get_config() == config
    layer.build((None, 3, 4))
    clone.build((None, 3, 4))
    assert [w.shape for w in clone.weights] == [w.shape for w in layer.weights]
    np.testing.assert_array_equal(clone.gamma.numpy(), np.zeros(3))


# ------------------------------------------------------------------------- inference
@pytest.mark.parametrize("training", [None, False])
def test_batch_norm_inference_uses_the_moving_statistics(training: bool | None) -> None:
    layer = _stats_layer(3, (None, 3))
    gamma, beta, mean, var = layer.get_weights()
    x = _rng(2).normal(size=(5, 3)).astype("float32")
    out = layer(x) if training is None else layer(x, training=training)
    expected = gamma * (x - mean) / np.sqrt(var + EPS) + beta
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    # Inference leaves the moving statistics alone.
    np.testing.assert_array_equal(layer.moving_mean.numpy(), mean)
    np.testing.assert_array_equal(layer.moving_variance.numpy(), var)


def test_batch_norm_inference_on_images_broadcasts_per_channel() -> None:
    layer = _stats_layer(4, (None, 3, 3, 4), epsilon=0.01)
    gamma, beta, mean, var = layer.get_weights()
    x = _rng(3).normal(size=(2, 3, 3, 4)).astype("float32")
    expected = gamma * (x - mean) / np.sqrt(var + 0.01) + beta
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-6)


def test_symbolic_call_in_inference_mode_does_not_touch_the_moving_statistics() -> None:
    layer = _stats_layer(3, (None, 3))
    before = layer.get_weights()
    layer(keras.Input(shape=(3,)))
    for got, want in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_symbolic_call_with_training_true_does_not_touch_the_moving_statistics() -> None:
    layer = _stats_layer(3, (None, 3))
    before = layer.get_weights()
    layer(keras.Input(shape=(3,)), training=True)
    for got, want in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(got, want)


# -------------------------------------------------------------------------- training
def test_batch_norm_training_normalises_with_batch_statistics() -> None:
    layer = _stats_layer(3, (None, 3))
    gamma, beta, _, _ = layer.get_weights()
    x = (_rng(4).normal(size=(8, 3)) * [1.0, 3.0, 0.5] + [2.0, -1.0, 0.0]).astype("float32")
    mean, var = x.mean(axis=0), x.var(axis=0)  # biased variance, as Keras uses
    y = layer(x, training=True)
    np.testing.assert_allclose(y, gamma * (x - mean) / np.sqrt(var + EPS) + beta, rtol=1e-4)
    # Each channel of the output has mean beta and spread gamma (up to epsilon).
    np.testing.assert_allclose(y.mean(axis=0), beta, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=0), gamma * np.sqrt(var / (var + EPS)), rtol=1e-4)


def test_batch_norm_training_updates_moving_stats_with_biased_variance_on_2d_input() -> None:
    layer = _stats_layer(3, (None, 3))
    _, _, old_mean, old_var = layer.get_weights()
    x = _rng(5).normal(loc=3.0, scale=2.0, size=(10, 3)).astype("float32")
    layer(x, training=True)
    np.testing.assert_allclose(
        layer.moving_mean.numpy(), old_mean * 0.99 + x.mean(axis=0) * 0.01, rtol=1e-6
    )
    np.testing.assert_allclose(
        layer.moving_variance.numpy(), old_var * 0.99 + x.var(axis=0) * 0.01, rtol=1e-6
    )


def test_batch_norm_training_updates_moving_variance_unbiased_on_the_fused_4d_path() -> None:
    layer = _stats_layer(4, (None, 3, 3, 4), momentum=0.9)
    _, _, old_mean, old_var = layer.get_weights()
    x = _rng(6).normal(loc=-1.0, scale=1.5, size=(2, 3, 3, 4)).astype("float32")
    count = 2 * 3 * 3
    mean = x.mean(axis=(0, 1, 2))
    unbiased = x.var(axis=(0, 1, 2)) * count / (count - 1)
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), old_mean * 0.9 + mean * 0.1, rtol=1e-5)
    np.testing.assert_allclose(
        layer.moving_variance.numpy(), old_var * 0.9 + unbiased * 0.1, rtol=1e-5
    )


def test_batch_norm_moving_statistics_converge_to_the_data_statistics() -> None:
    layer = layers.BatchNormalization(momentum=0.5)
    x = _rng(7).normal(loc=4.0, scale=3.0, size=(64, 2)).astype("float32")
    for _ in range(40):
        layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), x.mean(axis=0), rtol=1e-4)
    np.testing.assert_allclose(layer.moving_variance.numpy(), x.var(axis=0), rtol=1e-4)
    # ...after which inference gives (almost) what training gives.
    np.testing.assert_allclose(layer(x), layer(x, training=True), atol=1e-3)


def test_batch_norm_axis_1_reduces_over_every_other_axis() -> None:
    layer = layers.BatchNormalization(axis=1)
    x = _rng(8).normal(size=(4, 3, 5)).astype("float32")
    y = layer(x, training=True)
    mean = x.mean(axis=(0, 2), keepdims=True)
    var = x.var(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + EPS), rtol=1e-4, atol=1e-5)


def test_frozen_batch_norm_runs_in_inference_mode_even_when_training() -> None:
    layer = _stats_layer(3, (None, 3))
    layer.trainable = False
    before = layer.get_weights()
    x = _rng(9).normal(loc=5.0, size=(6, 3)).astype("float32")
    np.testing.assert_allclose(layer(x, training=True), layer(x, training=False), rtol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before[2])
    np.testing.assert_array_equal(layer.moving_variance.numpy(), before[3])


# ---------------------------------------------------------------------------- errors
def test_built_batch_norm_rejects_data_with_other_channels() -> None:
    layer = layers.BatchNormalization()
    layer.build((None, 3))
    msg = (
        'Input 0 of layer "batch_normalization" is incompatible with the layer: expected '
        "axis 1 of input shape to have value 3, but received input with shape (2, 4)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layer(np.ones((2, 4)))


def test_built_batch_norm_rejects_data_of_another_rank() -> None:
    layer = layers.BatchNormalization()
    layer.build((None, 3))
    msg = (
        'Input 0 of layer "batch_normalization" is incompatible with the layer: expected '
        "ndim=2, found ndim=3. Full shape received: (2, 3, 1)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layer(np.ones((2, 3, 1)))


def test_batch_norm_axis_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("inputs.rank=2")):
        layers.BatchNormalization(axis=5)(keras.Input(shape=(3,)))


def test_batch_norm_axis_out_of_range_raises_keras_message() -> None:
    msg = (
        "Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank (with "
        "inputs.rank=2). Received: axis=(5,)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.BatchNormalization(axis=5)(keras.Input(shape=(3,)))


def test_batch_norm_on_undefined_channels_raises_keras_message() -> None:
    msg = (
        "Input has undefined `axis` dimension. Received input with shape (None, None) and axis=(1,)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.BatchNormalization()(keras.Input(shape=(None,)))
