"""Running metrics: a ``total`` and a ``count``, updated batch after batch.

Mirrors: ``keras/metrics/base_metric.py`` of Keras 2 (``Metric``, ``Reduce``, ``Sum``,
``Mean``, ``MeanMetricWrapper``). What ``fit`` prints as ``loss: 0.2552`` is a ``Mean``
named ``"loss"``; ``accuracy: 0.9264`` is a ``MeanMetricWrapper`` around
``sparse_categorical_accuracy``. Both average over every sample seen since the start of the
epoch (``reset_state`` is called at each epoch's start).

Simplification: a Keras metric is also a ``Layer`` (its ``total``/``count`` are layer weights);
here it is a plain object holding two float32 :class:`~buildtrace.keras.backend.Variable`.
As in Keras, ``result()`` is a float32 ``tf.Tensor`` (``.numpy()`` works), and a metric
created without a name gets a layer's unique one (``precision``, ``precision_1``...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable, unique_object_name
from buildtrace.tf.tensors import Tensor, to_array


class Metric:
    """Base class: ``update_state`` accumulates, ``result`` reads, ``reset_state`` zeroes.

    Mirrors: ``keras/metrics/base_metric.py::Metric`` (not a Layer here).

    Args:
        name: The metric's name, the key it gets in ``fit``'s logs.
        dtype: The dtype of its state; float32 by default.
    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        # Keras's metrics are layers: a default name is made unique the same way.
        self.name = name or unique_object_name(_snake_case(type(self).__name__))
        self._dtype = np.dtype(dtype or "float32")
        self._variables: list[Variable] = []

    @property
    def dtype(self) -> str:
        """The state's dtype name."""
        return self._dtype.name

    @property
    def variables(self) -> list[Variable]:
        """The state variables (``total``, ``count``...)."""
        return list(self._variables)

    def add_weight(
        self,
        name: str,
        shape: tuple[int, ...] = (),
        aggregation: Any = None,
        synchronization: Any = None,
        initializer: Any = None,
        dtype: Any = None,
    ) -> Variable:
        """A non-trainable state variable named ``<name>:0`` (zeros unless ``initializer``).

        Mirrors: ``Metric.add_weight`` (its arguments; the distribution ones are ignored).
        """
        value = np.zeros(shape, np.dtype(dtype or self._dtype))
        if initializer is not None and initializer not in {"zeros", "Zeros"}:
            from buildtrace.keras import initializers

            init: Any = initializers.get(initializer)
            value = np.asarray(init(shape, dtype=value.dtype), value.dtype)
        variable = Variable(value, f"{name}:0", trainable=False)
        self._variables.append(variable)
        return variable

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulate one batch (subclasses)."""
        raise NotImplementedError

    def result(self) -> Any:
        """The metric's current value, a float32 tensor (subclasses)."""
        raise NotImplementedError

    def reset_state(self) -> None:
        """Zero every state variable."""
        for variable in self._variables:
            variable.value[...] = 0

    reset_states = reset_state  # Keras's deprecated spelling

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``update_state(...)`` then ``result()``, a tensor that remembers its metric.

        Mirrors: ``Metric.__call__``, which sets ``result._metric_obj = self``: a layer's
        ``add_metric(metric(y, y_pred))`` then tracks that metric under its own name.
        """
        self.update_state(*args, **kwargs)
        result = MetricResult(to_array(self.result()))
        result._metric_obj = self
        return result

    def get_config(self) -> dict[str, Any]:
        """``name`` and ``dtype``."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        """``cls(**config)``."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class MetricResult(Tensor):
    """A metric's ``result()`` returned by its ``__call__``: a tensor with ``_metric_obj``."""

    __slots__ = ("_metric_obj",)

    _metric_obj: Metric


def result_tensor(value: Any) -> Tensor:
    """``value`` as the float32 scalar (or array) tensor Keras's ``result()`` returns."""
    return Tensor(np.asarray(value, np.float32))


def _snake_case(name: str) -> str:
    """``AUC`` -> ``auc``, ``TruePositives`` -> ``true_positives``: Keras's ``to_snake_case``."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()


def _assign_add(state: Variable, amount: Any) -> None:
    """``state.assign_add(amount)`` for a 0-d state, in its dtype (float32).

    Scalar arithmetic gives the same float32 sum as ``value[...] += amount`` at a tenth
    of the cost of running a ufunc on a 0-d array, which adds up at a few calls per batch.
    """
    value = state.value
    value[()] = value[()] + amount


def _match_ranks(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Keras's ``squeeze_or_expand_dimensions`` for sample weights vs values."""
    if weights.ndim == values.ndim + 1 and weights.shape[-1] == 1:
        return weights[..., 0]
    if weights.ndim == values.ndim - 1:
        return weights[..., None]
    return weights


class Reduce(Metric):
    """Sums values into ``total`` and (except for ``"sum"``) counts them into ``count``.

    Mirrors: ``keras/metrics/base_metric.py::Reduce``.

    Args:
        reduction: ``"sum"``, ``"sum_over_batch_size"`` or ``"weighted_mean"``.
        name: The metric's name.
        dtype: The state's dtype (float32).
    """

    def __init__(self, reduction: str, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.reduction = reduction
        self.total = self.add_weight("total")
        self.count: Variable | None = None
        if reduction in {"sum_over_batch_size", "weighted_mean"}:
            self.count = self.add_weight("count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add a batch of values (optionally weighted) to the running total and count."""
        if isinstance(values, float) and isinstance(sample_weight, float | int | None):
            # The loss tracker's case, once per batch: one number and a batch size.
            # Same float32 arithmetic as below, without building arrays.
            dtype = self._dtype.type
            weight = dtype(1 if sample_weight is None else sample_weight)
            _assign_add(self.total, dtype(values) * weight)
            if self.count is not None:
                _assign_add(self.count, weight if self.reduction == "weighted_mean" else dtype(1))
            return
        values = np.asarray(values, self._dtype)
        weights = None
        if sample_weight is not None:
            weights = _match_ranks(values, np.asarray(sample_weight, self._dtype))
            try:
                weights = np.broadcast_to(weights, values.shape)
            except ValueError:
                # Weights for the leading axes only: reduce the values to their rank first.
                axes = tuple(range(weights.ndim, values.ndim))
                reduce = np.sum if self.reduction == "sum" else np.mean
                values = reduce(values, axis=axes, dtype=self._dtype)
            values = values * weights
        # Accumulate in the state's dtype (float32), as Keras's assign_add does.
        _assign_add(self.total, values.sum(dtype=self._dtype))
        if self.count is None:
            return
        if self.reduction == "weighted_mean" and weights is not None:
            _assign_add(self.count, weights.sum(dtype=self._dtype))
        else:
            _assign_add(self.count, self._dtype.type(values.size))

    def result(self) -> Tensor:
        """``total`` for ``"sum"``, else ``total / count`` (0 when nothing was counted)."""
        if self.count is None:
            return result_tensor(self.total.value[()])
        count = self.count.value[()]
        # `tf.math.divide_no_nan`, in float32.
        return result_tensor(self.total.value[()] / count if count != 0 else 0.0)


class Sum(Reduce):
    """The running sum of the values. Mirrors: ``keras/metrics/base_metric.py::Sum``."""

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(reduction="sum", name=name, dtype=dtype)


class Mean(Reduce):
    """The running (weighted) mean ``total / count``.

    Mirrors: ``keras/metrics/base_metric.py::Mean``.

    Example:
        >>> m = Mean()
        >>> m.update_state([1, 3, 5, 7])
        >>> float(m.result())
        4.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(reduction="weighted_mean", name=name, dtype=dtype)


def _squeeze_or_expand(y_pred: np.ndarray, y_true: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keras's ``squeeze_or_expand_dimensions(y_pred, y_true)``: drop a trailing axis of
    size 1 so the two ranks match (only when their ranks differ by one)."""
    if y_pred.ndim - y_true.ndim != 1 or y_pred.shape[-1] == 1:
        if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
            y_pred = y_pred[..., 0]
        elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
            y_true = y_true[..., 0]
    return y_pred, y_true


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred)`` (per-sample values) over all samples.

    Mirrors: ``keras/metrics/base_metric.py::MeanMetricWrapper``. As in Keras, both arrays are
    cast to float32 first, and an ``(N, 1)`` prediction is squeezed against ``(N,)`` targets.

    Args:
        fn: Per-sample function ``fn(y_true, y_pred, **kwargs)``.
        name: The metric's name.
        dtype: The state's dtype (float32).
        **kwargs: Passed to ``fn``.
    """

    def __init__(
        self, fn: Callable[..., Any], name: str | None = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(name=name or str(getattr(fn, "__name__", "mean")), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    # Keras changes the signature too: a wrapper is updated with targets and predictions.
    def update_state(  # type: ignore[override]
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Add ``fn(y_true, y_pred)`` for a batch."""
        y_true = np.asarray(y_true, self._dtype)
        y_pred = np.asarray(y_pred, self._dtype)
        y_pred, y_true = _squeeze_or_expand(y_pred, y_true)
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self) -> dict[str, Any]:
        """Base config plus ``fn``'s keyword arguments."""
        return {**super().get_config(), **self._fn_kwargs}
