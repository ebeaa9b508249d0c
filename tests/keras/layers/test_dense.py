"""``Dense`` and ``Activation``: the core layers behave as Keras 2's do.

Pins, for each layer: the symbolic output shape on ``keras.Input`` (and its agreement with
``compute_output_shape`` and with an eager call), the weights ``build`` creates (names,
shapes, trainability, initializers, ``count_params``), the config round trip, the maths
against plain numpy, and Keras 2's exact error messages.
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


def _np_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _np_sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------- shapes
@pytest.mark.parametrize(
    ("input_shape", "units", "expected"),
    [
        ((784,), 512, (None, 512)),
        ((512,), 10, (None, 10)),
        ((10, 8), 4, (None, 10, 4)),  # Dense acts on the last axis only
        ((2, 3, 5), 7, (None, 2, 3, 7)),
    ],
)
def test_dense_symbolic_shape_matches_compute_output_shape_and_eager_call(
    input_shape: tuple[int, ...], units: int, expected: tuple[int | None, ...]
) -> None:
    layer = layers.Dense(units)
    out = layer(keras.Input(shape=input_shape))
    assert out.shape == expected
    assert layer.compute_output_shape((None, *input_shape)) == expected
    eager = layer(np.ones((3, *input_shape), "float32"))
    assert eager.shape == (3, *expected[1:])


def test_dense_with_fixed_batch_size_keeps_it_in_the_symbolic_shape() -> None:
    out = layers.Dense(3)(keras.Input(shape=(4,), batch_size=8))
    assert out.shape == (8, 3)


def test_dense_output_records_the_layer_that_made_it() -> None:
    layer = layers.Dense(3)
    out = layer(keras.Input(shape=(4,)))
    assert out._keras_history.layer is layer
    assert layer.output is out
    assert layer.input_shape == (None, 4)
    assert layer.output_shape == (None, 3)


# -------------------------------------------------------------------------- weights
def test_dense_build_creates_named_kernel_and_bias_of_the_right_shapes() -> None:
    layer = layers.Dense(512, activation="relu")
    assert not layer.built
    layer.build((None, 784))
    assert layer.built
    assert [w.name for w in layer.weights] == ["dense/kernel:0", "dense/bias:0"]
    assert layer.kernel.shape == (784, 512)
    assert layer.bias.shape == (512,)
    assert [w.name for w in layer.trainable_weights] == ["dense/kernel:0", "dense/bias:0"]
    assert layer.non_trainable_weights == []
    assert layer.count_params() == 784 * 512 + 512 == 401920


def test_second_dense_gets_the_next_unique_name_and_prefixes_its_weights() -> None:
    layers.Dense(2).build((None, 3))
    second = layers.Dense(2)
    second.build((None, 3))
    assert second.name == "dense_1"
    assert [w.name for w in second.weights] == ["dense_1/kernel:0", "dense_1/bias:0"]


def test_dense_default_kernel_is_glorot_uniform_and_bias_zeros() -> None:
    keras.utils.set_random_seed(0)
    fan_in, fan_out = 784, 512
    layer = layers.Dense(fan_out)
    layer.build((None, fan_in))
    kernel = layer.kernel.numpy()
    limit = math.sqrt(6 / (fan_in + fan_out))
    assert kernel.dtype == np.float32
    assert np.abs(kernel).max() <= limit
    # Spread over the whole range, not a constant or a narrower distribution.
    assert np.abs(kernel).max() > 0.95 * limit
    assert len(np.unique(kernel)) > kernel.size // 2
    assert abs(float(kernel.mean())) < 0.01 * limit
    # Uniform on ±limit has variance limit² / 3.
    assert kernel.var() == pytest.approx(limit**2 / 3, rel=0.02)
    np.testing.assert_array_equal(layer.bias.numpy(), np.zeros(fan_out, "float32"))


def test_dense_uses_the_initializers_it_is_given() -> None:
    layer = layers.Dense(
        3,
        kernel_initializer="ones",
        bias_initializer=keras.initializers.Constant(0.5),
    )
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.kernel.numpy(), np.ones((2, 3)))
    np.testing.assert_array_equal(layer.bias.numpy(), np.full(3, 0.5))


def test_dense_without_bias_has_only_a_kernel() -> None:
    layer = layers.Dense(10, use_bias=False)
    layer.build((None, 784))
    assert layer.bias is None
    assert [w.name for w in layer.weights] == ["dense/kernel:0"]
    assert layer.count_params() == 7840
    x = _rng().normal(size=(2, 784)).astype("float32")
    np.testing.assert_allclose(layer(x), x @ layer.kernel.numpy(), rtol=1e-5, atol=1e-6)


def test_frozen_dense_moves_its_weights_to_non_trainable() -> None:
    layer = layers.Dense(3, trainable=False)
    layer.build((None, 2))
    assert layer.trainable_weights == []
    assert [w.name for w in layer.non_trainable_weights] == ["dense/kernel:0", "dense/bias:0"]
    assert layer.count_params() == 9


def test_dense_get_weights_and_set_weights_round_trip() -> None:
    layer = layers.Dense(3)
    layer.build((None, 2))
    kernel = np.arange(6, dtype="float32").reshape(2, 3)
    bias = np.array([1.0, 2.0, 3.0], "float32")
    layer.set_weights([kernel, bias])
    got = layer.get_weights()
    np.testing.assert_array_equal(got[0], kernel)
    np.testing.assert_array_equal(got[1], bias)
    got[0][...] = 0  # a copy: editing it leaves the layer alone
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)


def test_dense_weights_argument_sets_the_initial_values_on_build() -> None:
    kernel = np.full((2, 3), 2.0, "float32")
    bias = np.zeros(3, "float32")
    layer = layers.Dense(3, weights=[kernel, bias])
    out = layer(np.ones((1, 2), "float32"))
    np.testing.assert_array_equal(out, [[4.0, 4.0, 4.0]])


# --------------------------------------------------------------------------- config
@pytest.mark.parametrize(
    "kwargs",
    [
        {"units": 512, "activation": "relu"},
        {"units": 10, "activation": "softmax", "use_bias": False},
        {
            "units": 4,
            "kernel_initializer": keras.initializers.HeNormal(seed=3),
            "bias_initializer": "ones",
            "name": "head",
        },
        {"units": 3, "input_shape": (7,)},
        {"units": 3, "trainable": False},
    ],
)
def test_dense_config_round_trip_rebuilds_an_equal_layer(kwargs: dict[str, Any]) -> None:
    layer = layers.Dense(**kwargs)
    config = layer.get_config()
    clone = layers.Dense.from_config(config)
    assert type(clone) is layers.Dense
    assert clone.get_config() == config
    layer.build((None, 7))
    clone.build((None, 7))
    assert [w.shape for w in clone.weights] == [w.shape for w in layer.weights]
    assert [w.name for w in clone.weights] == [w.name for w in layer.weights]


def test_dense_config_holds_keras_2_keys_and_serialized_values() -> None:
    config = layers.Dense(5, activation="relu", input_dim=3).get_config()
    assert config["name"] == "dense"
    assert config["units"] == 5
    assert config["activation"] == "relu"
    assert config["use_bias"] is True
    assert config["batch_input_shape"] == (None, 3)
    assert config["kernel_initializer"] == {
        "class_name": "GlorotUniform",
        "config": {"seed": None},
    }
    assert config["bias_initializer"] == {"class_name": "Zeros", "config": {}}
    assert config["dtype"] == "float32"


# ------------------------------------------------------------------------- numerics
def _dense_with_weights(units: int, n_in: int, activation: str | None) -> layers.Dense:
    layer = layers.Dense(units, activation=activation)
    layer.build((None, n_in))
    rng = _rng(1)
    layer.set_weights(
        [
            rng.normal(size=(n_in, units)).astype("float32"),
            rng.normal(size=units).astype("float32"),
        ]
    )
    return layer


@pytest.mark.parametrize(
    ("activation", "reference"),
    [
        (None, lambda z: z),
        ("linear", lambda z: z),
        ("relu", lambda z: np.maximum(z, 0)),
        ("softmax", _np_softmax),
        ("sigmoid", _np_sigmoid),
        ("tanh", np.tanh),
    ],
)
def test_dense_computes_activation_of_x_times_kernel_plus_bias(
    activation: str | None, reference: Any
) -> None:
    layer = _dense_with_weights(4, 3, activation)
    x = _rng(2).normal(size=(5, 3)).astype("float32")
    kernel, bias = layer.get_weights()
    expected = reference(x.astype(np.float64) @ kernel + bias)
    out = layer(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_dense_relu_really_clips_negatives_and_softmax_rows_sum_to_one() -> None:
    x = _rng(3).normal(size=(6, 3)).astype("float32")
    relu_out = _dense_with_weights(4, 3, "relu")(x)
    assert (relu_out >= 0).all() and (relu_out == 0).any() and (relu_out > 0).any()
    soft_out = _dense_with_weights(4, 3, "softmax")(x)
    np.testing.assert_allclose(soft_out.sum(axis=-1), np.ones(6), rtol=1e-6)


def test_dense_on_rank_3_input_applies_the_same_kernel_at_every_step() -> None:
    layer = _dense_with_weights(2, 3, None)
    x = _rng(4).normal(size=(2, 5, 3)).astype("float32")
    kernel, bias = layer.get_weights()
    expected = np.einsum("bti,iu->btu", x, kernel) + bias
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-6)


def test_dense_converts_integer_inputs_to_float32() -> None:
    layer = layers.Dense(2, kernel_initializer="ones")
    out = layer(np.array([[1, 2, 3]], dtype=np.int64))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[6.0, 6.0]])


# --------------------------------------------------------------------------- errors
def test_dense_negative_units_raises_keras_message() -> None:
    msg = "Received an invalid value for `units`, expected a positive integer. Received: units=-3"
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Dense(-3)


def test_built_dense_rejects_an_input_of_another_size() -> None:
    layer = layers.Dense(512)
    layer(keras.Input(shape=(784,)))
    msg = (
        'Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of '
        "input shape to have value 784, but received input with shape (2, 100)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layer(np.ones((2, 100)))


def test_built_dense_refuses_to_wire_a_symbolic_input_of_another_size() -> None:
    # Keras 2 runs no input_spec check on this path (the matmul fails while inferring
    # the output, with TensorFlow's own message), so only the refusal is pinned.
    layer = layers.Dense(3)
    layer.build((None, 4))
    with pytest.raises(ValueError):
        layer(keras.Input(shape=(5,)))
    assert layer._inbound_nodes == []


def test_dense_on_a_1d_input_raises_min_ndim_message() -> None:
    msg = (
        'Input 0 of layer "dense" is incompatible with the layer: expected min_ndim=2, '
        "found ndim=1. Full shape received: (5,)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Dense(3)(keras.Input(batch_shape=(5,)))


def test_dense_with_undefined_last_dimension_raises_keras_message() -> None:
    msg = (
        "The last dimension of the inputs to a Dense layer should be defined. Found None. "
        "Full input shape received: (None, None)"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Dense(3)(keras.Input(shape=(None,)))


def test_unknown_keyword_argument_raises_type_error_with_keras_args() -> None:
    with pytest.raises(TypeError) as excinfo:
        layers.Dense(3, foo=1)
    assert excinfo.value.args == ("Keyword argument not understood:", "foo")


def test_unknown_activation_name_raises_keras_message() -> None:
    msg = (
        "Unknown activation function: 'relux'. Please ensure you are using a "
        "`keras.utils.custom_object_scope` and that this object is included in the scope. "
        "See https://www.tensorflow.org/guide/keras/save_and_serialize"
        "#registering_the_custom_object for details."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Dense(3, activation="relux")
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Activation("relux")


def test_count_params_before_build_raises_keras_message() -> None:
    msg = (
        "You tried to call `count_params` on layer dense, but the layer isn't built. "
        "You can build it manually via: `dense.build(batch_input_shape)`."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        layers.Dense(3).count_params()


def test_set_weights_with_wrong_count_or_shape_raises_keras_messages() -> None:
    layer = layers.Dense(3)
    layer.build((None, 2))
    with pytest.raises(
        ValueError,
        match=re.escape(
            'You called `set_weights(weights)` on layer "dense" with a weight list of '
            "length 1, but the layer was expecting 2 weights."
        ),
    ):
        layer.set_weights([np.zeros((2, 3))])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Layer dense weight shape (2, 3) is not compatible with provided weight shape (3, 2)."
        ),
    ):
        layer.set_weights([np.zeros((3, 2)), np.zeros(3)])
    # A refused set_weights changes nothing.
    assert not np.all(layer.kernel.numpy() == 0)


# ----------------------------------------------------------------------- Activation
@pytest.mark.parametrize("input_shape", [(5,), (4, 6), (2, 3, 4)])
def test_activation_keeps_the_shape_symbolically_and_eagerly(
    input_shape: tuple[int, ...],
) -> None:
    layer = layers.Activation("relu")
    out = layer(keras.Input(shape=input_shape))
    assert out.shape == (None, *input_shape)
    assert layer.compute_output_shape((None, *input_shape)) == (None, *input_shape)
    assert layer(np.ones((2, *input_shape))).shape == (2, *input_shape)


def test_activation_has_no_weights_and_its_name_comes_from_the_class() -> None:
    layer = layers.Activation("tanh")
    layer(keras.Input(shape=(3,)))
    assert layer.name == "activation"
    assert layer.weights == []
    assert layer.count_params() == 0


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("relu", lambda x: np.maximum(x, 0)),
        ("sigmoid", _np_sigmoid),
        ("tanh", np.tanh),
        ("softmax", _np_softmax),
        ("linear", lambda x: x),
    ],
)
def test_activation_matches_numpy(name: str, reference: Any) -> None:
    x = _rng(5).normal(size=(3, 4, 5)).astype("float32")
    np.testing.assert_allclose(
        layers.Activation(name)(x), reference(x.astype(np.float64)), rtol=1e-5, atol=1e-6
    )


def test_activation_softmax_normalises_along_the_last_axis() -> None:
    x = _rng(6).normal(size=(2, 3, 4)).astype("float32")
    out = layers.Activation("softmax")(x)
    np.testing.assert_allclose(out.sum(axis=-1), np.ones((2, 3)), rtol=1e-6)
    assert not np.allclose(out.sum(axis=1), 1.0)


def test_activation_accepts_a_callable() -> None:
    out = layers.Activation(np.square)(np.array([[-2.0, 3.0]], "float32"))
    np.testing.assert_array_equal(out, [[4.0, 9.0]])


def test_activation_config_round_trip() -> None:
    layer = layers.Activation("sigmoid", name="gate")
    config = layer.get_config()
    assert config["activation"] == "sigmoid"
    clone = layers.Activation.from_config(config)
    assert clone.get_config() == config
    x = _rng(7).normal(size=(2, 3)).astype("float32")
    np.testing.assert_array_equal(clone(x), layer(x))
