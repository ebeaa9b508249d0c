"""Tests for buildtrace.keras.ops.nn (activations)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from buildtrace.keras.ops import (
    ACTIVATIONS,
    elu,
    elu_backward,
    gelu,
    gelu_backward,
    get_activation,
    hard_sigmoid,
    leaky_relu,
    leaky_relu_backward,
    linear,
    relu,
    selu,
    sigmoid,
    softmax,
    softmax_backward,
    softplus,
    softsign,
    swish,
    tanh,
)
from buildtrace.keras.ops.nn import Activation

Array = npt.NDArray[np.floating[Any]]
NumGrad = Callable[[Callable[[], float], Array], Array]


def _away_from_kinks(shape: tuple[int, ...], rng: np.random.Generator) -> Array:
    """Random inputs kept away from the kinks at 0 (relu family) and +-2.5 (hard_sigmoid)."""
    x: Array = rng.uniform(-4, 4, shape)
    for kink in (0.0, -2.5, 2.5):
        x = np.where(np.abs(x - kink) < 0.05, x + 0.1, x)
    return x


# Registry entries plus the parametrised variants that are not reachable by name.
VARIANTS = {
    **ACTIVATIONS,
    "elu(alpha=0.5)": Activation(
        functools.partial(elu, alpha=0.5), lambda dy, x, y: elu_backward(dy, x, alpha=0.5)
    ),
    "leaky_relu": Activation(leaky_relu, lambda dy, x, y: leaky_relu_backward(dy, x)),
    "leaky_relu(0.2)": Activation(
        functools.partial(leaky_relu, alpha=0.2),
        lambda dy, x, y: leaky_relu_backward(dy, x, alpha=0.2),
    ),
    "gelu(approximate)": Activation(
        functools.partial(gelu, approximate=True),
        lambda dy, x, y: gelu_backward(dy, x, approximate=True),
    ),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_backward_matches_finite_differences(name: str, numgrad: NumGrad) -> None:
    act = VARIANTS[name]
    rng = np.random.default_rng(0)
    x = _away_from_kinks((3, 5), rng)
    dy = rng.standard_normal(x.shape)

    def loss() -> float:
        return float(np.sum(act.forward(x) * dy))

    dx = act.backward(dy, x, act.forward(x))
    np.testing.assert_allclose(dx, numgrad(loss, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_float32_in_float32_out(name: str) -> None:
    act = VARIANTS[name]
    x = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    y = act.forward(x)
    assert y.dtype == np.float32
    assert act.backward(np.ones_like(x), x, y).dtype == np.float32


@pytest.mark.parametrize("name", sorted(set(VARIANTS) - {"exponential"}))  # exp must overflow
def test_huge_inputs_stay_finite(name: str) -> None:
    act = VARIANTS[name]
    x = np.array([[-1e4, -1000.0, 0.0, 1000.0, 1e4]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = act.forward(x)
        dx = act.backward(np.ones_like(x), x, y)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))


# Reference values printed in the Keras 2 activation docstrings (float32).
KNOWN = [
    (sigmoid, [-20, -1, 0, 1, 20], [2.0611537e-09, 0.26894143, 0.5, 0.7310586, 1.0]),
    (softplus, [-20, -1, 0, 1, 20], [2.0611537e-09, 0.31326166, 0.6931472, 1.3132616, 20.0]),
    (swish, [-20, -1, 0, 1, 20], [-4.1223075e-08, -0.26894143, 0.0, 0.7310586, 20.0]),
    (gelu, [-3, -1, 0, 1, 3], [-0.00404951, -0.15865529, 0.0, 0.8413447, 2.9959507]),
    (
        functools.partial(gelu, approximate=True),
        [-3, -1, 0, 1, 3],
        [-0.00363752, -0.15880796, 0.0, 0.841192, 2.9963627],
    ),
    (tanh, [-3, -1, 0, 1, 3], [-0.9950547, -0.7615942, 0.0, 0.7615942, 0.9950547]),
    (hard_sigmoid, [-3, -1, 0, 1, 3], [0.0, 0.3, 0.5, 0.7, 1.0]),
    (softsign, [-1, 0, 1], [-0.5, 0.0, 0.5]),
    (relu, [-10, -5, 0, 5, 10], [0, 0, 0, 5, 10]),
    (elu, [-1, 0, 2], [np.expm1(-1.0), 0.0, 2.0]),
    (
        selu,
        [-1, 0, 1],
        [1.0507009873554805 * 1.6732632423543772 * np.expm1(-1.0), 0, 1.0507009873554805],
    ),
    (leaky_relu, [-2, 0, 3], [-0.6, 0, 3]),
    (linear, [-3, 0, 3], [-3, 0, 3]),
]


@pytest.mark.parametrize(("fn", "inputs", "expected"), KNOWN)
def test_known_values(
    fn: Callable[[Array], Array], inputs: list[float], expected: list[float]
) -> None:
    y = fn(np.array(inputs, dtype=np.float32))
    # atol: for gelu(-3) TF's float32 "1 + erf(x)" loses digits to cancellation, so the
    # printed Keras values are ~2e-7 away from the exact ones we compute.
    np.testing.assert_allclose(y, expected, rtol=2e-6, atol=3e-7)


def test_softmax_rows_sum_to_one_and_survive_huge_logits() -> None:
    x = np.array([[1e4, 0.0, -1e4], [3.0, 3.0, 3.0], [-1e30, -1e30, 0.0]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise"):
        y = softmax(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(y[0], [1, 0, 0])
    np.testing.assert_allclose(y[1], [1 / 3] * 3, rtol=1e-6)
    np.testing.assert_allclose(y[2], [0, 0, 1])


def test_softmax_axis_and_its_gradient(numgrad: NumGrad) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4, 2))
    dy = rng.standard_normal(x.shape)
    y = softmax(x, axis=1)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    np.testing.assert_allclose(softmax(x + 100.0, axis=1), y)  # shift invariance

    def loss() -> float:
        return float(np.sum(softmax(x, axis=1) * dy))

    np.testing.assert_allclose(softmax_backward(dy, y, axis=1), numgrad(loss, x), atol=1e-8)


def test_relu_gradient_is_zero_at_zero() -> None:
    dx = ACTIVATIONS["relu"].backward(
        np.ones(3), np.array([-1.0, 0.0, 1.0]), relu(np.array([-1.0, 0.0, 1.0]))
    )
    np.testing.assert_array_equal(dx, [0.0, 0.0, 1.0])


def test_get_activation() -> None:
    assert get_activation("relu") is ACTIVATIONS["relu"]
    assert get_activation(None).forward is linear
    with pytest.raises(ValueError, match="unknown activation"):
        get_activation("sigmoidal")
