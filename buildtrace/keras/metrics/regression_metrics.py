"""Regression and confusion-matrix metrics of Keras 2 that tutorials compile or track.

Mirrors: ``keras/metrics/regression_metrics.py`` (``MeanSquaredError``,
``MeanAbsoluteError``, ``MeanAbsolutePercentageError``, ``RootMeanSquaredError``,
``LogCoshError``), ``keras/metrics/probabilistic_metrics.py`` (``KLDivergence``, ``Hinge``,
``SquaredHinge``, ``Poisson``) and ``keras/metrics/confusion_metrics.py`` (``Precision``,
``Recall`` at one threshold) of Keras 2.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import losses
from buildtrace.keras.metrics.base_metric import Mean, MeanMetricWrapper, Metric


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

    def result(self) -> float:
        """``sqrt(total / count)``."""
        return float(np.sqrt(np.float32(super().result())))


class _Thresholded(Metric):
    """True/false positives of predictions above ``thresholds`` (0.5), as counts."""

    def __init__(
        self,
        thresholds: float | None = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if top_k is not None or isinstance(thresholds, list | tuple):
            from buildtrace.keras.unsupported import unsupported

            raise unsupported(
                f"keras.metrics.{type(self).__name__} with top_k or several thresholds"
            )
        self.thresholds = 0.5 if thresholds is None else float(thresholds)
        self.class_id = class_id
        self.true_positives = self.add_weight("true_positives", (1,))
        self.false_positives = self.add_weight("false_positives", (1,))
        self.false_negatives = self.add_weight("false_negatives", (1,))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Count the batch's true positives, false positives and false negatives."""
        y_pred = np.asarray(y_pred, self._dtype)
        y_true = np.asarray(y_true, self._dtype)
        if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
            y_true = y_true[..., None]
        y_true = np.broadcast_to(y_true, y_pred.shape)
        if self.class_id is not None:
            y_pred, y_true = y_pred[..., self.class_id], y_true[..., self.class_id]
        predicted = y_pred > self.thresholds
        actual = y_true.astype(bool)
        weights = np.ones(y_pred.shape, self._dtype)
        if sample_weight is not None:
            w = np.asarray(sample_weight, self._dtype)
            weights = np.broadcast_to(
                w.reshape(w.shape + (1,) * (y_pred.ndim - w.ndim)), y_pred.shape
            )
        for state, mask in (
            (self.true_positives, predicted & actual),
            (self.false_positives, predicted & ~actual),
            (self.false_negatives, ~predicted & actual),
        ):
            state.value[0] = state.value[0] + weights[mask].sum(dtype=self._dtype)

    def _ratio(self, other: Any) -> float:
        tp = self.true_positives.value[0]
        denominator = tp + other.value[0]
        return float(tp / denominator) if denominator > 0 else 0.0


class Precision(_Thresholded):
    """``tp / (tp + fp)`` at threshold 0.5. Mirrors: ``confusion_metrics.py::Precision``."""

    def result(self) -> float:
        return self._ratio(self.false_positives)


class Recall(_Thresholded):
    """``tp / (tp + fn)`` at threshold 0.5. Mirrors: ``confusion_metrics.py::Recall``."""

    def result(self) -> float:
        return self._ratio(self.false_negatives)


__all__ = [
    "Hinge",
    "KLDivergence",
    "LogCoshError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "Poisson",
    "Precision",
    "Recall",
    "RootMeanSquaredError",
    "SquaredHinge",
]
