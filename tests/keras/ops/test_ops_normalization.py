"""Tests for buildtrace.keras.ops.normalization (batch normalization)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from buildtrace.keras.ops import (
    batch_norm_backward,
    batch_norm_inference,
    batch_norm_moving_update,
    batch_norm_train_forward,
    keras2_uses_fused_batch_norm,
    moving_average_update,
    unbiased_variance,
)

Array = npt.NDArray[np.floating[Any]]
NumGrad = Callable[[Callable[[], float], Array], Array]

# (input shape, normalized axis)
CASES = [((4, 3, 5, 2), -1), ((3, 4, 2, 3), 1), ((6, 5), -1), ((5, 4), 0)]


def _inputs(
    shape: tuple[int, ...],
    axis: int,
    rng: np.random.Generator,
    dtype: type[np.floating[Any]] = np.float64,
) -> tuple[Array, Array, Array]:
    channels = shape[axis]
    x = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
    gamma = rng.uniform(0.5, 2.0, channels).astype(dtype)
    beta = rng.standard_normal(channels).astype(dtype)
    return x, gamma, beta


@pytest.mark.parametrize(("shape", "axis"), CASES)
def test_forward_matches_textbook_formula(shape: tuple[int, ...], axis: int) -> None:
    x, gamma, beta = _inputs(shape, axis, np.random.default_rng(0))
    y, mean, var, cache = batch_norm_train_forward(x, gamma, beta, axis, epsilon=1e-3)
    axes = tuple(i for i in range(x.ndim) if i != axis % x.ndim)
    bshape = [1] * x.ndim
    bshape[axis] = -1
    np.testing.assert_allclose(mean, x.mean(axis=axes))
    np.testing.assert_allclose(var, x.var(axis=axes))  # biased (ddof=0), as TF normalizes
    expected = (x - mean.reshape(bshape)) / np.sqrt(var.reshape(bshape) + 1e-3)
    np.testing.assert_allclose(y, expected * gamma.reshape(bshape) + beta.reshape(bshape))
    assert cache.reduced_count == x.size // x.shape[axis]


@pytest.mark.parametrize(("shape", "axis"), CASES)
def test_backward_matches_finite_differences(
    shape: tuple[int, ...], axis: int, numgrad: NumGrad
) -> None:
    rng = np.random.default_rng(1)
    x, gamma, beta = _inputs(shape, axis, rng)
    dy = rng.standard_normal(shape)

    def loss() -> float:
        return float(np.sum(batch_norm_train_forward(x, gamma, beta, axis)[0] * dy))

    _, _, _, cache = batch_norm_train_forward(x, gamma, beta, axis)
    dx, dgamma, dbeta = batch_norm_backward(dy, cache)
    np.testing.assert_allclose(dx, numgrad(loss, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, numgrad(loss, gamma), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dbeta, numgrad(loss, beta), rtol=1e-6, atol=1e-7)


def test_training_output_equals_inference_with_batch_stats() -> None:
    x, gamma, beta = _inputs((8, 3, 3, 4), -1, np.random.default_rng(2))
    y, mean, var, _ = batch_norm_train_forward(x, gamma, beta)
    np.testing.assert_allclose(batch_norm_inference(x, mean, var, gamma, beta), y, atol=1e-12)


def test_inference_known_values() -> None:
    x = np.array([[1.0, 10.0], [3.0, 20.0]])
    y = batch_norm_inference(
        x,
        moving_mean=np.array([1.0, 10.0]),
        moving_var=np.array([4.0, 100.0]),
        gamma=np.array([2.0, 1.0]),
        beta=np.array([0.5, -1.0]),
        epsilon=0.0,
    )
    np.testing.assert_allclose(y, [[0.5, -1.0], [2.5, 0.0]])


def test_float32_in_float32_out() -> None:
    x, gamma, beta = _inputs((4, 2, 2, 3), -1, np.random.default_rng(3), np.float32)
    y, mean, var, cache = batch_norm_train_forward(x, gamma, beta)
    dx, dgamma, dbeta = batch_norm_backward(np.ones_like(y), cache)
    for a in (y, mean, var, dx, dgamma, dbeta, batch_norm_inference(x, mean, var, gamma, beta)):
        assert a.dtype == np.float32
    new_mean, new_var = batch_norm_moving_update(
        np.zeros(3, np.float32),
        np.ones(3, np.float32),
        mean,
        var,
        cache.reduced_count,
        unbiased=True,
    )
    assert new_mean.dtype == new_var.dtype == np.float32


def test_moving_updates() -> None:
    moving = np.array([1.0, 2.0])
    batch = np.array([3.0, -2.0])
    np.testing.assert_allclose(
        moving_average_update(moving, batch, 0.9), moving * 0.9 + batch * 0.1
    )
    np.testing.assert_allclose(unbiased_variance(np.array([2.0]), 5), [2.5])
    np.testing.assert_allclose(unbiased_variance(np.array([2.0]), 1), [2.0])  # TF's guard

    mean, var = np.array([0.5, 1.0]), np.array([4.0, 8.0])
    new_mean, new_var = batch_norm_moving_update(moving, moving, mean, var, 4, 0.99, unbiased=True)
    np.testing.assert_allclose(new_mean, moving * 0.99 + mean * 0.01)
    np.testing.assert_allclose(new_var, moving * 0.99 + var * 4 / 3 * 0.01)
    _, biased_var = batch_norm_moving_update(moving, moving, mean, var, 4, 0.99, unbiased=False)
    np.testing.assert_allclose(biased_var, moving * 0.99 + var * 0.01)


def test_moving_variance_converges_to_unbiased_variance_on_fused_path() -> None:
    x, gamma, beta = _inputs((2, 2, 2, 3), -1, np.random.default_rng(4))
    moving_mean: Array = np.zeros(3)
    moving_var: Array = np.ones(3)
    fused = keras2_uses_fused_batch_norm(x.ndim, -1)
    for _ in range(3000):
        _, mean, var, cache = batch_norm_train_forward(x, gamma, beta)
        moving_mean, moving_var = batch_norm_moving_update(
            moving_mean, moving_var, mean, var, cache.reduced_count, unbiased=fused
        )
    np.testing.assert_allclose(moving_mean, x.mean(axis=(0, 1, 2)))
    np.testing.assert_allclose(moving_var, x.var(axis=(0, 1, 2), ddof=1))


@pytest.mark.parametrize(
    ("ndim", "axis", "fused"),
    [
        (4, -1, True),
        (4, 3, True),
        (4, 1, True),
        (4, 2, False),
        (2, -1, False),
        (3, -1, False),
        (5, -1, True),
        (5, 1, True),
        (5, 2, False),
    ],
)
def test_keras2_fused_path_selection(ndim: int, axis: int, fused: bool) -> None:
    assert keras2_uses_fused_batch_norm(ndim, axis) is fused


def test_parameter_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="gamma"):
        batch_norm_train_forward(np.zeros((2, 3)), np.ones(2), np.zeros(3))
