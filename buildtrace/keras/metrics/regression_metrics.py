"""Regression and confusion-matrix metrics of Keras 2 that tutorials compile or track.

Mirrors: ``keras/metrics/regression_metrics.py`` (``MeanSquaredError``,
``MeanAbsoluteError``, ``MeanAbsolutePercentageError``, ``RootMeanSquaredError``,
``LogCoshError``), ``keras/metrics/probabilistic_metrics.py`` (``KLDivergence``, ``Hinge``,
``SquaredHinge``, ``Poisson``), and ``CosineSimilarity`` (``regression_metrics.py``) of Keras 2.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import losses
from buildtrace.keras.metrics.base_metric import Mean, MeanMetricWrapper, result_tensor
from buildtrace.tf.tensors import Tensor, to_array


class MeanSquaredError(MeanMetricWrapper):
    """The running mean of ``mean_squared_error``."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The running mean of ``mean_absolute_error``."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The running mean of ``mean_absolute_percentage_error``."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """The running mean of ``log_cosh``."""

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


class KLDivergence(MeanMetricWrapper):
    """The running mean of ``kl_divergence``."""

    def __init__(self, name: str = "kullback_leibler_divergence", dtype: Any = None) -> None:
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Hinge(MeanMetricWrapper):
    """The running mean of ``hinge``."""

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(losses.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """The running mean of ``squared_hinge``."""

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(losses.squared_hinge, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """The running mean of ``poisson``."""

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(losses.poisson, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt`` of the running mean of the squared errors (over every element seen).

    Mirrors: ``keras/metrics/regression_metrics.py::RootMeanSquaredError``.
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(  # type: ignore[override]
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Add the batch's squared errors."""
        y_pred = np.asarray(y_pred, self._dtype)
        y_true = np.asarray(y_true, self._dtype)
        if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
            y_true = y_true[..., None]
        super().update_state(np.square(y_pred - y_true), sample_weight)

    def result(self) -> Tensor:
        """``sqrt(total / count)``."""
        return result_tensor(np.sqrt(to_array(super().result())))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> np.ndarray:
    """The cosine of the angle between targets and predictions along ``axis`` (1 = same way).

    Mirrors: ``keras/metrics/regression_metrics.py::cosine_similarity``: both sides are
    L2-normalised first (``tf.linalg.l2_normalize``, norms kept above ``sqrt(1e-12)``).
    Unlike the loss of the same name, the sign is not flipped.
    """
    y_true = np.asarray(y_true, np.float32)
    y_pred = np.asarray(y_pred, np.float32)

    def normalize(x: np.ndarray) -> np.ndarray:
        squares = np.sum(np.square(x), axis=axis, keepdims=True, dtype=np.float32)
        inverse = np.float32(1) / np.sqrt(np.maximum(squares, np.float32(1e-12)))
        return np.asarray(x * inverse, np.float32)

    return np.asarray(np.sum(normalize(y_true) * normalize(y_pred), axis=axis, dtype=np.float32))


class CosineSimilarity(MeanMetricWrapper):
    """The running mean of :func:`cosine_similarity` over the samples.

    Mirrors: ``keras/metrics/regression_metrics.py::CosineSimilarity``.

    Example:
        >>> m = CosineSimilarity()
        >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
        >>> round(float(m.result()), 4)
        0.5
    """

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


__all__ = [
    "CosineSimilarity",
    "Hinge",
    "KLDivergence",
    "LogCoshError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "Poisson",
    "RootMeanSquaredError",
    "SquaredHinge",
    "cosine_similarity",
]
