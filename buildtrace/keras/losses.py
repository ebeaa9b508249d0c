"""``keras.losses``: Keras 2's loss classes and functions, on numpy.

Mirrors: ``keras/losses.py`` of Keras 2, in its order: the base ``Loss``, then
``LossFunctionWrapper`` and the built-in classes (each one a wrapper around the function of
the same name, as in Keras), then the per-sample functions, then ``get``, ``serialize`` and
``deserialize``. A loss object is called as Keras's is (``loss(y_true, y_pred) -> scalar
tensor``: the mean over samples by default, reduction ``"sum_over_batch_size"``).

What Keras does not have here: gradients. Keras's functions are TensorFlow ops, and the tape
differentiates them; ours are numpy formulas, and their gradients are written out once in
:mod:`buildtrace.keras.backprop.losses` (with the fused softmax/sigmoid-crossentropy that
Keras 2 runs from a softmax output's logits). The only trace of that here is
``_recorded_on_tapes``: on a ``tf.GradientTape`` a loss function hands over to its gradient
rule, so that the tape can differentiate it, as TensorFlow's would.

Example:
    >>> loss = MeanSquaredError()
    >>> float(loss([[0.0, 1.0]], [[1.0, 1.0]]))  # ((1 - 0)**2 + (1 - 1)**2) / 2
    0.5
    >>> get("mse").get_config()
    {'reduction': 'auto', 'name': 'mean_squared_error'}
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras.ops import losses as ops
from buildtrace.keras.ops.losses import EPSILON
from buildtrace.keras.unsupported import unsupported
from buildtrace.keras.utils import losses_utils
from buildtrace.tf import tape as tf_tape
from buildtrace.tf.tensors import Tensor, to_array

Array = np.ndarray


class Loss:
    """Base loss: ``call`` gives per-sample losses, ``__call__`` weighs and reduces them.

    Mirrors: ``keras/losses.py::Loss``. Subclass it and write ``call(y_true, y_pred)`` with
    tf ops (or ``keras.backend``); buildtrace differentiates it on a tape, as TF would.

    Args:
        reduction: ``"auto"``/``"sum_over_batch_size"`` (mean over samples), ``"sum"`` or
            ``"none"`` (per-sample losses).
        name: The loss's name, as shown by Keras.

    Example:
        >>> class Squares(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return (np.asarray(y_pred) - np.asarray(y_true)) ** 2
        >>> float(Squares(reduction="sum")([1.0, 2.0], [3.0, 2.0]))
        4.0
    """

    def __init__(self, reduction: str = "auto", name: str | None = None) -> None:
        if reduction not in {"auto", "sum_over_batch_size", "sum", "none"}:
            raise ValueError(
                f'Invalid Reduction Key: {reduction}. Expected keys are "auto", "none", '
                '"sum", "sum_over_batch_size"'
            )
        self.reduction = reduction
        self.name = name or type(self).__name__

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """The reduced loss (a scalar tensor), or per-sample losses if ``reduction="none"``.

        Mirrors: ``keras/losses.py::Loss.__call__`` (``compute_weighted_loss`` inlined).
        """
        if tf_tape.is_recording():  # inside a tf.GradientTape: the loss records its gradient
            from buildtrace.keras.engine import gradients

            return gradients.loss_on_tape(self, y_true, y_pred, sample_weight)
        losses = np.asarray(to_array(self.call(y_true, y_pred)))
        mask = losses_utils.get_mask(y_pred)  # a masked output: the mean of its kept steps
        if mask is not None:
            sample_weight = losses_utils.apply_valid_mask(
                losses, sample_weight, mask, self.reduction
            )
        if sample_weight is not None:
            weights = np.asarray(sample_weight, losses.dtype)
            if weights.ndim == losses.ndim + 1 and weights.shape[-1] == 1:  # Keras squeezes it
                weights = weights[..., 0]
            losses = losses * np.broadcast_to(weights, losses.shape)
        if self.reduction == "none":
            return Tensor(losses)
        return Tensor(np.asarray(self._reduce(losses), losses.dtype))

    def _reduce(self, losses: Array) -> float:
        """Sum, or sum / number of losses (``"sum_over_batch_size"``), in float32.

        Mirrors: ``keras/utils/losses_utils.py::reduce_weighted_loss``.
        """
        total = losses.sum(dtype=losses.dtype)
        return float(total if self.reduction == "sum" else total / losses.dtype.type(losses.size))

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-sample losses (no reduction). Subclasses implement it."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def get_config(self) -> dict[str, Any]:
        """``reduction`` and ``name`` (subclasses add their arguments)."""
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """``cls(**config)``."""
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A loss made from a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Mirrors: ``keras/losses.py::LossFunctionWrapper``, which every built-in class below is.
    ``compile(loss=my_function)`` wraps a user's function in one; buildtrace differentiates
    such a function on a private tape (``K.mean(K.square(y_pred - y_true))`` records its ops).
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        reduction: str = "auto",
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """``fn(y_true, y_pred, **kwargs)``: an array, or on a tape the recorded tensor."""
        values = self.fn(y_true, y_pred, **self._fn_kwargs)
        return values if tf_tape.is_recording() else np.asarray(to_array(values))

    def get_config(self) -> dict[str, Any]:
        """Base config plus the function's keyword arguments."""
        return {**super().get_config(), **self._fn_kwargs}


def _only_last_axis(axis: int) -> None:
    if axis != -1:
        raise NotImplementedError("Only axis=-1 is supported by buildtrace.")


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """``-log p[label]`` with integer labels.

    Mirrors: ``keras/losses.py::SparseCategoricalCrossentropy``. ``ignore_class`` is not
    supported.
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str = "auto",
        name: str = "sparse_categorical_crossentropy",
    ) -> None:
        if ignore_class is not None:  # refused when the loss is made, not at its first batch
            raise NotImplementedError("`ignore_class` is not supported by buildtrace.")
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )
        self.from_logits = from_logits


class CategoricalCrossentropy(LossFunctionWrapper):
    """``-sum(y * log p)`` with one-hot targets.

    Mirrors: ``keras/losses.py::CategoricalCrossentropy``. ``label_smoothing`` moves the
    targets toward ``1 / classes``.
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = "auto",
        name: str = "categorical_crossentropy",
    ) -> None:
        _only_last_axis(axis)
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits


class BinaryCrossentropy(LossFunctionWrapper):
    """Elementwise crossentropy, averaged over the last axis.

    Mirrors: ``keras/losses.py::BinaryCrossentropy``. ``label_smoothing`` pulls the targets
    toward 0.5.
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = "auto",
        name: str = "binary_crossentropy",
    ) -> None:
        _only_last_axis(axis)
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits


class MeanSquaredError(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::MeanSquaredError``."""

    def __init__(self, reduction: str = "auto", name: str = "mean_squared_error") -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::MeanAbsoluteError``."""

    def __init__(self, reduction: str = "auto", name: str = "mean_absolute_error") -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::MeanAbsolutePercentageError``."""

    def __init__(
        self, reduction: str = "auto", name: str = "mean_absolute_percentage_error"
    ) -> None:
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name)


class Hinge(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::Hinge`` (0/1 labels are read as -1/1)."""

    def __init__(self, reduction: str = "auto", name: str = "hinge") -> None:
        super().__init__(hinge, reduction=reduction, name=name)


class SquaredHinge(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::SquaredHinge``."""

    def __init__(self, reduction: str = "auto", name: str = "squared_hinge") -> None:
        super().__init__(squared_hinge, reduction=reduction, name=name)


class Poisson(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::Poisson``."""

    def __init__(self, reduction: str = "auto", name: str = "poisson") -> None:
        super().__init__(poisson, reduction=reduction, name=name)


class LogCosh(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::LogCosh``."""

    def __init__(self, reduction: str = "auto", name: str = "log_cosh") -> None:
        super().__init__(log_cosh, reduction=reduction, name=name)


class KLDivergence(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::KLDivergence`` (both inputs clipped to ``[eps, 1]``)."""

    def __init__(self, reduction: str = "auto", name: str = "kl_divergence") -> None:
        super().__init__(kl_divergence, reduction=reduction, name=name)


class Huber(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::Huber`` (``delta`` 1.0)."""

    def __init__(self, delta: float = 1.0, reduction: str = "auto", name: str = "huber_loss"):
        super().__init__(huber, reduction=reduction, name=name, delta=delta)


class CosineSimilarity(LossFunctionWrapper):
    """Mirrors: ``keras/losses.py::CosineSimilarity``: -1 for aligned vectors."""

    def __init__(self, axis: int = -1, reduction: str = "auto", name: str = "cosine_similarity"):
        super().__init__(cosine_similarity, reduction=reduction, name=name, axis=axis)


# --- The per-sample functions, and what they share -------------------------------------


def _recorded_on_tapes(fn: Callable[..., Array]) -> Callable[..., Any]:
    """On a ``tf.GradientTape``, run ``fn`` as a tape node whose gradient is its rule's.

    Keras's functions are TF ops, so a tape records and differentiates them; ours are numpy,
    which a tape cannot see. Plays the part of the ``add_dispatch_support`` decorator on
    Keras's functions: the gradient rule of ``fn`` is in ``keras/backprop/losses.py``, and
    ``inspect.unwrap`` gives that rule the plain formula back.
    """
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def function(y_true: Any, y_pred: Any, *args: Any, **kwargs: Any) -> Any:
        if not tf_tape.is_recording():
            return fn(y_true, y_pred, *args, **kwargs)
        from buildtrace.keras.engine import gradients  # the engine imports this module

        options = signature.bind(y_true, y_pred, *args, **kwargs).arguments
        del options["y_true"], options["y_pred"]
        loss = LossFunctionWrapper(function, name=fn.__name__, **options)
        return gradients.per_sample_loss_on_tape(loss, y_true, y_pred)

    return function


def _pred(y_pred: Any) -> Array:
    """Predictions as an array; integers become float32 (``floatx``)."""
    array = np.asarray(to_array(y_pred))
    return array if array.dtype.kind == "f" else array.astype(np.float32)


def _targets(y_true: Any, y_pred: Array) -> Array:
    """Targets as floats of the predictions' dtype (Keras casts ``y_true`` to ``y_pred``),
    shaped like them: Keras's ``squeeze_or_expand_dimensions`` for ``(N,)`` vs ``(N, 1)``."""
    targets: Array = np.asarray(to_array(y_true), dtype=y_pred.dtype)
    if targets.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        targets = targets[..., None]
    elif targets.ndim == y_pred.ndim + 1 and targets.shape[-1] == 1:
        targets = targets[..., 0]
    return targets


def _sparse_labels(y_true: Any, y_pred: Array) -> Array:
    """Integer labels shaped ``y_pred.shape[:-1]``; ``(N, 1)`` and float labels accepted."""
    labels = np.asarray(to_array(y_true))
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    labels = labels.astype(np.intp, copy=False)
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={labels.shape}, output.shape={y_pred.shape}"
        )
    classes = y_pred.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)].flat[0]
        raise ValueError(
            f"Received a label value of {bad} which is outside the valid range of [0, {classes})."
        )
    return labels


def _smoothed(targets: Array, label_smoothing: float, classes: int) -> Array:
    """Keras's label smoothing: targets move toward ``1 / classes`` (0.5 for binary ones)."""
    if not label_smoothing:
        return targets
    return targets * (1 - label_smoothing) + label_smoothing / classes


def _signed_labels(y_true: Array) -> Array:
    """Keras's hinge losses take 0/1 labels as -1/1 (``_maybe_convert_labels``)."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2 * y_true - 1
    return y_true


@_recorded_on_tapes
def sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, axis: int = -1, ignore_class: Any = None
) -> Array:
    """Per-sample ``-log p[label]``.

    Mirrors: ``keras/losses.py::sparse_categorical_crossentropy``. On probabilities Keras 2
    computes ``-log softmax(log clip(p, eps, 1 - eps))[label]``, which is ``-log clip(p)[label]``
    when ``p`` sums to 1; from logits, ``logsumexp(z) - z[label]``.
    """
    if ignore_class is not None:
        raise NotImplementedError("`ignore_class` is not supported by buildtrace.")
    _only_last_axis(axis)
    y_pred = _pred(y_pred)
    labels = _sparse_labels(y_true, y_pred)
    if not from_logits:
        return ops.sparse_categorical_crossentropy_from_probs(y_pred, labels)
    shifted = y_pred - y_pred.max(axis=-1, keepdims=True)  # shift by the max: exp can't overflow
    picked = np.take_along_axis(shifted, labels[..., None], axis=-1)[..., 0]
    return np.log(np.exp(shifted).sum(axis=-1)) - picked  # type: ignore[no-any-return]


@_recorded_on_tapes
def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Array:
    """Per-sample ``-sum(y * log p)``.

    Mirrors: ``keras/losses.py::categorical_crossentropy``. On probabilities Keras 2 rescales
    ``p`` to sum to 1 and clips it to ``[eps, 1 - eps]``.
    """
    _only_last_axis(axis)
    y_pred = _pred(y_pred)
    targets = np.asarray(to_array(y_true), dtype=y_pred.dtype)
    targets = _smoothed(targets, label_smoothing, targets.shape[-1])
    if from_logits:
        return ops.categorical_crossentropy_from_logits(y_pred, targets)
    return ops.categorical_crossentropy_from_probs(y_pred, targets)


@_recorded_on_tapes
def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Array:
    """Per-sample binary crossentropy, the mean over the last axis.

    Mirrors: ``keras/losses.py::binary_crossentropy``. On probabilities Keras 2 computes
    ``-(y log(p + eps) + (1 - y) log(1 - p + eps))`` with ``p`` clipped to ``[eps, 1 - eps]``.
    """
    _only_last_axis(axis)
    y_pred = _pred(y_pred)
    targets = _smoothed(_targets(y_true, y_pred), label_smoothing, 2)
    if from_logits:
        return ops.binary_crossentropy_from_logits(y_pred, targets).mean(axis=-1)  # type: ignore[no-any-return]
    return ops.binary_crossentropy_from_probs(y_pred, targets).mean(axis=-1)  # type: ignore[no-any-return]


@_recorded_on_tapes
def mean_squared_error(y_true: Any, y_pred: Any) -> Array:
    """``mean((y_pred - y_true)**2, axis=-1)``. Mirrors: ``keras/losses.py::mean_squared_error``."""
    y_pred = _pred(y_pred)
    return np.square(y_pred - _targets(y_true, y_pred)).mean(axis=-1)  # type: ignore[no-any-return]


@_recorded_on_tapes
def mean_absolute_error(y_true: Any, y_pred: Any) -> Array:
    """``mean(|y_pred - y_true|, axis=-1)``. Mirrors: ``keras/losses.py::mean_absolute_error``."""
    y_pred = _pred(y_pred)
    return np.abs(y_pred - _targets(y_true, y_pred)).mean(axis=-1)  # type: ignore[no-any-return]


@_recorded_on_tapes
def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Array:
    """``100 * mean(|y_true - y_pred| / max(|y_true|, eps), axis=-1)``.

    Mirrors: ``keras/losses.py::mean_absolute_percentage_error``.
    """
    y_pred = _pred(y_pred)
    y_true = _targets(y_true, y_pred)
    scale = np.maximum(np.abs(y_true), EPSILON)
    return (100 * np.mean(np.abs(y_true - y_pred) / scale, axis=-1)).astype(y_pred.dtype)  # type: ignore[no-any-return]


@_recorded_on_tapes
def hinge(y_true: Any, y_pred: Any) -> Array:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``. Mirrors: ``keras/losses.py::hinge``."""
    y_pred = _pred(y_pred)
    margin = 1 - _signed_labels(_targets(y_true, y_pred)) * y_pred
    return np.mean(np.maximum(margin, 0), axis=-1, dtype=y_pred.dtype)  # type: ignore[no-any-return]


@_recorded_on_tapes
def squared_hinge(y_true: Any, y_pred: Any) -> Array:
    """``mean(max(1 - y_true * y_pred, 0)**2, axis=-1)``.

    Mirrors: ``keras/losses.py::squared_hinge``.
    """
    y_pred = _pred(y_pred)
    margin = np.maximum(1 - _signed_labels(_targets(y_true, y_pred)) * y_pred, 0)
    return np.mean(np.square(margin), axis=-1, dtype=y_pred.dtype)  # type: ignore[no-any-return]


@_recorded_on_tapes
def poisson(y_true: Any, y_pred: Any) -> Array:
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``.

    Mirrors: ``keras/losses.py::poisson``.
    """
    y_pred = _pred(y_pred)
    y_true = _targets(y_true, y_pred)
    return np.mean(y_pred - y_true * np.log(y_pred + EPSILON), axis=-1, dtype=y_pred.dtype)  # type: ignore[no-any-return]


@_recorded_on_tapes
def log_cosh(y_true: Any, y_pred: Any) -> Array:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as Keras does, stably.

    Mirrors: ``keras/losses.py::log_cosh`` (``x + softplus(-2x) - log 2``).
    """
    y_pred = _pred(y_pred)
    x = y_pred - _targets(y_true, y_pred)
    values = x + np.logaddexp(0, -2 * x).astype(y_pred.dtype) - y_pred.dtype.type(np.log(2.0))
    return np.mean(values, axis=-1, dtype=y_pred.dtype)  # type: ignore[no-any-return]


@_recorded_on_tapes
def kl_divergence(y_true: Any, y_pred: Any) -> Array:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[eps, 1]``.

    Mirrors: ``keras/losses.py::kl_divergence``.
    """
    y_pred = _pred(y_pred)
    t = np.clip(_targets(y_true, y_pred), EPSILON, 1)
    return np.sum(t * np.log(t / np.clip(y_pred, EPSILON, 1)), axis=-1, dtype=y_pred.dtype)  # type: ignore[no-any-return]


@_recorded_on_tapes
def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Array:
    """Half the squared error below ``delta``, linear above it, the mean over the last axis.

    Mirrors: ``keras/losses.py::huber``.
    """
    y_pred = _pred(y_pred)
    d = y_pred.dtype.type(delta)
    error = y_pred - _targets(y_true, y_pred)
    small = np.abs(error) <= d
    values = np.where(small, 0.5 * np.square(error), d * np.abs(error) - 0.5 * d * d)
    return np.mean(values, axis=-1, dtype=y_pred.dtype)  # type: ignore[no-any-return]


@_recorded_on_tapes
def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Array:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 when aligned.

    Mirrors: ``keras/losses.py::cosine_similarity``.
    """
    y_pred = _pred(y_pred)
    y_true = _targets(y_true, y_pred)
    t = y_true / np.sqrt(np.maximum(np.sum(np.square(y_true), axis=axis, keepdims=True), 1e-12))
    u = y_pred / np.sqrt(np.maximum(np.sum(np.square(y_pred), axis=axis, keepdims=True), 1e-12))
    return -np.sum(t * u, axis=axis).astype(y_pred.dtype)  # type: ignore[no-any-return]


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
kld = KLD = kl_divergence
logcosh = log_cosh

#: One of each built-in loss: what ``get`` and ``deserialize`` know by name.
_BUILT_IN: tuple[LossFunctionWrapper, ...] = (
    SparseCategoricalCrossentropy(),
    CategoricalCrossentropy(),
    BinaryCrossentropy(),
    MeanSquaredError(),
    MeanAbsoluteError(),
    MeanAbsolutePercentageError(),
    Hinge(),
    SquaredHinge(),
    Poisson(),
    LogCosh(),
    KLDivergence(),
    Huber(),
    CosineSimilarity(),
)
#: Class name -> class.
_CLASSES: dict[str, type[Loss]] = {type(loss).__name__: type(loss) for loss in _BUILT_IN}
#: Each function, and each of its names, -> the class that wraps it (the class Keras's
#: ``compile`` would make of it).
_BY_FUNCTION: dict[Any, type[Loss]] = {loss.fn: type(loss) for loss in _BUILT_IN}
_BY_FUNCTION.update({function.__name__: cls for function, cls in list(_BY_FUNCTION.items())})
_BY_FUNCTION.update({  # the short names Keras exports too, and the Huber class's own name
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError, "kld": KLDivergence, "KLD": KLDivergence,
    "logcosh": LogCosh, "huber_loss": Huber,
})  # fmt: skip
#: Losses Keras 2 has that buildtrace leaves out.
_KERAS_ONLY = {
    "categorical_hinge", "CategoricalHinge",
    "mean_squared_logarithmic_error", "msle", "MSLE", "MeanSquaredLogarithmicError",
    "categorical_focal_crossentropy", "CategoricalFocalCrossentropy",
    "binary_focal_crossentropy", "BinaryFocalCrossentropy",
}  # fmt: skip


def get(identifier: Any) -> Loss | None:
    """A loss object from a name (``"mse"``, ``"sparse_categorical_crossentropy"``...), a class
    name, a config dict, one of this module's functions, a callable, or a ``Loss``.

    Mirrors: ``keras/losses.py::get``. Difference: for a function name Keras returns the
    function and ``compile`` wraps it; we return the matching ``Loss`` object (same name).

    Raises:
        ValueError: unknown name or uninterpretable identifier, with Keras's messages.
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict | str):
        return deserialize(identifier)
    if callable(identifier):
        cls = _BY_FUNCTION.get(identifier)
        name = getattr(identifier, "__name__", None)
        return cls() if cls is not None else LossFunctionWrapper(identifier, name=name)
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")


def serialize(loss: Loss) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` for a loss object.

    Mirrors: ``keras/losses.py::serialize`` (the legacy format, without ``module``).
    """
    return {"class_name": type(loss).__name__, "config": loss.get_config()}


def deserialize(name: str | dict[str, Any]) -> Loss:
    """A loss object from a name or a ``serialize`` config.

    Mirrors: ``keras/losses.py::deserialize``. Difference: a function's name gives its
    class's object, as :func:`get` does.
    """
    if isinstance(name, dict):
        cls = _CLASSES.get(str(name.get("class_name")))
        if cls is None:
            return deserialize(str(name.get("class_name")))
        return cls.from_config(dict(name.get("config") or {}))
    cls = _BY_FUNCTION.get(name) or _CLASSES.get(name)
    if cls is not None:
        return cls()
    if name in _KERAS_ONLY:
        raise unsupported(f"keras.losses.{name}")
    raise ValueError(
        f"Unknown loss function: '{name}'. Please ensure you are using a "
        "`keras.utils.custom_object_scope` and that this object is included in the scope. "
        "See https://www.tensorflow.org/guide/keras/save_and_serialize"
        "#registering_the_custom_object for details."
    )


def __getattr__(name: str) -> Any:
    raise unsupported(f"keras.losses.{name}")
