"""Each layer's backward rule (``keras/backprop``) is the true gradient of its forward.

buildtrace has no autodiff: every layer states its own vector-Jacobian product. These
tests check it against central finite differences in float64 on tiny shapes, with the
loss ``L = sum(outputs * R)`` for a fixed random ``R`` (so ``dy = R``): the input
gradient (a list for merge layers) and one gradient per trainable weight, aligned with
``layer.trainable_weights``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras import backprop

layers = keras.layers
RTOL, ATOL = 1e-5, 1e-7


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """``d f() / d x`` by central differences, nudging ``x`` (float64) in place."""
    assert x.dtype == np.float64
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + eps
        f_plus = f()
        x[idx] = original - eps
        f_minus = f()
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def _build_float64(layer: Any, inputs: Any) -> None:
    """Build ``layer`` for ``inputs`` (once) and give it float64 weights."""
    if not layer.built:
        shapes = [x.shape for x in inputs] if isinstance(inputs, list) else inputs.shape
        layer.build(shapes)
    for weight in layer.weights:
        weight.value = weight.value.astype(np.float64)


def check_layer_gradients(
    layer: Any, inputs: Any, seed: int = 0, training: bool = True
) -> tuple[Any, list[np.ndarray]]:
    """Compare the backward rule with finite differences; return the analytic gradients."""
    _build_float64(layer, inputs)
    outputs, cache = backprop.forward(layer, inputs, training=training)
    R = _rng(seed).normal(size=outputs.shape)

    def loss() -> float:
        return float((backprop.forward(layer, inputs, training=training)[0] * R).sum())

    dx, grads = backprop.backward(layer, R, cache)
    assert len(grads) == len(layer.trainable_weights)
    for grad, weight in zip(grads, layer.trainable_weights):
        assert grad.shape == weight.shape
        np.testing.assert_allclose(
            grad, numerical_gradient(loss, weight.value), rtol=RTOL, atol=ATOL, err_msg=weight.name
        )
    xs = inputs if isinstance(inputs, list) else [inputs]
    dxs = dx if isinstance(inputs, list) else [dx]
    assert isinstance(dx, list) == isinstance(inputs, list)
    assert len(dxs) == len(xs)
    for d, x in zip(dxs, xs):
        assert d.shape == x.shape
        np.testing.assert_allclose(d, numerical_gradient(loss, x), rtol=RTOL, atol=ATOL)
    return dx, grads


def _away_from_zero(x: np.ndarray, margin: float = 0.05) -> np.ndarray:
    """Push values off the ReLU kink so finite differences stay on one side of it."""
    return np.where(np.abs(x) < margin, np.sign(x + 1e-12) * margin, x)


# ----------------------------------------------------------------------------- Dense
@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "softmax"])
def test_dense_backward_matches_finite_differences(activation: str) -> None:
    layer = layers.Dense(4, activation=activation)
    x = _rng(1).normal(size=(3, 5))
    _build_float64(layer, x)
    if activation == "relu":
        z = x @ layer.kernel.value + layer.bias.value
        assert np.abs(z).min() > 1e-4, "test input sits on the ReLU kink"
    check_layer_gradients(layer, x)


def test_dense_without_bias_backward_has_only_a_kernel_gradient() -> None:
    _, grads = check_layer_gradients(
        layers.Dense(3, use_bias=False, activation="tanh"), _rng(2).normal(size=(4, 2))
    )
    assert len(grads) == 1


def test_dense_on_rank_3_input_backward_matches_finite_differences() -> None:
    check_layer_gradients(layers.Dense(2, activation="sigmoid"), _rng(3).normal(size=(2, 3, 4)))


@pytest.mark.parametrize("activation", ["softmax", "sigmoid"])
def test_dense_backward_wrt_logits_treats_dy_as_the_pre_activation_gradient(
    activation: str,
) -> None:
    layer = layers.Dense(3, activation=activation)
    x = _rng(4).normal(size=(4, 5))
    _build_float64(layer, x)
    _, cache = backprop.forward(layer, x, training=True)
    R = _rng(5).normal(size=(4, 3))

    def logit_loss() -> float:
        return float(((x @ layer.kernel.value + layer.bias.value) * R).sum())

    dx, (dkernel, dbias) = backprop.backward(layer, R, cache, wrt_logits=True)
    np.testing.assert_allclose(
        dkernel, numerical_gradient(logit_loss, layer.kernel.value), rtol=RTOL, atol=ATOL
    )
    np.testing.assert_allclose(
        dbias, numerical_gradient(logit_loss, layer.bias.value), rtol=RTOL, atol=ATOL
    )
    np.testing.assert_allclose(dx, numerical_gradient(logit_loss, x), rtol=RTOL, atol=ATOL)
    # ...which differs from back-propagating through the activation.
    _, (through_activation, _) = backprop.backward(layer, R, cache)
    assert not np.allclose(dkernel, through_activation)


def test_dense_backward_skips_dx_when_not_needed() -> None:
    layer = layers.Dense(2)
    x = _rng(6).normal(size=(3, 4))
    _build_float64(layer, x)
    y, cache = backprop.forward(layer, x)
    dx, grads = backprop.backward(layer, np.ones_like(y), cache, need_dx=False)
    assert dx is None
    assert len(grads) == 2


# ------------------------------------------------------------------------ Activation
@pytest.mark.parametrize("name", ["linear", "relu", "sigmoid", "tanh", "softmax"])
def test_activation_backward_matches_finite_differences(name: str) -> None:
    x = _away_from_zero(_rng(7).normal(size=(3, 4)))
    _, grads = check_layer_gradients(layers.Activation(name), x)
    assert grads == []


# ---------------------------------------------------------------------------- Conv2D
@pytest.mark.parametrize(
    ("kwargs", "size"),
    [
        ({"kernel_size": 3, "activation": "relu"}, (5, 5)),
        ({"kernel_size": 3, "padding": "same", "activation": "relu"}, (4, 5)),
        ({"kernel_size": 2, "strides": 2, "padding": "same"}, (5, 5)),
        ({"kernel_size": (3, 2), "strides": (2, 1), "use_bias": False}, (6, 4)),
    ],
)
def test_conv2d_backward_matches_finite_differences(
    kwargs: dict[str, Any], size: tuple[int, int]
) -> None:
    layer = layers.Conv2D(2, **kwargs)
    x = _rng(8).normal(size=(2, *size, 2))
    _build_float64(layer, x)
    if kwargs.get("activation") == "relu":
        z = backprop.forward(layer, x)[1][1]
        assert np.abs(z).min() > 1e-4, "test input sits on the ReLU kink"
    check_layer_gradients(layer, x)


# ------------------------------------------------------------------------ pooling
@pytest.mark.parametrize("cls", [layers.MaxPooling2D, layers.AveragePooling2D])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"padding": "same"},
        {"pool_size": 3, "strides": 2, "padding": "same"},
        {"pool_size": (2, 3), "strides": 1},
    ],
)
def test_pooling_backward_matches_finite_differences(cls: Any, kwargs: dict[str, Any]) -> None:
    x = _rng(9).normal(size=(2, 5, 5, 2))  # distinct values: no ties for the max
    _, grads = check_layer_gradients(cls(**kwargs), x)
    assert grads == []


# ---------------------------------------------------------------- BatchNormalization
@pytest.mark.parametrize(
    ("kwargs", "shape"),
    [
        ({}, (6, 3)),
        ({"momentum": 0.5}, (2, 3, 3, 2)),
        ({"axis": 1}, (4, 3, 2)),
        ({"center": False}, (5, 2)),
        ({"scale": False}, (5, 2)),
    ],
)
def test_batch_norm_training_backward_matches_finite_differences(
    kwargs: dict[str, Any], shape: tuple[int, ...]
) -> None:
    layer = layers.BatchNormalization(**kwargs)
    x = _rng(10).normal(loc=1.0, scale=2.0, size=shape)
    _build_float64(layer, x)
    # Non-trivial gamma and beta, so their gradients and dx depend on them.
    for weight in layer.trainable_weights:
        weight.value = _rng(11).normal(size=weight.shape)
    _, grads = check_layer_gradients(layer, x)
    assert len(grads) == len(layer.trainable_weights)


# --------------------------------------------------------------------------- Dropout
def test_dropout_backward_applies_the_forward_mask() -> None:
    layer = layers.Dropout(0.5, seed=0)
    x = _rng(12).uniform(1.0, 2.0, size=(20, 10))
    y, mask = backprop.forward(layer, x, training=True)
    R = _rng(13).normal(size=y.shape)
    dx, grads = backprop.backward(layer, R, mask)
    assert grads == []
    # y = x * mask, so dL/dx = R * mask: zero where dropped, R / (1 - rate) elsewhere.
    np.testing.assert_allclose(dx, R * (y / x), rtol=1e-12)
    assert (dx == 0).any() and (dx != 0).any()


def test_dropout_backward_at_inference_is_the_identity() -> None:
    layer = layers.Dropout(0.5)
    x = _rng(14).normal(size=(3, 4))
    y, cache = backprop.forward(layer, x, training=False)
    np.testing.assert_array_equal(y, x)
    R = _rng(15).normal(size=x.shape)
    np.testing.assert_array_equal(backprop.backward(layer, R, cache)[0], R)


# ------------------------------------------------------------------ Flatten, Reshape
def test_flatten_backward_matches_finite_differences() -> None:
    check_layer_gradients(layers.Flatten(), _rng(16).normal(size=(2, 3, 2, 2)))


@pytest.mark.parametrize("target", [(4, 3), (-1,), (2, -1, 3)])
def test_reshape_backward_matches_finite_differences(target: tuple[int, ...]) -> None:
    check_layer_gradients(layers.Reshape(target), _rng(17).normal(size=(2, 12)))


# ---------------------------------------------------------------- Add, Concatenate
def test_add_backward_gives_each_input_its_gradient() -> None:
    rng = _rng(18)
    dx, grads = check_layer_gradients(layers.Add(), [rng.normal(size=(2, 3)) for _ in range(3)])
    assert grads == []
    assert len(dx) == 3


def test_add_backward_sums_over_broadcast_axes() -> None:
    rng = _rng(19)
    inputs = [rng.normal(size=(2, 3, 1)), rng.normal(size=(2, 1, 4)), rng.normal(size=(2, 3, 4))]
    check_layer_gradients(layers.Add(), inputs)


@pytest.mark.parametrize(
    ("axis", "shapes"),
    [(-1, [(2, 3), (2, 2)]), (1, [(2, 1, 3), (2, 4, 3), (2, 2, 3)])],
)
def test_concatenate_backward_splits_the_gradient_back(
    axis: int, shapes: list[tuple[int, ...]]
) -> None:
    rng = _rng(20)
    dx, grads = check_layer_gradients(
        layers.Concatenate(axis=axis), [rng.normal(size=s) for s in shapes]
    )
    assert grads == []
    assert [d.shape for d in dx] == shapes
