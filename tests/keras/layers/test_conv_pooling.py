"""``Conv2D``, ``MaxPooling2D`` and ``AveragePooling2D`` behave as Keras 2's do.

Pins output shapes (VALID/SAME, strides, non-square windows, pooling's default
``strides=pool_size``), the kernel and bias ``build`` creates, config round trips, the
arithmetic against naive loops that apply TensorFlow's SAME rule (the odd padding cell
goes after: bottom/right; padded cells never win a max and are not counted in an average),
and Keras 2's error messages. Engine bugs are pinned by strict xfails.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

from buildtrace import keras

layers = keras.layers


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _out_and_pad(size: int, window: int, stride: int, padding: str) -> tuple[int, int]:
    """Output length and padding before the first cell, by TensorFlow's rule."""
    if padding == "valid":
        return (size - window) // stride + 1, 0
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + window - size, 0)
    return out, total // 2


def naive_conv2d(
    x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, strides: tuple[int, int], padding: str
) -> np.ndarray:
    """Cross-correlation by loops over every output cell and kernel tap."""
    n, height, width, _ = x.shape
    kh, kw, _, c_out = kernel.shape
    out_h, top = _out_and_pad(height, kh, strides[0], padding)
    out_w, left = _out_and_pad(width, kw, strides[1], padding)
    y = np.zeros((n, out_h, out_w, c_out))
    for b in range(n):
        for i in range(out_h):
            for j in range(out_w):
                for f in range(c_out):
                    total = float(bias[f])
                    for a in range(kh):
                        for c in range(kw):
                            r, q = i * strides[0] + a - top, j * strides[1] + c - left
                            if 0 <= r < height and 0 <= q < width:
                                total += float(x[b, r, q, :] @ kernel[a, c, :, f])
                    y[b, i, j, f] = total
    return y


def naive_pool2d(
    x: np.ndarray, pool: tuple[int, int], strides: tuple[int, int], padding: str, kind: str
) -> np.ndarray:
    """Max or mean over the real (in-bounds) cells of every window."""
    n, height, width, channels = x.shape
    out_h, top = _out_and_pad(height, pool[0], strides[0], padding)
    out_w, left = _out_and_pad(width, pool[1], strides[1], padding)
    y = np.zeros((n, out_h, out_w, channels))
    for i in range(out_h):
        for j in range(out_w):
            r0, c0 = i * strides[0] - top, j * strides[1] - left
            rows = slice(max(r0, 0), min(r0 + pool[0], height))
            cols = slice(max(c0, 0), min(c0 + pool[1], width))
            window = x[:, rows, cols, :]
            y[:, i, j, :] = window.max(axis=(1, 2)) if kind == "max" else window.mean(axis=(1, 2))
    return y


# ====================================================================== Conv2D shapes
@pytest.mark.parametrize(
    ("kwargs", "input_shape", "expected"),
    [
        ({"filters": 32, "kernel_size": 3}, (28, 28, 1), (None, 26, 26, 32)),
        ({"filters": 32, "kernel_size": 3, "padding": "same"}, (28, 28, 1), (None, 28, 28, 32)),
        ({"filters": 8, "kernel_size": 3, "strides": 2}, (28, 28, 1), (None, 13, 13, 8)),
        (
            {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"},
            (28, 28, 1),
            (None, 14, 14, 8),
        ),
        ({"filters": 4, "kernel_size": (3, 5)}, (28, 28, 3), (None, 26, 24, 4)),
        (
            {"filters": 4, "kernel_size": 7, "strides": 3, "padding": "same"},
            (7, 7, 2),
            (None, 3, 3, 4),
        ),
        ({"filters": 4, "kernel_size": 1, "strides": (1, 2)}, (5, 5, 2), (None, 5, 3, 4)),
        ({"filters": 2, "kernel_size": 3, "padding": "SAME"}, (5, 6, 1), (None, 5, 6, 2)),
    ],
)
def test_conv2d_output_shape_symbolic_compute_and_eager_agree(
    kwargs: dict[str, Any], input_shape: tuple[int, ...], expected: tuple[int | None, ...]
) -> None:
    layer = layers.Conv2D(**kwargs)
    assert layer(keras.Input(shape=input_shape)).shape == expected
    assert layer.compute_output_shape((None, *input_shape)) == expected
    assert layer(np.zeros((2, *input_shape), "float32")).shape == (2, *expected[1:])


def test_conv2d_compute_output_shape_works_before_build() -> None:
    layer = layers.Conv2D(32, 3)
    assert layer.compute_output_shape((None, 28, 28, 1)) == (None, 26, 26, 32)
    assert layer.compute_output_shape((16, 10, 12, 3)) == (16, 8, 10, 32)


def test_conv2d_with_strides_on_unknown_spatial_size_keeps_it_unknown() -> None:
    out = layers.Conv2D(8, 3, strides=2, padding="same")(keras.Input(shape=(None, None, 3)))
    assert out.shape == (None, None, None, 8)


def test_conv2d_on_unknown_spatial_size_gives_unknown_output_size() -> None:
    out = layers.Conv2D(8, 3)(keras.Input(shape=(None, None, 3)))
    assert out.shape == (None, None, None, 8)


# ===================================================================== Conv2D weights
def test_conv2d_build_creates_kernel_and_bias() -> None:
    layer = layers.Conv2D(32, 3, activation="relu")
    layer(keras.Input(shape=(28, 28, 1)))
    assert [w.name for w in layer.weights] == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert layer.kernel.shape == (3, 3, 1, 32)
    assert layer.bias.shape == (32,)
    assert [w.name for w in layer.trainable_weights] == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert layer.non_trainable_weights == []
    assert layer.count_params() == 3 * 3 * 1 * 32 + 32 == 320


def test_conv2d_kernel_follows_input_channels_and_kernel_size() -> None:
    layer = layers.Conv2D(16, (2, 5))
    layer.build((None, 10, 10, 3))
    assert layer.kernel.shape == (2, 5, 3, 16)
    assert layer.count_params() == 2 * 5 * 3 * 16 + 16


def test_conv2d_default_kernel_is_glorot_uniform_with_receptive_field_fans() -> None:
    keras.utils.set_random_seed(1)
    layer = layers.Conv2D(64, 3)
    layer.build((None, 8, 8, 32))
    kernel = layer.kernel.numpy()
    fan_in, fan_out = 3 * 3 * 32, 3 * 3 * 64
    limit = math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.95 * limit
    assert len(np.unique(kernel)) > kernel.size // 2
    assert kernel.var() == pytest.approx(limit**2 / 3, rel=0.03)
    np.testing.assert_array_equal(layer.bias.numpy(), np.zeros(64))


def test_conv2d_without_bias_has_only_a_kernel() -> None:
    layer = layers.Conv2D(4, 3, use_bias=False)
    layer.build((None, 5, 5, 2))
    assert layer.bias is None
    assert [w.name for w in layer.weights] == ["conv2d/kernel:0"]
    assert layer.count_params() == 3 * 3 * 2 * 4


def test_conv2d_config_round_trip() -> None:
    layer = layers.Conv2D(
        6,
        (3, 2),
        strides=(2, 1),
        padding="same",
        activation="relu",
        use_bias=False,
        kernel_initializer="he_uniform",
        name="features",
    )
    config = layer.get_config()
    assert config["kernel_size"] == (3, 2)
    assert config["strides"] == (2, 1)
    assert config["padding"] == "same"
    assert config["data_format"] == "channels_last"
    assert config["dilation_rate"] == (1, 1)
    assert config["activation"] == "relu"
    clone = layers.Conv2D.from_config(config)
    assert type(clone) is layers.Conv2D
    assert clone.get_config() == config
    x = keras.Input(shape=(9, 7, 3))
    assert clone(x).shape == layer(x).shape == (None, 5, 7, 6)
    assert [w.shape for w in clone.weights] == [w.shape for w in layer.weights]


# ==================================================================== Conv2D numerics
@pytest.mark.parametrize(
    ("kernel_size", "strides", "padding", "size"),
    [
        ((3, 3), (1, 1), "valid", (5, 6)),
        ((3, 3), (1, 1), "same", (5, 6)),
        ((2, 2), (1, 1), "same", (4, 5)),  # odd total padding: the extra row/col goes last
        ((3, 3), (2, 2), "same", (6, 7)),
        ((3, 2), (2, 3), "valid", (7, 8)),
        ((4, 4), (3, 3), "same", (7, 5)),
        ((1, 1), (2, 2), "valid", (5, 5)),
    ],
)
def test_conv2d_matches_naive_loops(
    kernel_size: tuple[int, int], strides: tuple[int, int], padding: str, size: tuple[int, int]
) -> None:
    layer = layers.Conv2D(3, kernel_size, strides=strides, padding=padding)
    x = _rng(1).normal(size=(2, *size, 2)).astype("float32")
    layer.build(x.shape)
    rng = _rng(2)
    kernel = rng.normal(size=layer.kernel.shape).astype("float32")
    bias = rng.normal(size=3).astype("float32")
    layer.set_weights([kernel, bias])
    expected = naive_conv2d(x, kernel, bias, strides, padding)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-5)


def test_conv2d_is_cross_correlation_not_flipped_convolution() -> None:
    x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    kernel = np.zeros((2, 2, 1, 1), "float32")
    kernel[0, 0, 0, 0] = 1.0  # picks the top-left cell of each window
    layer = layers.Conv2D(1, 2, use_bias=False)
    layer.build(x.shape)
    layer.set_weights([kernel])
    np.testing.assert_array_equal(layer(x)[0, :, :, 0], [[0, 1], [3, 4]])


def test_conv2d_same_padding_puts_the_extra_cell_after() -> None:
    # A 2x2 all-ones kernel with SAME on a 3x3 input pads one row/col at the bottom/right.
    x = np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)
    layer = layers.Conv2D(1, 2, padding="same", use_bias=False, kernel_initializer="ones")
    out = layer(x)[0, :, :, 0]
    np.testing.assert_array_equal(out, [[12, 16, 9], [24, 28, 15], [15, 17, 9]])


def test_conv2d_applies_its_activation_after_the_bias() -> None:
    x = _rng(3).normal(size=(1, 4, 4, 1)).astype("float32")
    linear = layers.Conv2D(2, 3, bias_initializer=keras.initializers.Constant(-0.1))
    relu = layers.Conv2D(2, 3, activation="relu")
    linear.build(x.shape)
    relu.build(x.shape)
    relu.set_weights(linear.get_weights())
    z = linear(x)
    assert (z < 0).any()
    np.testing.assert_allclose(relu(x), np.maximum(z, 0), rtol=1e-6)


# ===================================================================== Conv2D errors
def test_conv2d_on_a_2d_input_raises_min_ndim_message() -> None:
    msg = (
        'Input 0 of layer "conv2d" is incompatible with the layer: expected min_ndim=4, '
        "found ndim=2. Full shape received: (None, 5)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Conv2D(4, 3)(keras.Input(shape=(5,)))


def test_built_conv2d_rejects_data_with_other_channels() -> None:
    layer = layers.Conv2D(4, 3)
    layer.build((None, 8, 8, 1))
    msg = (
        'Input 0 of layer "conv2d" is incompatible with the layer: expected axis -1 of input '
        "shape to have value 1, but received input with shape (2, 8, 8, 3)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layer(np.zeros((2, 8, 8, 3)))


def test_conv2d_with_negative_output_size_raises_downsampling_message() -> None:
    msg = (
        "One of the dimensions in the output is <= 0 due to downsampling in conv2d. "
        "Consider increasing the input size. Received input shape "
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Conv2D(8, 5)(keras.Input(shape=(2, 2, 1)))


def test_conv2d_downsampling_message_prints_the_input_shape_as_keras_does() -> None:
    msg = (
        "One of the dimensions in the output is <= 0 due to downsampling in conv2d. "
        "Consider increasing the input size. Received input shape [None, 2, 2, 1] which "
        "would produce output shape with a zero or negative value in a dimension."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Conv2D(8, 5)(keras.Input(shape=(2, 2, 1)))


def test_conv2d_with_zero_filters_raises_keras_message() -> None:
    msg = (
        "Invalid value for argument `filters`. Expected a strictly positive value. "
        "Received filters=0."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Conv2D(filters=0, kernel_size=3)


def test_conv2d_with_undefined_channels_raises_keras_message() -> None:
    msg = (
        "The channel dimension of the inputs should be defined. The input_shape received "
        "is (None, 5, 5, None), where axis -1 (0-based) is the channel dimension, which "
        "found to be `None`."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Conv2D(2, 3)(keras.Input(shape=(5, 5, None)))


# ===================================================================== pooling shapes
POOLS = [layers.MaxPooling2D, layers.AveragePooling2D]


@pytest.mark.parametrize("pool_cls", POOLS)
@pytest.mark.parametrize(
    ("kwargs", "input_shape", "expected"),
    [
        ({}, (26, 26, 32), (None, 13, 13, 32)),
        ({}, (7, 7, 2), (None, 3, 3, 2)),
        ({"padding": "same"}, (7, 7, 2), (None, 4, 4, 2)),
        ({"pool_size": 3}, (9, 10, 1), (None, 3, 3, 1)),  # strides default to pool_size
        ({"pool_size": 3, "strides": 2, "padding": "same"}, (7, 7, 2), (None, 4, 4, 2)),
        ({"pool_size": 3, "strides": 1}, (5, 6, 4), (None, 3, 4, 4)),
        ({"pool_size": (2, 3), "strides": (1, 2)}, (5, 7, 1), (None, 4, 3, 1)),
    ],
)
def test_pooling_output_shape_symbolic_compute_and_eager_agree(
    pool_cls: Any,
    kwargs: dict[str, Any],
    input_shape: tuple[int, ...],
    expected: tuple[int | None, ...],
) -> None:
    layer = pool_cls(**kwargs)
    assert layer(keras.Input(shape=input_shape)).shape == expected
    assert layer.compute_output_shape((None, *input_shape)) == expected
    assert layer(np.zeros((3, *input_shape), "float32")).shape == (3, *expected[1:])


@pytest.mark.parametrize("pool_cls", POOLS)
def test_pooling_strides_default_to_pool_size_and_config_round_trips(pool_cls: Any) -> None:
    layer = pool_cls(pool_size=3, padding="same")
    assert layer.strides == (3, 3)
    config = layer.get_config()
    assert config["pool_size"] == (3, 3)
    assert config["strides"] == (3, 3)
    assert config["padding"] == "same"
    assert config["data_format"] == "channels_last"
    clone = pool_cls.from_config(config)
    assert type(clone) is pool_cls
    assert clone.get_config() == config
    assert clone.compute_output_shape((None, 10, 10, 1)) == (None, 4, 4, 1)


@pytest.mark.parametrize("pool_cls", POOLS)
def test_pooling_has_no_weights(pool_cls: Any) -> None:
    layer = pool_cls()
    layer(keras.Input(shape=(4, 4, 2)))
    assert layer.weights == []
    assert layer.count_params() == 0


def test_pooling_names_come_from_their_classes() -> None:
    assert layers.MaxPooling2D().name == "max_pooling2d"
    assert layers.AveragePooling2D().name == "average_pooling2d"
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool2D is layers.AveragePooling2D


def test_pooling_on_unknown_spatial_size_gives_unknown_output_size() -> None:
    out = layers.MaxPooling2D()(keras.Input(shape=(None, None, 3)))
    assert out.shape == (None, None, None, 3)


# =================================================================== pooling numerics
@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize(
    ("pool", "strides", "padding", "size"),
    [
        ((2, 2), (2, 2), "valid", (4, 6)),
        ((2, 2), (2, 2), "valid", (5, 5)),  # the last row/col is dropped
        ((2, 2), (2, 2), "same", (5, 5)),  # ...or padded after
        ((3, 3), (2, 2), "same", (6, 7)),
        ((3, 3), (1, 1), "same", (4, 4)),
        ((2, 3), (1, 2), "valid", (5, 7)),
    ],
)
def test_pooling_matches_naive_loops(
    kind: str,
    pool: tuple[int, int],
    strides: tuple[int, int],
    padding: str,
    size: tuple[int, int],
) -> None:
    cls = layers.MaxPooling2D if kind == "max" else layers.AveragePooling2D
    x = _rng(4).normal(size=(2, *size, 3)).astype("float32")
    out = cls(pool_size=pool, strides=strides, padding=padding)(x)
    np.testing.assert_allclose(out, naive_pool2d(x, pool, strides, padding, kind), rtol=1e-6)


def test_max_pooling_same_never_picks_a_padded_cell() -> None:
    x = -np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)  # all negative
    out = layers.MaxPooling2D(padding="same")(x)[0, :, :, 0]
    np.testing.assert_array_equal(out, [[-1, -3], [-7, -9]])


def test_average_pooling_same_does_not_count_padded_cells() -> None:
    x = np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)
    out = layers.AveragePooling2D(padding="same")(x)[0, :, :, 0]
    # Windows: {1,2,4,5}, {3,6}, {7,8}, {9}: the partial ones average only real cells.
    np.testing.assert_allclose(out, [[3.0, 4.5], [7.5, 9.0]])


def test_pooling_works_per_channel() -> None:
    x = np.zeros((1, 2, 2, 2), "float32")
    x[0, :, :, 0] = [[1, 2], [3, 4]]
    x[0, :, :, 1] = [[-4, -3], [-2, -1]]
    np.testing.assert_array_equal(layers.MaxPooling2D()(x)[0, 0, 0], [4, -1])
    np.testing.assert_array_equal(layers.AveragePooling2D()(x)[0, 0, 0], [2.5, -2.5])


# ==================================================================== pooling errors
@pytest.mark.parametrize(
    ("pool_cls", "name"),
    [(layers.MaxPooling2D, "max_pooling2d"), (layers.AveragePooling2D, "average_pooling2d")],
)
def test_pooling_on_a_3d_input_raises_ndim_message(pool_cls: Any, name: str) -> None:
    msg = (
        f'Input 0 of layer "{name}" is incompatible with the layer: expected ndim=4, '
        "found ndim=3. Full shape received: (None, 4, 4)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        pool_cls()(keras.Input(shape=(4, 4)))
