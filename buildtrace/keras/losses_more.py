"""More of Keras 2's losses: hinge, squared hinge, Huber, log-cosh, KL divergence, cosine
similarity, mean absolute percentage error and Poisson, each with its exact gradient.

Mirrors: ``keras/losses.py`` of Keras 2 (the per-sample functions ``hinge``,
``squared_hinge``, ``huber``, ``log_cosh``, ``kl_divergence``, ``cosine_similarity``,
``mean_absolute_percentage_error``, ``poisson``). Each formula here returns the per-sample
losses and ``d(loss of sample i)/d(y_pred)``; :mod:`buildtrace.keras.losses` wraps them in
``Loss`` classes. Values are reduced over the last axis, as Keras does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.ops.losses import EPSILON

Array = np.ndarray


def _pair(y_true: Any, y_pred: Array) -> tuple[Array, Array]:
    pred = np.asarray(y_pred)
    if pred.dtype.kind != "f":
        pred = pred.astype(np.float32)
    true = np.asarray(y_true, pred.dtype)
    if true.ndim == pred.ndim - 1 and pred.shape[-1] == 1:  # (N,) targets, (N, 1) outputs
        true = true[..., None]
    return true, pred


def _per_last_axis(y_pred: Array) -> Any:
    return y_pred.dtype.type(y_pred.shape[-1] if y_pred.ndim else 1)


def _signed_labels(y_true: Array) -> Array:
    """Keras's hinge losses take 0/1 labels as -1/1 (``_maybe_convert_labels``)."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2 * y_true - 1
    return y_true


def hinge(y_true: Any, y_pred: Array) -> tuple[Array, Array]:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``."""
    true, pred = _pair(y_true, y_pred)
    true = _signed_labels(true)
    margin = 1 - true * pred
    losses = np.mean(np.maximum(margin, 0), axis=-1, dtype=pred.dtype)
    grad = np.where(margin > 0, -true, 0).astype(pred.dtype) / _per_last_axis(pred)
    return losses, grad


def squared_hinge(y_true: Any, y_pred: Array) -> tuple[Array, Array]:
    """``mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)``."""
    true, pred = _pair(y_true, y_pred)
    true = _signed_labels(true)
    margin = np.maximum(1 - true * pred, 0)
    losses = np.mean(np.square(margin), axis=-1, dtype=pred.dtype)
    grad = (-2 * margin * true).astype(pred.dtype) / _per_last_axis(pred)
    return losses, grad


def huber(y_true: Any, y_pred: Array, delta: float = 1.0) -> tuple[Array, Array]:
    """Half the squared error below ``delta``, linear above it, averaged over the last axis."""
    true, pred = _pair(y_true, y_pred)
    d = pred.dtype.type(delta)
    error = pred - true
    small = np.abs(error) <= d
    values = np.where(small, 0.5 * np.square(error), d * np.abs(error) - 0.5 * d * d)
    losses = np.mean(values, axis=-1, dtype=pred.dtype)
    grad = np.where(small, error, d * np.sign(error)).astype(pred.dtype) / _per_last_axis(pred)
    return losses, grad


def log_cosh(y_true: Any, y_pred: Array) -> tuple[Array, Array]:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as Keras does, stably."""
    true, pred = _pair(y_true, y_pred)
    x = pred - true
    values = x + np.logaddexp(0, -2 * x).astype(pred.dtype) - pred.dtype.type(np.log(2.0))
    losses = np.mean(values, axis=-1, dtype=pred.dtype)
    grad = np.tanh(x).astype(pred.dtype) / _per_last_axis(pred)
    return losses, grad


def kl_divergence(y_true: Any, y_pred: Array) -> tuple[Array, Array]:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[eps, 1]``."""
    true, pred = _pair(y_true, y_pred)
    t = np.clip(true, EPSILON, 1)
    p = np.clip(pred, EPSILON, 1)
    losses = np.sum(t * np.log(t / p), axis=-1, dtype=pred.dtype)
    inside = (pred >= EPSILON) & (pred <= 1)  # a clip passes no gradient
    grad = np.where(inside, -t / p, 0).astype(pred.dtype)
    return losses, grad


def cosine_similarity(y_true: Any, y_pred: Array, axis: int = -1) -> tuple[Array, Array]:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 when aligned."""
    true, pred = _pair(y_true, y_pred)
    t_norm = np.sqrt(np.maximum(np.sum(np.square(true), axis=axis, keepdims=True), 1e-12))
    sq = np.sum(np.square(pred), axis=axis, keepdims=True)
    p_norm = np.sqrt(np.maximum(sq, 1e-12))
    t = true / t_norm
    u = pred / p_norm
    cos = np.sum(t * u, axis=axis, keepdims=True)
    losses = -np.squeeze(cos, axis=axis).astype(pred.dtype)
    # d(-t.u)/d(pred) = -(t - (t.u) u) / |pred|; below the norm's floor the norm is constant.
    grad = np.where(sq > 1e-12, -(t - cos * u) / p_norm, -t / p_norm).astype(pred.dtype)
    return losses, grad


def mean_absolute_percentage_error(y_true: Any, y_pred: Array) -> tuple[Array, Array]:
    """``100 * mean(|y_true - y_pred| / max(|y_true|, eps), axis=-1)``."""
    true, pred = _pair(y_true, y_pred)
    scale = np.maximum(np.abs(true), EPSILON)
    losses = (100 * np.mean(np.abs(true - pred) / scale, axis=-1)).astype(pred.dtype)
    grad = (100 * np.sign(pred - true) / scale).astype(pred.dtype) / _per_last_axis(pred)
    return losses, grad


def poisson(y_true: Any, y_pred: Array) -> tuple[Array, Array]:
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``."""
    true, pred = _pair(y_true, y_pred)
    losses = np.mean(pred - true * np.log(pred + EPSILON), axis=-1, dtype=pred.dtype)
    grad = (1 - true / (pred + EPSILON)).astype(pred.dtype) / _per_last_axis(pred)
    return losses, grad
