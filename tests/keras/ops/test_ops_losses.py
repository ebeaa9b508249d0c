"""Tests for buildtrace.keras.ops.losses (cross-entropies)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pytest

from buildtrace.keras.ops import (
    EPSILON,
    binary_crossentropy_from_logits,
    binary_crossentropy_from_logits_backward,
    binary_crossentropy_from_probs,
    binary_crossentropy_from_probs_backward,
    categorical_crossentropy_from_logits,
    categorical_crossentropy_from_logits_backward,
    categorical_crossentropy_from_probs,
    categorical_crossentropy_from_probs_backward,
    sparse_categorical_crossentropy_from_logits,
    sparse_categorical_crossentropy_from_logits_backward,
    sparse_categorical_crossentropy_from_probs,
    sparse_categorical_crossentropy_from_probs_backward,
)

Array = npt.NDArray[np.floating[Any]]
NumGrad = Callable[[Callable[[], float], Array], Array]

RNG = np.random.default_rng(0)
LABELS = np.array([[0, 3, 1], [2, 2, 0]])  # shape (2, 3): losses over a (2, 3, 4) batch
ONE_HOT = np.eye(4)[LABELS]
SOFT_TARGETS = RNG.dirichlet(np.ones(4), size=(2, 3))
UNNORMALIZED_TARGETS = RNG.uniform(0, 2, (2, 3, 4))  # sum != 1: checks the exact derivative
POSITIVE_PROBS = RNG.uniform(0.05, 1.0, (2, 3, 4))  # not normalized: Keras rescales/renormalizes
NORMALIZED_PROBS = RNG.dirichlet(np.ones(4), size=(2, 3))
# Entries far outside [eps, 1 - eps] so that a finite-difference step stays clipped too.
CLIPPED_PROBS = np.array([[[-0.3, 0.5, 0.9, 0.4], [1.7, 0.2, 0.6, 0.1], [0.3, -0.2, 0.5, 0.8]]] * 2)
BINARY_TARGETS = RNG.integers(0, 2, (2, 3, 4)).astype(np.float64)


class LossCase(NamedTuple):
    loss: Callable[[Array, Any], Array]  # (predictions, targets) -> unreduced loss
    backward: Callable[[Array, Any], Array]  # (predictions, targets) -> d loss / d predictions
    pred: Array
    target: npt.NDArray[Any]


SPARSE_LOGITS = (
    sparse_categorical_crossentropy_from_logits,
    sparse_categorical_crossentropy_from_logits_backward,
)
CAT_LOGITS = (categorical_crossentropy_from_logits, categorical_crossentropy_from_logits_backward)
BIN_LOGITS = (binary_crossentropy_from_logits, binary_crossentropy_from_logits_backward)
CAT_PROBS = (categorical_crossentropy_from_probs, categorical_crossentropy_from_probs_backward)
BIN_PROBS = (binary_crossentropy_from_probs, binary_crossentropy_from_probs_backward)
SPARSE_PROBS = (
    sparse_categorical_crossentropy_from_probs,
    sparse_categorical_crossentropy_from_probs_backward,
)
CASES = {
    "sparse_logits": LossCase(*SPARSE_LOGITS, RNG.normal(0, 3, (2, 3, 4)), LABELS),
    "cat_logits_onehot": LossCase(*CAT_LOGITS, RNG.normal(0, 3, (2, 3, 4)), ONE_HOT),
    "cat_logits_unnormalized": LossCase(
        *CAT_LOGITS, RNG.normal(0, 3, (2, 3, 4)), UNNORMALIZED_TARGETS
    ),
    "bin_logits": LossCase(*BIN_LOGITS, RNG.normal(0, 3, (2, 3, 4)), RNG.uniform(0, 1, (2, 3, 4))),
    "cat_probs": LossCase(*CAT_PROBS, POSITIVE_PROBS, SOFT_TARGETS),
    "cat_probs_clipped": LossCase(*CAT_PROBS, CLIPPED_PROBS, SOFT_TARGETS),
    "bin_probs": LossCase(*BIN_PROBS, RNG.uniform(0.05, 0.95, (2, 3, 4)), BINARY_TARGETS),
    "bin_probs_clipped": LossCase(*BIN_PROBS, CLIPPED_PROBS, BINARY_TARGETS),
    "sparse_probs": LossCase(*SPARSE_PROBS, POSITIVE_PROBS, LABELS),
    "sparse_probs_normalized": LossCase(*SPARSE_PROBS, NORMALIZED_PROBS, LABELS),
    "sparse_probs_clipped": LossCase(*SPARSE_PROBS, CLIPPED_PROBS, LABELS),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_backward_matches_finite_differences(name: str, numgrad: NumGrad) -> None:
    case = CASES[name]
    pred = case.pred.copy()  # numgrad nudges it in place
    weights = np.random.default_rng(1).uniform(0.5, 1.5, case.loss(pred, case.target).shape)

    def total() -> float:
        return float(np.sum(case.loss(pred, case.target) * weights))

    grad = case.backward(pred, case.target)
    if grad.ndim > weights.ndim:  # per-sample loss: each sample's gradient gets its weight
        grad = grad * weights[..., None]
    else:
        grad = grad * weights
    np.testing.assert_allclose(grad, numgrad(total, pred), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32_in_float32_out(name: str) -> None:
    case = CASES[name]
    pred32 = case.pred.astype(np.float32)
    target32 = case.target if case.target.dtype.kind == "i" else case.target.astype(np.float32)
    assert case.loss(pred32, target32).dtype == np.float32
    assert case.backward(pred32, target32).dtype == np.float32


def test_uniform_prediction_over_ten_classes_costs_log_ten() -> None:
    logits = np.zeros((3, 10), dtype=np.float32)
    labels = np.array([0, 4, 9])
    one_hot = np.eye(10, dtype=np.float32)[labels]
    probs = np.full((3, 10), 0.1, dtype=np.float32)
    for value in (
        sparse_categorical_crossentropy_from_logits(logits, labels),
        categorical_crossentropy_from_logits(logits, one_hot),
        sparse_categorical_crossentropy_from_probs(probs, labels),
        categorical_crossentropy_from_probs(probs, one_hot),
    ):
        np.testing.assert_allclose(value, [math.log(10)] * 3, rtol=1e-6)
    grad = sparse_categorical_crossentropy_from_logits_backward(logits, labels)
    np.testing.assert_allclose(grad, np.full((3, 10), 0.1) - np.eye(10)[labels], atol=1e-7)


def test_huge_logits_are_stable() -> None:
    logits = np.array([[1000.0, 0.0, -1000.0]] * 3, dtype=np.float32)
    labels = np.array([0, 1, 2])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        sparse = sparse_categorical_crossentropy_from_logits(logits, labels)
        dense = categorical_crossentropy_from_logits(logits, np.eye(3, dtype=np.float32)[labels])
        grads = [
            sparse_categorical_crossentropy_from_logits_backward(logits, labels),
            categorical_crossentropy_from_logits_backward(logits, np.eye(3, dtype=np.float32)),
        ]
        binary = binary_crossentropy_from_logits(logits, np.ones_like(logits))
        grads.append(binary_crossentropy_from_logits_backward(logits, np.ones_like(logits)))
    np.testing.assert_allclose(sparse, [0.0, 1000.0, 2000.0])
    np.testing.assert_allclose(dense, [0.0, 1000.0, 2000.0])
    np.testing.assert_allclose(binary, [[0.0, math.log(2), 1000.0]] * 3)
    for g in grads:
        assert np.all(np.isfinite(g))


def test_binary_from_logits_matches_naive_formula() -> None:
    x = np.linspace(-5, 5, 11)
    z = np.linspace(0, 1, 11)
    s = 1 / (1 + np.exp(-x))
    naive = -(z * np.log(s) + (1 - z) * np.log(1 - s))
    np.testing.assert_allclose(binary_crossentropy_from_logits(x, z), naive, rtol=1e-12)


def test_binary_from_probs_adds_epsilon_inside_the_logs() -> None:
    p = np.array([1.0, 0.0, 0.5], dtype=np.float32)
    z = np.array([1.0, 1.0, 0.0], dtype=np.float32)
    loss = binary_crossentropy_from_probs(p, z)
    # p=0 is clipped to eps, then log(eps + eps): -log(2e-7), not -log(1e-7).
    np.testing.assert_allclose(loss, [0.0, -math.log(2 * EPSILON), math.log(2)], rtol=1e-5)
    grad = binary_crossentropy_from_probs_backward(p, z)
    np.testing.assert_array_equal(grad[:2], [0.0, 0.0])  # clip active: no gradient


def test_categorical_from_probs_rescales_then_clips() -> None:
    targets = np.array([[1.0, 0.0], [1.0, 0.0]])
    loss = categorical_crossentropy_from_probs(np.array([[2.0, 2.0], [0.0, 1.0]]), targets)
    np.testing.assert_allclose(loss, [math.log(2), -math.log(EPSILON)])


def test_sparse_from_probs_renormalizes_like_keras() -> None:
    # Keras 2 feeds log(clip(p)) to a *softmax* cross-entropy, so [0.2, 0.2] acts like [.5, .5].
    loss = sparse_categorical_crossentropy_from_probs(np.array([[0.2, 0.2]]), np.array([0]))
    np.testing.assert_allclose(loss, [math.log(2)])
    # With normalized probabilities it is just -log p[label].
    p = np.array([[0.7, 0.2, 0.1]])
    np.testing.assert_allclose(
        sparse_categorical_crossentropy_from_probs(p, np.array([1])), [-math.log(0.2)]
    )


@pytest.mark.parametrize(
    "fn", [sparse_categorical_crossentropy_from_logits, sparse_categorical_crossentropy_from_probs]
)
def test_sparse_labels_are_validated(fn: Callable[[Array, Any], Array]) -> None:
    probs = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match="must lie in"):
        fn(probs, np.array([0, 3]))
    with pytest.raises(ValueError, match="shape"):
        fn(probs, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="integers"):
        fn(probs, np.array([0.0, 1.0]))
