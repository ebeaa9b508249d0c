"""The losses' backward pass: ``d(loss)/d(y_pred)``, one rule per Keras loss function.

Keras never writes a loss's gradient: its loss functions are TensorFlow ops and the tape
differentiates them. buildtrace's are numpy formulas (``keras/losses.py``), so each one's
gradient is written out here, once, as the layers' are in this package. A rule is
registered for a loss *function* (``keras.losses.mean_squared_error``): every built-in loss
class is a ``LossFunctionWrapper`` of one, and a function called on its own inside a
``tf.GradientTape`` has no class at all. A rule has

* ``gradient(y_true, y_pred, **options)``: each sample's ``d(loss)/d(y_pred)``, shaped like
  ``y_pred`` (``options`` are the wrapper's ``_fn_kwargs``: ``from_logits``, ``delta``...);
* for the crossentropies, ``logits_activation`` and ``from_logits(y_true, logits, **options)
  -> (losses, grad)``: the loss and its gradient with respect to the logits, fused.

That fusion is a Keras 2 quirk reproduced: a crossentropy on the output of a softmax (or
sigmoid) layer is computed from that layer's *logits* (``output._keras_logits``), without
clipping, even when ``from_logits=False`` (and, with a warning, also when
``from_logits=True``). The gradient then goes straight to the logits, and the training loop
skips the activation's backward pass (:func:`fuses_activation` says when).

A loss with no rule (your ``Loss`` subclass, or your function in a ``LossFunctionWrapper``)
is differentiated as TensorFlow differentiates everything: its ops run on a private tape.

Example:
    >>> from buildtrace.keras import losses
    >>> value, grad = forward_backward(losses.MeanSquaredError(), [[0.0, 0.0]], [[1.0, 3.0]])
    >>> value, grad.tolist()  # (1 + 9) / 2, and 2 * (y_pred - y_true) / 2
    (5.0, [[1.0, 3.0]])
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras import losses
from buildtrace.keras.ops import losses as ops
from buildtrace.keras.ops.losses import EPSILON
from buildtrace.tf import tape as tf_tape
from buildtrace.tf.tensors import Tensor, to_array

Array = np.ndarray
#: (per-sample losses, gradient of each per-sample loss w.r.t. the predictions or logits)
LossAndGrad = tuple[Array, Array]

#: Loss function -> its gradient rule.
_RULES: dict[Callable[..., Any], Any] = {}


def register(loss_function: Callable[..., Any]) -> Callable[[Any], Any]:
    """Class decorator: make the decorated rule the gradient of ``loss_function``."""

    def decorate(rule: Any) -> Any:
        _RULES[loss_function] = rule
        return rule

    return decorate


def rule_for(loss: Any) -> Any | None:
    """The rule of the function ``loss`` wraps, or None (a user's loss)."""
    return _RULES.get(getattr(loss, "fn", None))  # type: ignore[arg-type]


def fuses_activation(loss: Any, activation: str | None) -> bool:
    """Whether ``loss`` reads the logits of an output made by ``activation``."""
    wanted = getattr(rule_for(loss), "logits_activation", None)
    return activation is not None and activation == wanted


def forward_backward(
    loss: Any, y_true: Any, y_pred: Any, logits: Any = None, sample_weight: Any = None
) -> tuple[float, Array]:
    """The reduced loss and its gradient w.r.t. ``y_pred`` (or ``logits``, see module).

    Args:
        loss: A ``keras.losses.Loss``.
        y_true: Targets.
        y_pred: The model's output.
        logits: The output layer's pre-activation. Used (and the gradient returned w.r.t.
            it) only if the loss is a crossentropy matching that activation; pass it only
            when ``fuses_activation(loss, activation)`` is True.
        sample_weight: Optional per-sample weights.

    Returns:
        ``(loss, grad)``, ``grad`` shaped like ``y_pred`` (or ``logits``).
    """
    if loss.reduction == "none":
        raise ValueError('forward_backward needs a reduction other than "none".')
    rule: Any = rule_for(loss)
    if logits is not None and getattr(rule, "logits_activation", None) is not None:
        if loss._fn_kwargs.get("from_logits"):
            warnings.warn(
                f'"`{loss.name}` received `from_logits=True`, but the `output` argument '
                f"was produced by a {rule.logits_activation} activation and thus does not "
                'represent logits. Was this intended?"',
                stacklevel=2,
            )
        per_sample, grad = rule.from_logits(y_true, losses._pred(logits), **loss._fn_kwargs)
    else:
        per_sample, grad = losses_and_grad(loss, y_true, losses._pred(y_pred))
    # d(reduced loss)/d(per-sample loss) is 1/N for the mean (1 for the sum), times the
    # sample's weight; it scales that sample's row of the per-sample gradient.
    one = per_sample.dtype.type(1)
    scale = one if loss.reduction == "sum" else one / per_sample.dtype.type(per_sample.size)
    if sample_weight is not None:
        weights = _broadcast_weights(sample_weight, per_sample)
        per_sample = per_sample * weights
        grad *= (weights * scale).reshape(weights.shape + (1,) * (grad.ndim - weights.ndim))
    else:
        grad *= scale
    return loss._reduce(per_sample), grad


def losses_and_grad(loss: Any, y_true: Any, y_pred: Array) -> LossAndGrad:
    """Per-sample losses and each one's gradient w.r.t. ``y_pred`` (the logits if
    ``from_logits``)."""
    rule = rule_for(loss)
    if rule is None:
        return _user_losses_and_grad(loss, y_true, y_pred)
    options = loss._fn_kwargs
    if options.get("from_logits"):
        return rule.from_logits(y_true, y_pred, **options)  # type: ignore[no-any-return]
    # The numpy formula itself (not its tape-recording wrapper): its values, then the rule's
    # gradient, each sample's row computed as the formula computes that sample's loss.
    values = inspect.unwrap(loss.fn)(y_true, y_pred, **options)
    return values, rule.gradient(y_true, y_pred, **options)


def logits_losses_and_grad(loss: Any, y_true: Any, logits: Array) -> LossAndGrad:
    """A crossentropy fused with its output's activation: losses and grads w.r.t. logits."""
    return rule_for(loss).from_logits(y_true, logits, **loss._fn_kwargs)  # type: ignore[union-attr, no-any-return]


def is_user_function(loss: Any) -> bool:
    """A user's function in a ``LossFunctionWrapper``: its own tf ops record on a tape."""
    return isinstance(loss, losses.LossFunctionWrapper) and rule_for(loss) is None


def _broadcast_weights(sample_weight: Any, per_sample: Array) -> Array:
    """Per-sample weights spread over the losses (``(N,)`` weights on ``(N, d)`` losses too)."""
    weights = np.asarray(to_array(sample_weight), per_sample.dtype)
    if weights.ndim == per_sample.ndim + 1 and weights.shape[-1] == 1:  # (N, 1) on (N,)
        weights = weights[..., 0]
    if 0 < weights.ndim < per_sample.ndim:
        weights = weights.reshape(weights.shape + (1,) * (per_sample.ndim - weights.ndim))
    return np.broadcast_to(weights, per_sample.shape)


def _user_losses_and_grad(loss: Any, y_true: Any, y_pred: Array) -> LossAndGrad:
    """A user's loss: its values and ``d(sum of values)/d(y_pred)``.

    Mirrors what TensorFlow does for any Python loss: the user's ``call`` (or wrapped
    function) runs on tensors under a private tape, every op records its gradient, and the
    tape is asked for the gradient with respect to ``y_pred``. Each value depends on its own
    sample's row only (or the function already reduced to a scalar), so one backward pass
    gives every per-sample gradient.
    """
    from buildtrace.tf.autodiff import GradientTape

    wrapped = isinstance(loss, losses.LossFunctionWrapper)
    if not wrapped and type(loss).call is losses.Loss.call:
        raise NotImplementedError(f"{type(loss).__name__} has no gradient in buildtrace.")
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(np.float32)
    pred = Tensor(y_pred)
    target = y_true if isinstance(y_true, Tensor) else Tensor(np.asarray(to_array(y_true)))
    tape = GradientTape(persistent=True)
    with tf_tape.isolated(tape._recorder):
        tape.watch(pred)
        out = loss.fn(target, pred, **loss._fn_kwargs) if wrapped else loss.call(target, pred)
    values = np.asarray(to_array(out))
    if values.dtype.kind != "f":
        values = values.astype(y_pred.dtype)
    if not isinstance(out, Tensor):
        raise NotImplementedError(
            "buildtrace has no gradient for this loss: it returned a numpy array. Write it "
            "with keras.backend or tf ops (K.mean, tf.square...) or tensor arithmetic, so "
            "that a tape can differentiate it."
        )
    # The caller scales each sample's gradient row by its weight and 1/N.
    ones = np.ones(values.shape, values.dtype)
    grad = tape.gradient(out, pred, output_gradients=ones)
    grad_array = np.zeros_like(y_pred) if grad is None else np.array(to_array(grad), y_pred.dtype)
    if values.ndim == 0:
        return values, grad_array
    if grad_array.ndim < values.ndim:
        grad_array = np.broadcast_to(grad_array, values.shape).copy()
    return values, grad_array


# --- The rules: each the gradient of the Keras function it is registered for. ----------------
# ``d`` in their docstrings is the size of the last axis: most losses are means over it.


def _per_last_axis(y_pred: Array) -> Any:
    """The number a mean over the last axis divides by, in ``y_pred``'s dtype."""
    return y_pred.dtype.type(y_pred.shape[-1] if y_pred.ndim else 1)


@register(losses.sparse_categorical_crossentropy)
class SparseCategoricalCrossentropyGradient:
    """On probabilities ``c`` (clipped), ``1 / sum(c) - onehot / c`` (0 where the clip held);
    from logits, fused with the softmax before them."""

    logits_activation = "softmax"

    @staticmethod
    def gradient(y_true: Any, y_pred: Array, **options: Any) -> Array:
        labels = losses._sparse_labels(y_true, y_pred)
        return ops.sparse_categorical_crossentropy_from_probs_backward(y_pred, labels)

    @staticmethod
    def from_logits(y_true: Any, logits: Array, **options: Any) -> LossAndGrad:
        """Fused softmax + sparse crossentropy: per-sample ``-log softmax(z)[label]`` and
        ``softmax(z) - onehot``, in one pass and one new array (it becomes the gradient)."""
        labels = losses._sparse_labels(y_true, logits)
        classes = logits.shape[-1]
        z = logits.reshape(-1, classes)
        flat = labels.reshape(-1)
        rows = np.arange(z.shape[0])
        e = z - z.max(axis=1, keepdims=True)  # shift by the max: exp cannot overflow
        picked = e[rows, flat]  # z[label] - max, taken before e is overwritten
        np.exp(e, out=e)
        sums = e.sum(axis=1, keepdims=True)
        per_sample = np.log(sums[:, 0]) - picked
        e /= sums  # now softmax(z)
        e[rows, flat] -= 1
        return per_sample.reshape(labels.shape), e.reshape(logits.shape)


@register(losses.categorical_crossentropy)
class CategoricalCrossentropyGradient:
    """From logits, the true derivative ``softmax * sum(y) - y`` (TF's kernel returns
    ``softmax - y``; the same for targets that sum to 1)."""

    logits_activation = "softmax"

    @staticmethod
    def _targets(y_true: Any, like: Array, label_smoothing: float = 0.0, **_: Any) -> Array:
        targets = np.asarray(to_array(y_true), dtype=like.dtype)
        return losses._smoothed(targets, label_smoothing, targets.shape[-1])

    @classmethod
    def gradient(cls, y_true: Any, y_pred: Array, **options: Any) -> Array:
        targets = cls._targets(y_true, y_pred, **options)
        return ops.categorical_crossentropy_from_probs_backward(y_pred, targets)

    @classmethod
    def from_logits(cls, y_true: Any, logits: Array, **options: Any) -> LossAndGrad:
        targets = cls._targets(y_true, logits, **options)
        per_sample = ops.categorical_crossentropy_from_logits(logits, targets)
        return per_sample, ops.categorical_crossentropy_from_logits_backward(logits, targets)


@register(losses.binary_crossentropy)
class BinaryCrossentropyGradient:
    """``(1 - y) / (1 - p + eps) - y / (p + eps)`` per element on probabilities (0 where the
    clip held), ``sigmoid(z) - y`` from logits; both over ``d``, as the loss is a mean."""

    logits_activation = "sigmoid"

    @staticmethod
    def _targets(y_true: Any, like: Array, label_smoothing: float = 0.0, **_: Any) -> Array:
        return losses._smoothed(losses._targets(y_true, like), label_smoothing, 2)

    @classmethod
    def gradient(cls, y_true: Any, y_pred: Array, **options: Any) -> Array:
        targets = cls._targets(y_true, y_pred, **options)
        grad = ops.binary_crossentropy_from_probs_backward(y_pred, targets)
        return grad / _per_last_axis(y_pred)  # type: ignore[no-any-return]

    @classmethod
    def from_logits(cls, y_true: Any, logits: Array, **options: Any) -> LossAndGrad:
        targets = cls._targets(y_true, logits, **options)
        per_sample = ops.binary_crossentropy_from_logits(logits, targets).mean(axis=-1)
        grad = ops.binary_crossentropy_from_logits_backward(logits, targets)
        return per_sample, grad / _per_last_axis(logits)


@register(losses.mean_squared_error)
class MeanSquaredErrorGradient:
    """``2 (y_pred - y_true) / d``, ``d`` the size of the last axis."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array) -> Array:
        diff = y_pred - losses._targets(y_true, y_pred)
        diff *= y_pred.dtype.type(2.0 / y_pred.shape[-1])  # d/dp of the mean of squares
        return diff  # type: ignore[no-any-return]


@register(losses.mean_absolute_error)
class MeanAbsoluteErrorGradient:
    """``sign(y_pred - y_true) / d``."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array) -> Array:
        diff = y_pred - losses._targets(y_true, y_pred)
        return np.sign(diff) / _per_last_axis(y_pred)  # type: ignore[no-any-return]  # sign(0) = 0, as TF


@register(losses.mean_absolute_percentage_error)
class MeanAbsolutePercentageErrorGradient:
    """``100 sign(y_pred - y_true) / max(|y_true|, eps) / d``."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array) -> Array:
        true = losses._targets(y_true, y_pred)
        scale = np.maximum(np.abs(true), EPSILON)
        grad = (100 * np.sign(y_pred - true) / scale).astype(y_pred.dtype)
        return grad / _per_last_axis(y_pred)  # type: ignore[no-any-return]


@register(losses.hinge)
class HingeGradient:
    """``-y_true / d`` where the margin ``1 - y_true y_pred`` is positive, else 0."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array) -> Array:
        true = losses._signed_labels(losses._targets(y_true, y_pred))
        margin = 1 - true * y_pred
        grad = np.where(margin > 0, -true, 0).astype(y_pred.dtype)
        return grad / _per_last_axis(y_pred)  # type: ignore[no-any-return]


@register(losses.squared_hinge)
class SquaredHingeGradient:
    """``-2 max(1 - y_true y_pred, 0) y_true / d``."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array) -> Array:
        true = losses._signed_labels(losses._targets(y_true, y_pred))
        margin = np.maximum(1 - true * y_pred, 0)
        return (-2 * margin * true).astype(y_pred.dtype) / _per_last_axis(y_pred)  # type: ignore[no-any-return]


@register(losses.poisson)
class PoissonGradient:
    """``(1 - y_true / (y_pred + eps)) / d``."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array) -> Array:
        true = losses._targets(y_true, y_pred)
        grad = (1 - true / (y_pred + EPSILON)).astype(y_pred.dtype)
        return grad / _per_last_axis(y_pred)  # type: ignore[no-any-return]


@register(losses.log_cosh)
class LogCoshGradient:
    """``tanh(y_pred - y_true) / d``."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array) -> Array:
        x = y_pred - losses._targets(y_true, y_pred)
        return np.tanh(x).astype(y_pred.dtype) / _per_last_axis(y_pred)  # type: ignore[no-any-return]


@register(losses.kl_divergence)
class KLDivergenceGradient:
    """``-y_true / y_pred`` (both clipped to ``[eps, 1]``), 0 where the clip held."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array) -> Array:
        t = np.clip(losses._targets(y_true, y_pred), EPSILON, 1)
        p = np.clip(y_pred, EPSILON, 1)
        inside = (y_pred >= EPSILON) & (y_pred <= 1)  # a clip passes no gradient
        return np.where(inside, -t / p, 0).astype(y_pred.dtype)


@register(losses.huber)
class HuberGradient:
    """The error below ``delta``, ``delta * sign(error)`` above it, over ``d``."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array, delta: float = 1.0) -> Array:
        d = y_pred.dtype.type(delta)
        error = y_pred - losses._targets(y_true, y_pred)
        grad = np.where(np.abs(error) <= d, error, d * np.sign(error)).astype(y_pred.dtype)
        return grad / _per_last_axis(y_pred)  # type: ignore[no-any-return]


@register(losses.cosine_similarity)
class CosineSimilarityGradient:
    """``-(t - (t.u) u) / |y_pred|`` for unit vectors ``t``, ``u`` along ``axis``."""

    @staticmethod
    def gradient(y_true: Any, y_pred: Array, axis: int = -1) -> Array:
        true = losses._targets(y_true, y_pred)
        t = true / np.sqrt(np.maximum(np.sum(np.square(true), axis=axis, keepdims=True), 1e-12))
        sq = np.sum(np.square(y_pred), axis=axis, keepdims=True)
        p_norm = np.sqrt(np.maximum(sq, 1e-12))
        u = y_pred / p_norm
        cos = np.sum(t * u, axis=axis, keepdims=True)
        # d(-t.u)/d(pred) = -(t - (t.u) u) / |pred|; below the norm's floor the norm is constant.
        return np.where(sq > 1e-12, -(t - cos * u) / p_norm, -t / p_norm).astype(y_pred.dtype)  # type: ignore[no-any-return]
