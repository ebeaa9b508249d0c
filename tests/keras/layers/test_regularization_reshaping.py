"""``Dropout``, ``Flatten`` and ``Reshape`` behave as Keras 2's do.

Pins: Dropout is the identity at inference and, in training, zeros about ``rate`` of the
values and scales the others by ``1 / (1 - rate)``, reproducibly for a given ``seed`` and
with ``noise_shape`` broadcasting; Flatten keeps the batch axis and flattens the rest in
row-major order; Reshape fills in its one ``-1``. Also their output shapes (symbolic,
``compute_output_shape`` and eager), config round trips and Keras 2's error messages.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from buildtrace import keras

layers = keras.layers


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# ============================================================================ Dropout
@pytest.mark.parametrize("input_shape", [(10,), (4, 5), (3, 3, 2)])
def test_dropout_keeps_the_shape(input_shape: tuple[int, ...]) -> None:
    layer = layers.Dropout(0.5)
    assert layer(keras.Input(shape=input_shape)).shape == (None, *input_shape)
    assert layer.compute_output_shape((None, *input_shape)) == (None, *input_shape)
    x = np.ones((2, *input_shape), "float32")
    assert layer(x).shape == layer(x, training=True).shape == x.shape


@pytest.mark.parametrize("kwargs", [{}, {"training": False}, {"training": None}])
def test_dropout_is_the_identity_at_inference(kwargs: dict[str, Any]) -> None:
    x = _rng(1).normal(size=(50, 20)).astype("float32")
    np.testing.assert_array_equal(layers.Dropout(0.5)(x, **kwargs), x)


def test_dropout_training_zeros_about_rate_and_scales_the_rest() -> None:
    rate = 0.3
    x = _rng(2).uniform(1.0, 2.0, size=(200, 500)).astype("float32")
    out = layers.Dropout(rate, seed=3)(x, training=True)
    dropped = out == 0
    assert dropped.mean() == pytest.approx(rate, abs=0.01)
    np.testing.assert_allclose(out[~dropped], x[~dropped] / (1 - rate), rtol=1e-6)
    # Scaling keeps the expected value: the mean is (about) unchanged.
    assert out.mean() == pytest.approx(x.mean(), rel=0.02)


def test_dropout_with_rate_zero_is_the_identity_even_in_training() -> None:
    x = _rng(4).normal(size=(10, 10)).astype("float32")
    np.testing.assert_array_equal(layers.Dropout(0.0)(x, training=True), x)


def test_dropout_with_the_same_seed_drops_the_same_values() -> None:
    x = np.ones((8, 16), "float32")
    first = layers.Dropout(0.5, seed=1)(x, training=True)
    second = layers.Dropout(0.5, seed=1)(x, training=True)
    np.testing.assert_array_equal(first, second)
    other = layers.Dropout(0.5, seed=2)(x, training=True)
    assert not np.array_equal(first, other)


def test_dropout_draws_a_new_mask_at_every_training_call() -> None:
    layer = layers.Dropout(0.5, seed=1)
    x = np.ones((8, 16), "float32")
    assert not np.array_equal(layer(x, training=True), layer(x, training=True))


def test_dropout_noise_shape_shares_the_mask_along_axes_of_size_one() -> None:
    x = np.ones((64, 10), "float32")
    out = layers.Dropout(0.5, noise_shape=(None, 1), seed=0)(x, training=True)
    # Each sample (row) is either dropped entirely or kept entirely.
    for row in out:
        assert np.all(row == 0) or np.all(row == 2.0)
    assert 0 < (out[:, 0] == 0).sum() < 64


def test_dropout_has_no_weights_and_config_round_trips() -> None:
    layer = layers.Dropout(0.25, noise_shape=(None, 1), seed=7, name="drop")
    layer(keras.Input(shape=(4,)))
    assert layer.weights == []
    config = layer.get_config()
    assert (config["rate"], config["noise_shape"], config["seed"]) == (0.25, (None, 1), 7)
    clone = layers.Dropout.from_config(config)
    assert type(clone) is layers.Dropout
    assert clone.get_config() == config


@pytest.mark.parametrize("rate", [1.5, -0.1])
def test_dropout_rate_outside_0_1_raises_keras_message(rate: float) -> None:
    msg = f"Invalid value {rate} received for `rate`, expected a value between 0 and 1."
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Dropout(rate=rate)


# ============================================================================ Flatten
@pytest.mark.parametrize(
    ("input_shape", "expected"),
    [
        ((13, 13, 32), (None, 5408)),
        ((28, 28), (None, 784)),
        ((7,), (None, 7)),
        ((2, 3, 4, 5), (None, 120)),
    ],
)
def test_flatten_output_shape_symbolic_compute_and_eager_agree(
    input_shape: tuple[int, ...], expected: tuple[int | None, ...]
) -> None:
    layer = layers.Flatten()
    assert layer(keras.Input(shape=input_shape)).shape == expected
    assert layer.compute_output_shape((None, *input_shape)) == expected
    assert layer(np.zeros((3, *input_shape))).shape == (3, *expected[1:])


def test_flatten_of_a_batch_of_scalars_gives_one_column() -> None:
    layer = layers.Flatten()
    assert layer(keras.Input(batch_shape=(None,))).shape == (None, 1)
    assert layer.compute_output_shape((None,)) == (None, 1)
    np.testing.assert_array_equal(layer(np.array([1.0, 2.0])), [[1.0], [2.0]])


def test_flatten_with_an_unknown_dimension_gives_an_unknown_size() -> None:
    layer = layers.Flatten()
    assert layer(keras.Input(shape=(None, 3))).shape == (None, None)
    assert layer.compute_output_shape((None, None, 3)) == (None, None)


def test_flatten_keeps_row_major_order_per_sample() -> None:
    x = np.arange(2 * 3 * 2 * 2, dtype="float32").reshape(2, 3, 2, 2)
    out = layers.Flatten()(x)
    np.testing.assert_array_equal(out, x.reshape(2, -1))
    np.testing.assert_array_equal(out[1, :4], [12, 13, 14, 15])


def test_flatten_config_round_trip() -> None:
    layer = layers.Flatten(name="flat")
    config = layer.get_config()
    assert config["data_format"] == "channels_last"
    clone = layers.Flatten.from_config(config)
    assert clone.get_config() == config


def test_flatten_of_a_scalar_raises_min_ndim_message() -> None:
    msg = (
        'Input 0 of layer "flatten" is incompatible with the layer: expected min_ndim=1, '
        "found ndim=0. Full shape received: ()"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Flatten()(np.float32(3.0))


# ============================================================================ Reshape
@pytest.mark.parametrize(
    ("input_shape", "target", "expected"),
    [
        ((784,), (28, 28, 1), (None, 28, 28, 1)),
        ((12,), (-1, 4), (None, 3, 4)),
        ((12,), (3, -1), (None, 3, 4)),
        ((2, 6), (-1,), (None, 12)),
        ((2, 3, 4), (4, -1, 2), (None, 4, 3, 2)),
        ((6,), (6,), (None, 6)),
    ],
)
def test_reshape_output_shape_symbolic_compute_and_eager_agree(
    input_shape: tuple[int, ...], target: tuple[int, ...], expected: tuple[int | None, ...]
) -> None:
    layer = layers.Reshape(target)
    assert layer(keras.Input(shape=input_shape)).shape == expected
    assert layer.compute_output_shape((None, *input_shape)) == expected
    assert layer(np.zeros((5, *input_shape))).shape == (5, *expected[1:])


def test_reshape_with_unknown_input_dimension_leaves_the_minus_one_unknown() -> None:
    layer = layers.Reshape((-1, 2))
    assert layer(keras.Input(shape=(None, 4))).shape == (None, None, 2)
    assert layer.compute_output_shape((None, None, 4)) == (None, None, 2)


def test_reshape_symbolic_call_with_unknown_dimension_matches_compute_output_shape() -> None:
    layer = layers.Reshape((4, -1))
    assert layer.compute_output_shape((None, None, 2)) == (None, 4, None)
    assert layer(keras.Input(shape=(None, 2))).shape == (None, 4, None)


def test_reshape_moves_values_in_row_major_order() -> None:
    x = np.arange(24, dtype="float32").reshape(2, 12)
    out = layers.Reshape((3, 4))(x)
    np.testing.assert_array_equal(out, x.reshape(2, 3, 4))
    np.testing.assert_array_equal(out[1, 2], [20, 21, 22, 23])


def test_reshape_has_no_weights_and_config_round_trips() -> None:
    layer = layers.Reshape([28, 28, 1])
    assert layer.target_shape == (28, 28, 1)
    layer(keras.Input(shape=(784,)))
    assert layer.weights == []
    config = layer.get_config()
    assert config["target_shape"] == (28, 28, 1)
    clone = layers.Reshape.from_config(config)
    assert clone.get_config() == config


@pytest.mark.parametrize(
    ("input_shape", "target", "message"),
    [
        (
            (784,),
            (10, 10),
            "total size of new array must be unchanged, input_shape = [784], "
            "output_shape = [10, 10]",
        ),
        (
            (12,),
            (-1, 5),
            "total size of new array must be unchanged, input_shape = [12], output_shape = [-1, 5]",
        ),
        (
            (12,),
            (-1, -1),
            "There must be at most one unknown dimension in output_shape. "
            "Received: output_shape=[-1, -1].",
        ),
    ],
)
def test_reshape_to_an_incompatible_shape_raises_keras_message(
    input_shape: tuple[int, ...], target: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        layers.Reshape(target)(keras.Input(shape=input_shape))
    with pytest.raises(ValueError, match=re.escape(message)):
        layers.Reshape(target).compute_output_shape((None, *input_shape))
