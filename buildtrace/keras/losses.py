"""``keras.losses``: the five losses of a first Keras course, with their gradients.

Mirrors: ``keras/losses.py`` of Keras 2 (the ``Loss`` classes, the per-sample functions and
``get``). Each loss object is called like Keras's (``loss(y_true, y_pred) -> float``: the mean
over samples, reduction ``"sum_over_batch_size"``) and also offers
``forward_backward(y_true, y_pred, logits=None) -> (loss, gradient)`` for the numpy training
loop. The formulas on probabilities (with Keras's clipping) live in
:mod:`buildtrace.keras.ops.losses`; the hot fused softmax-crossentropy lives here.

Keras 2 quirk reproduced: a crossentropy on the output of a softmax (or sigmoid) layer is
computed from that layer's *logits* (``output._keras_logits``), without clipping, even when
``from_logits=False`` (and, with a warning, also when ``from_logits=True``). Pass ``logits``
to ``forward_backward`` when :meth:`Loss.fuses_activation` says so; the gradient returned is
then with respect to the logits, so the caller skips the activation's backward pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras import losses_more as more
from buildtrace.keras.ops import losses as ops
from buildtrace.keras.unsupported import unsupported
from buildtrace.keras.utils import losses_utils
from buildtrace.tf import tape as tf_tape
from buildtrace.tf.tensors import Tensor, to_array

Array = np.ndarray
#: (per-sample losses, gradient of each per-sample loss w.r.t. the predictions or logits)
LossAndGrad = tuple[Array, Array]


def _pred(y_pred: Any) -> Array:
    """Predictions as an array; integers become float32 (``floatx``)."""
    array = np.asarray(y_pred)
    return array if array.dtype.kind == "f" else array.astype(np.float32)


def _float(y: Any, like: Array) -> Array:
    """Targets as floats of the predictions' dtype (Keras casts ``y_true`` to ``y_pred``)."""
    return np.asarray(y, dtype=like.dtype)


def _align(y_true: Array, y_pred: Array) -> Array:
    """Keras's ``squeeze_or_expand_dimensions``: ``(N,)`` targets vs ``(N, 1)`` predictions."""
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        return y_true[..., None]
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        return y_true[..., 0]
    return y_true


def _sparse_labels(y_true: Any, y_pred: Array) -> Array:
    """Integer labels shaped ``y_pred.shape[:-1]``; ``(N, 1)`` and float labels accepted."""
    labels = np.asarray(y_true)
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


def _sparse_from_logits(labels: Array, logits: Array) -> LossAndGrad:
    """Fused softmax + sparse crossentropy: per-sample ``-log softmax(z)[label]`` and
    ``softmax(z) - onehot``, in one pass and one new array (it becomes the gradient)."""
    classes = logits.shape[-1]
    z = logits.reshape(-1, classes)
    flat = labels.reshape(-1)
    rows = np.arange(z.shape[0])
    e = z - z.max(axis=1, keepdims=True)  # shift by the max: exp cannot overflow
    picked = e[rows, flat]  # z[label] - max, taken before e is overwritten
    np.exp(e, out=e)
    sums = e.sum(axis=1, keepdims=True)
    losses = np.log(sums[:, 0]) - picked
    e /= sums  # now softmax(z)
    e[rows, flat] -= 1
    return losses.reshape(labels.shape), e.reshape(logits.shape)


class Loss:
    """Base loss: ``call`` gives per-sample losses, ``__call__`` reduces them.

    Mirrors: ``keras/losses.py::Loss`` (and ``LossFunctionWrapper``, which Keras's built-in
    classes are). Subclasses implement ``_losses_and_grad`` (and ``_logits_losses_and_grad``
    for crossentropies).

    Args:
        reduction: ``"auto"``/``"sum_over_batch_size"`` (mean over samples), ``"sum"`` or
            ``"none"`` (per-sample losses).
        name: The loss's name, as shown by Keras.
    """

    #: The output activation whose logits this loss uses instead of its output (Keras's
    #: ``_keras_logits``): ``"softmax"``, ``"sigmoid"`` or None.
    logits_activation: str | None = None
    from_logits = False

    def __init__(self, reduction: str = "auto", name: str | None = None) -> None:
        if reduction not in {"auto", "sum_over_batch_size", "sum", "none"}:
            raise ValueError(
                f'Invalid Reduction Key: {reduction}. Expected keys are "auto", "none", '
                '"sum", "sum_over_batch_size"'
            )
        self.reduction = reduction
        self.name = name or type(self).__name__

    def call(self, y_true: Any, y_pred: Any) -> Array:
        """Per-sample losses (no reduction)."""
        if tf_tape.is_recording():  # inside a tf.GradientTape: record the gradient too
            from buildtrace.keras.engine import gradients

            # A tensor that behaves as the array (numpy methods included), plus its tape node.
            return gradients.per_sample_loss_on_tape(self, y_true, y_pred)  # type: ignore[return-value]
        return self._losses_and_grad(y_true, _pred(y_pred), need_grad=False)[0]

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """The reduced loss (a scalar tensor), or per-sample losses if ``reduction="none"``."""
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
        """Sum, or sum / number of losses (``"sum_over_batch_size"``), in float32."""
        total = losses.sum(dtype=losses.dtype)
        return float(total if self.reduction == "sum" else total / losses.dtype.type(losses.size))

    def fuses_activation(self, activation: str | None) -> bool:
        """Whether this loss reads the logits of an output made by ``activation``."""
        return activation is not None and activation == self.logits_activation

    def forward_backward(
        self, y_true: Any, y_pred: Any, logits: Any = None, sample_weight: Any = None
    ) -> tuple[float, Array]:
        """The reduced loss and its gradient w.r.t. ``y_pred`` (or ``logits``, see module).

        Args:
            y_true: Targets.
            y_pred: The model's output.
            logits: The output layer's pre-activation. Used (and the gradient returned w.r.t.
                it) only if this loss is a crossentropy matching that activation; pass it only
                when ``fuses_activation(activation)`` is True.
            sample_weight: Optional per-sample weights.

        Returns:
            ``(loss, grad)``, ``grad`` shaped like ``y_pred`` (or ``logits``).
        """
        if self.reduction == "none":
            raise ValueError('forward_backward needs a reduction other than "none".')
        if logits is not None and self.logits_activation is not None:
            if self.from_logits:
                warnings.warn(
                    f'"`{self.name}` received `from_logits=True`, but the `output` argument '
                    f"was produced by a {self.logits_activation} activation and thus does not "
                    'represent logits. Was this intended?"',
                    stacklevel=2,
                )
            losses, grad = self._logits_losses_and_grad(y_true, _pred(logits))
        else:
            losses, grad = self._losses_and_grad(y_true, _pred(y_pred), need_grad=True)
        # d(reduced loss)/d(per-sample loss) is 1/N for the mean (1 for the sum), times the
        # sample's weight; it scales that sample's row of the per-sample gradient.
        one = losses.dtype.type(1)
        scale = one if self.reduction == "sum" else one / losses.dtype.type(losses.size)
        if sample_weight is not None:
            weights = _broadcast_weights(sample_weight, losses)
            losses = losses * weights
            grad *= (weights * scale).reshape(weights.shape + (1,) * (grad.ndim - weights.ndim))
        else:
            grad *= scale
        return self._reduce(losses), grad

    def _losses_and_grad(self, y_true: Any, y_pred: Array, need_grad: bool) -> LossAndGrad:
        # A loss written by the user (a ``Loss`` subclass's ``call``, or a plain function
        # wrapped by ``LossFunctionWrapper``): differentiate its ops on a tape, as TF would.
        if type(self).call is Loss.call:
            raise NotImplementedError(f"{type(self).__name__} has no gradient in buildtrace.")
        return _user_losses_and_grad(self._per_sample, y_true, y_pred, need_grad)

    def _per_sample(self, y_true: Any, y_pred: Any) -> Any:
        """The user's per-sample losses (``call``), run on tensors."""
        return self.call(y_true, y_pred)

    def _logits_losses_and_grad(self, y_true: Any, logits: Array) -> LossAndGrad:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """``reduction`` and ``name`` (subclasses add their arguments)."""
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """``cls(**config)``."""
        return cls(**config)


def _broadcast_weights(sample_weight: Any, losses: Array) -> Array:
    """Per-sample weights spread over ``losses`` (``(N,)`` weights on ``(N, d)`` losses too)."""
    weights = np.asarray(to_array(sample_weight), losses.dtype)
    if weights.ndim == losses.ndim + 1 and weights.shape[-1] == 1:  # (N, 1) on (N,)
        weights = weights[..., 0]
    if 0 < weights.ndim < losses.ndim:
        weights = weights.reshape(weights.shape + (1,) * (losses.ndim - weights.ndim))
    return np.broadcast_to(weights, losses.shape)


def _user_losses_and_grad(
    fn: Callable[[Any, Any], Any], y_true: Any, y_pred: Array, need_grad: bool
) -> LossAndGrad:
    """A user's loss ``fn(y_true, y_pred)``: its values and ``d(sum of values)/d(y_pred)``.

    Mirrors what TensorFlow does for any Python loss: ``fn`` runs on tensors under a private
    tape, every op records its gradient, and the tape is asked for the gradient with respect
    to ``y_pred``. Each value depends on its own sample's row only (or the function
    already reduced to a scalar), so one backward pass gives every per-sample gradient.
    """
    from buildtrace.tf.autodiff import GradientTape

    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(np.float32)
    pred = Tensor(y_pred)
    target = y_true if isinstance(y_true, Tensor) else Tensor(np.asarray(to_array(y_true)))
    tape = GradientTape(persistent=True)
    with tf_tape.isolated(tape._recorder):
        tape.watch(pred)
        out = fn(target, pred)
    losses = np.asarray(to_array(out))
    if losses.dtype.kind != "f":
        losses = losses.astype(y_pred.dtype)
    if not need_grad:
        return losses, np.zeros_like(y_pred)
    if not isinstance(out, Tensor):
        raise NotImplementedError(
            "buildtrace has no gradient for this loss: it returned a numpy array. Write it "
            "with keras.backend or tf ops (K.mean, tf.square...) or tensor arithmetic, so "
            "that a tape can differentiate it."
        )
    # The caller scales each sample's gradient row by its weight and 1/N.
    ones = np.ones(losses.shape, losses.dtype)
    grad = tape.gradient(out, pred, output_gradients=ones)
    grad_array = np.zeros_like(y_pred) if grad is None else np.array(to_array(grad), y_pred.dtype)
    if losses.ndim == 0:
        return losses, grad_array
    if grad_array.ndim < losses.ndim:
        grad_array = np.broadcast_to(grad_array, losses.shape).copy()
    return losses, grad_array


class LossFunctionWrapper(Loss):
    """A loss made from a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Mirrors: ``keras/losses.py::LossFunctionWrapper``. A user's function (``K.mean(K.square(
    y_pred - y_true))``) is differentiated on a private tape (see ``_user_losses_and_grad``);
    Keras's own losses keep their exact formulas.
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

    def call(self, y_true: Any, y_pred: Any) -> Array:
        """``fn(y_true, y_pred, **kwargs)`` as an array."""
        return np.asarray(to_array(self.fn(y_true, y_pred, **self._fn_kwargs)))

    def _losses_and_grad(self, y_true: Any, y_pred: Array, need_grad: bool) -> LossAndGrad:
        return _user_losses_and_grad(self._per_sample, y_true, y_pred, need_grad)

    def _per_sample(self, y_true: Any, y_pred: Any) -> Any:
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        """Base config plus the function's keyword arguments."""
        return {**super().get_config(), **self._fn_kwargs}


class SparseCategoricalCrossentropy(Loss):
    """``-log p[label]`` with integer labels.

    Mirrors: ``keras/losses.py::SparseCategoricalCrossentropy``. On probabilities, Keras 2
    computes ``-log softmax(log clip(p, eps, 1 - eps))[label]``, which is
    ``-log clip(p)[label]`` when ``p`` sums to 1. ``ignore_class`` is not supported.
    """

    logits_activation = "softmax"

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str = "auto",
        name: str = "sparse_categorical_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        if ignore_class is not None:
            raise NotImplementedError("`ignore_class` is not supported by buildtrace.")
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def _losses_and_grad(self, y_true: Any, y_pred: Array, need_grad: bool) -> LossAndGrad:
        if self.from_logits:
            return self._logits_losses_and_grad(y_true, y_pred)
        labels = _sparse_labels(y_true, y_pred)
        losses = ops.sparse_categorical_crossentropy_from_probs(y_pred, labels)
        if not need_grad:
            return losses, y_pred
        return losses, ops.sparse_categorical_crossentropy_from_probs_backward(y_pred, labels)

    def _logits_losses_and_grad(self, y_true: Any, logits: Array) -> LossAndGrad:
        return _sparse_from_logits(_sparse_labels(y_true, logits), logits)

    def get_config(self) -> dict[str, Any]:
        """Base config plus ``from_logits`` and ``ignore_class``."""
        return {**super().get_config(), "from_logits": self.from_logits, "ignore_class": None}


class _Crossentropy(Loss):
    """What categorical and binary crossentropy share: arguments and config."""

    def __init__(
        self, from_logits: bool, label_smoothing: float, axis: int, reduction: str, name: str
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        if axis != -1:
            raise NotImplementedError("Only axis=-1 is supported by buildtrace.")
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        """Base config plus ``from_logits``, ``label_smoothing`` and ``axis``."""
        extra = {"from_logits": self.from_logits, "label_smoothing": self.label_smoothing}
        return {**super().get_config(), **extra, "axis": self.axis}


class CategoricalCrossentropy(_Crossentropy):
    """``-sum(y * log p)`` with one-hot targets.

    Mirrors: ``keras/losses.py::CategoricalCrossentropy``. On probabilities, Keras 2 rescales
    ``p`` to sum to 1 and clips it to ``[eps, 1 - eps]``. From logits, the gradient is the true
    derivative ``softmax * sum(y) - y`` (TF's kernel returns ``softmax - y``; the same for
    targets that sum to 1).
    """

    logits_activation = "softmax"

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = "auto",
        name: str = "categorical_crossentropy",
    ) -> None:
        super().__init__(from_logits, label_smoothing, axis, reduction, name)

    def _targets(self, y_true: Any, like: Array) -> Array:
        targets = _float(y_true, like)
        if self.label_smoothing:
            ls = self.label_smoothing
            targets = targets * (1 - ls) + ls / targets.shape[-1]
        return targets

    def _losses_and_grad(self, y_true: Any, y_pred: Array, need_grad: bool) -> LossAndGrad:
        if self.from_logits:
            return self._logits_losses_and_grad(y_true, y_pred)
        targets = self._targets(y_true, y_pred)
        losses = ops.categorical_crossentropy_from_probs(y_pred, targets)
        if not need_grad:
            return losses, y_pred
        return losses, ops.categorical_crossentropy_from_probs_backward(y_pred, targets)

    def _logits_losses_and_grad(self, y_true: Any, logits: Array) -> LossAndGrad:
        targets = self._targets(y_true, logits)
        losses = ops.categorical_crossentropy_from_logits(logits, targets)
        return losses, ops.categorical_crossentropy_from_logits_backward(logits, targets)


class BinaryCrossentropy(_Crossentropy):
    """Elementwise crossentropy, averaged over the last axis.

    Mirrors: ``keras/losses.py::BinaryCrossentropy``. On probabilities, Keras 2 computes
    ``-(y log(p + eps) + (1 - y) log(1 - p + eps))`` with ``p`` clipped to ``[eps, 1 - eps]``;
    label smoothing pulls the targets toward 0.5.
    """

    logits_activation = "sigmoid"

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = "auto",
        name: str = "binary_crossentropy",
    ) -> None:
        super().__init__(from_logits, label_smoothing, axis, reduction, name)

    def _targets(self, y_true: Any, like: Array) -> Array:
        targets = _align(_float(y_true, like), like)
        if self.label_smoothing:
            targets = targets * (1 - self.label_smoothing) + 0.5 * self.label_smoothing
        return targets

    def _losses_and_grad(self, y_true: Any, y_pred: Array, need_grad: bool) -> LossAndGrad:
        if self.from_logits:
            return self._logits_losses_and_grad(y_true, y_pred)
        targets = self._targets(y_true, y_pred)
        losses = ops.binary_crossentropy_from_probs(y_pred, targets).mean(axis=-1)
        if not need_grad:
            return losses, y_pred
        grad = ops.binary_crossentropy_from_probs_backward(y_pred, targets)
        return losses, grad / y_pred.dtype.type(y_pred.shape[-1])

    def _logits_losses_and_grad(self, y_true: Any, logits: Array) -> LossAndGrad:
        targets = self._targets(y_true, logits)
        losses = ops.binary_crossentropy_from_logits(logits, targets).mean(axis=-1)
        grad = ops.binary_crossentropy_from_logits_backward(logits, targets)
        return losses, grad / logits.dtype.type(logits.shape[-1])


class MeanSquaredError(Loss):
    """``mean((y_pred - y_true)**2, axis=-1)``. Mirrors: ``keras/losses.py::MeanSquaredError``."""

    def __init__(self, reduction: str = "auto", name: str = "mean_squared_error") -> None:
        super().__init__(reduction=reduction, name=name)

    def _losses_and_grad(self, y_true: Any, y_pred: Array, need_grad: bool) -> LossAndGrad:
        diff = y_pred - _align(_float(y_true, y_pred), y_pred)
        losses = np.square(diff).mean(axis=-1)
        diff *= y_pred.dtype.type(2.0 / y_pred.shape[-1])  # d/dp of the mean of squares
        return losses, diff


class MeanAbsoluteError(Loss):
    """``mean(|y_pred - y_true|, axis=-1)``. Mirrors: ``keras/losses.py::MeanAbsoluteError``."""

    def __init__(self, reduction: str = "auto", name: str = "mean_absolute_error") -> None:
        super().__init__(reduction=reduction, name=name)

    def _losses_and_grad(self, y_true: Any, y_pred: Array, need_grad: bool) -> LossAndGrad:
        diff = y_pred - _align(_float(y_true, y_pred), y_pred)
        losses = np.abs(diff).mean(axis=-1)
        return losses, np.sign(diff) / y_pred.dtype.type(y_pred.shape[-1])  # sign(0) = 0, as TF


def sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, axis: int = -1, ignore_class: Any = None
) -> Array:
    """Per-sample sparse categorical crossentropy (see :class:`SparseCategoricalCrossentropy`)."""
    return SparseCategoricalCrossentropy(from_logits, ignore_class).call(y_true, y_pred)


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Array:
    """Per-sample categorical crossentropy (see :class:`CategoricalCrossentropy`)."""
    return CategoricalCrossentropy(from_logits, label_smoothing, axis).call(y_true, y_pred)


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Array:
    """Per-sample binary crossentropy (mean over the last axis), see :class:`BinaryCrossentropy`."""
    return BinaryCrossentropy(from_logits, label_smoothing, axis).call(y_true, y_pred)


def mean_squared_error(y_true: Any, y_pred: Any) -> Array:
    """Per-sample mean squared error."""
    return MeanSquaredError().call(y_true, y_pred)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Array:
    """Per-sample mean absolute error."""
    return MeanAbsoluteError().call(y_true, y_pred)


class _FormulaLoss(Loss):
    """A Keras 2 loss class around one formula of :mod:`buildtrace.keras.losses_more`."""

    _formula: Callable[..., LossAndGrad]
    _default_name = ""

    def __init__(self, reduction: str = "auto", name: str | None = None, **kwargs: Any) -> None:
        super().__init__(reduction=reduction, name=name or self._default_name)
        self._formula_kwargs = kwargs

    def _losses_and_grad(self, y_true: Any, y_pred: Array, need_grad: bool) -> LossAndGrad:
        return type(self)._formula(y_true, y_pred, **self._formula_kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._formula_kwargs}


class Hinge(_FormulaLoss):
    """Mirrors: ``keras/losses.py::Hinge`` (0/1 labels are read as -1/1)."""

    _formula = staticmethod(more.hinge)
    _default_name = "hinge"


class SquaredHinge(_FormulaLoss):
    """Mirrors: ``keras/losses.py::SquaredHinge``."""

    _formula = staticmethod(more.squared_hinge)
    _default_name = "squared_hinge"


class Huber(_FormulaLoss):
    """Mirrors: ``keras/losses.py::Huber`` (``delta`` 1.0)."""

    _formula = staticmethod(more.huber)
    _default_name = "huber_loss"

    def __init__(self, delta: float = 1.0, reduction: str = "auto", name: str = "huber_loss"):
        super().__init__(reduction=reduction, name=name, delta=delta)


class LogCosh(_FormulaLoss):
    """Mirrors: ``keras/losses.py::LogCosh``."""

    _formula = staticmethod(more.log_cosh)
    _default_name = "log_cosh"


class KLDivergence(_FormulaLoss):
    """Mirrors: ``keras/losses.py::KLDivergence`` (both inputs clipped to ``[eps, 1]``)."""

    _formula = staticmethod(more.kl_divergence)
    _default_name = "kl_divergence"


class CosineSimilarity(_FormulaLoss):
    """Mirrors: ``keras/losses.py::CosineSimilarity``: -1 for aligned vectors."""

    _formula = staticmethod(more.cosine_similarity)
    _default_name = "cosine_similarity"

    def __init__(self, axis: int = -1, reduction: str = "auto", name: str = "cosine_similarity"):
        super().__init__(reduction=reduction, name=name, axis=axis)


class MeanAbsolutePercentageError(_FormulaLoss):
    """Mirrors: ``keras/losses.py::MeanAbsolutePercentageError``."""

    _formula = staticmethod(more.mean_absolute_percentage_error)
    _default_name = "mean_absolute_percentage_error"


class Poisson(_FormulaLoss):
    """Mirrors: ``keras/losses.py::Poisson``."""

    _formula = staticmethod(more.poisson)
    _default_name = "poisson"


def hinge(y_true: Any, y_pred: Any) -> Array:
    """Per-sample hinge loss."""
    return Hinge().call(y_true, y_pred)


def squared_hinge(y_true: Any, y_pred: Any) -> Array:
    """Per-sample squared hinge loss."""
    return SquaredHinge().call(y_true, y_pred)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Array:
    """Per-sample Huber loss."""
    return Huber(delta=delta).call(y_true, y_pred)


def log_cosh(y_true: Any, y_pred: Any) -> Array:
    """Per-sample log-cosh loss."""
    return LogCosh().call(y_true, y_pred)


def kl_divergence(y_true: Any, y_pred: Any) -> Array:
    """Per-sample Kullback-Leibler divergence."""
    return KLDivergence().call(y_true, y_pred)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Array:
    """Per-sample negative cosine similarity."""
    return CosineSimilarity(axis=axis).call(y_true, y_pred)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Array:
    """Per-sample mean absolute percentage error."""
    return MeanAbsolutePercentageError().call(y_true, y_pred)


def poisson(y_true: Any, y_pred: Any) -> Array:
    """Per-sample Poisson loss."""
    return Poisson().call(y_true, y_pred)


mse = MSE = mean_squared_error
kld = KLD = kl_divergence
logcosh = log_cosh
mape = MAPE = mean_absolute_percentage_error
mae = MAE = mean_absolute_error

_CLASSES: dict[str, type[Loss]] = {
    cls.__name__: cls
    for cls in (
        SparseCategoricalCrossentropy,
        CategoricalCrossentropy,
        BinaryCrossentropy,
        MeanSquaredError,
        MeanAbsoluteError,
        Hinge,
        SquaredHinge,
        Huber,
        LogCosh,
        KLDivergence,
        CosineSimilarity,
        MeanAbsolutePercentageError,
        Poisson,
    )
}
#: Function (and alias) names -> the class Keras's compile would wrap them in.
_BY_FUNCTION: dict[Any, type[Loss]] = {
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mse": MeanSquaredError,
    "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "huber": Huber,
    "huber_loss": Huber,
    "log_cosh": LogCosh,
    "logcosh": LogCosh,
    "kl_divergence": KLDivergence,
    "kld": KLDivergence,
    "KLD": KLDivergence,
    "cosine_similarity": CosineSimilarity,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError,
    "poisson": Poisson,
}
_BY_FUNCTION.update(
    {
        sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
        categorical_crossentropy: CategoricalCrossentropy,
        binary_crossentropy: BinaryCrossentropy,
        mean_squared_error: MeanSquaredError,
        mean_absolute_error: MeanAbsoluteError,
        hinge: Hinge,
        squared_hinge: SquaredHinge,
        huber: Huber,
        log_cosh: LogCosh,
        kl_divergence: KLDivergence,
        cosine_similarity: CosineSimilarity,
        mean_absolute_percentage_error: MeanAbsolutePercentageError,
        poisson: Poisson,
    }
)
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
    if isinstance(identifier, dict):
        cls = _CLASSES.get(str(identifier.get("class_name")))
        if cls is None:
            return get(identifier.get("class_name"))
        return cls.from_config(dict(identifier.get("config", {})))
    if isinstance(identifier, str):
        cls = _BY_FUNCTION.get(identifier) or _CLASSES.get(identifier)
        if cls is not None:
            return cls()
        if identifier in _KERAS_ONLY:
            raise unsupported(f"keras.losses.{identifier}")
        raise ValueError(
            f"Unknown loss function: '{identifier}'. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope. "
            "See https://www.tensorflow.org/guide/keras/save_and_serialize"
            "#registering_the_custom_object for details."
        )
    if callable(identifier):
        cls = _BY_FUNCTION.get(identifier)
        name = getattr(identifier, "__name__", None)
        return cls() if cls is not None else LossFunctionWrapper(identifier, name=name)
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")


def serialize(loss: Loss) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` for a loss object."""
    return {"class_name": type(loss).__name__, "config": loss.get_config()}


def __getattr__(name: str) -> Any:
    raise unsupported(f"keras.losses.{name}")
