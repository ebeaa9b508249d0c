"""Accuracy metrics: the fraction of predictions that match the targets.

Mirrors: ``keras/metrics/accuracy_metrics.py`` of Keras 2 (the four accuracy classes and
their per-sample functions, with ``metrics_utils.sparse_categorical_matches`` and
``binary_matches``). Every function returns float32 per-sample 1.0/0.0 values; the classes
average them over all samples seen (they are ``MeanMetricWrapper``s).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.metrics.base_metric import MeanMetricWrapper


def accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where ``y_pred == y_true`` exactly, elementwise (``y_pred`` cast to ``y_true``)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"Shapes {y_true.shape} and {y_pred.shape} are incompatible")
    matches: np.ndarray = y_true == y_pred.astype(y_true.dtype, copy=False)
    return matches.astype(np.float32)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    """Mean over the last axis of ``y_true == (y_pred > threshold)``.

    Mirrors: ``keras/metrics/accuracy_metrics.py::binary_accuracy``.
    """
    y_pred = np.asarray(y_pred)
    predicted = (y_pred > threshold).astype(y_pred.dtype)
    matches: np.ndarray = np.asarray(y_true) == predicted
    return np.asarray(matches.astype(np.float32).mean(axis=-1, dtype=np.float32))


def _sparse_matches(y_true: Any, y_pred: Any) -> np.ndarray:
    """Keras's ``sparse_categorical_matches``: ``y_true == argmax(y_pred)``.

    A ``(N, 1)`` ``y_true`` is squeezed to ``(N,)`` (the result takes its shape back), and the
    argmax is cast to ``y_true``'s dtype before comparing, as Keras does.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    original_shape = y_true.shape
    reshape = y_true.ndim == y_pred.ndim
    if reshape:
        y_true = np.squeeze(y_true, axis=-1)  # an error unless the last axis has size 1
    predicted = y_pred.argmax(axis=-1).astype(y_true.dtype)
    equal: np.ndarray = y_true == predicted
    matches = equal.astype(np.float32)
    return matches.reshape(original_shape) if reshape else matches


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where the integer label equals ``argmax(y_pred)``; labels ``(N,)`` or ``(N, 1)``.

    Mirrors: ``keras/metrics/accuracy_metrics.py::sparse_categorical_accuracy``.
    """
    matches = _sparse_matches(y_true, y_pred)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches[..., 0]
    return matches


def categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` (one-hot targets).

    Mirrors: ``keras/metrics/accuracy_metrics.py::categorical_accuracy``.
    """
    return _sparse_matches(np.argmax(np.asarray(y_true), axis=-1), y_pred)


def _in_top_k(labels: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """``tf.math.in_top_k``: is the label's score among the ``k`` highest of its row?

    As in TensorFlow, classes tied with the label's score all count as in the top k, so
    the label is in when fewer than ``k`` scores are strictly greater than its own.
    """
    scores = np.take_along_axis(y_pred, labels[..., None], axis=-1)
    above = np.sum(y_pred > scores, axis=-1)
    return np.asarray((above < k) & np.isfinite(scores[..., 0]), np.float32)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    """1.0 where the integer label is among the ``k`` highest predictions.

    Mirrors: ``keras/metrics/accuracy_metrics.py::sparse_top_k_categorical_accuracy``
    (``metrics_utils.sparse_top_k_categorical_matches``): ``(N, 1)`` labels are squeezed.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred, np.float32)
    original_shape = y_true.shape
    if y_true.ndim == y_pred.ndim:
        y_true = np.squeeze(y_true, axis=-1)
    matches = _in_top_k(y_true.astype(np.int64), y_pred, k)
    return matches.reshape(original_shape)


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    """1.0 where ``argmax(y_true)`` is among the ``k`` highest predictions (one-hot targets).

    Mirrors: ``keras/metrics/accuracy_metrics.py::top_k_categorical_accuracy``.
    """
    labels = np.argmax(np.asarray(y_true), axis=-1)
    return _in_top_k(labels, np.asarray(y_pred, np.float32), k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal targets exactly.

    Mirrors: ``keras/metrics/accuracy_metrics.py::Accuracy``.
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` equals the 0/1 target.

    Mirrors: ``keras/metrics/accuracy_metrics.py::BinaryAccuracy``.
    """

    def __init__(
        self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5
    ) -> None:
        super().__init__(binary_accuracy, name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot targets).

    Mirrors: ``keras/metrics/accuracy_metrics.py::CategoricalAccuracy``.
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals the integer label.

    Mirrors: ``keras/metrics/accuracy_metrics.py::SparseCategoricalAccuracy``.
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the ``k`` highest predictions.

    Mirrors: ``keras/metrics/accuracy_metrics.py::TopKCategoricalAccuracy``.

    Example:
        >>> m = TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(
        self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(top_k_categorical_accuracy, name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest predictions.

    Mirrors: ``keras/metrics/accuracy_metrics.py::SparseTopKCategoricalAccuracy``.
    """

    def __init__(
        self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype=dtype, k=k)
