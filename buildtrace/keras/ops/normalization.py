"""Batch normalization kernels: training forward, backward, inference, moving statistics.

What Keras 2 does, and what we copy (``keras/layers/normalization/batch_normalization.py``):

* **Training** normalizes with the batch mean and the *biased* batch variance
  (divide by ``count``, not ``count - 1``), on both of Keras' code paths.
* **Moving statistics** are updated as
  ``moving = moving * momentum + batch_stat * (1 - momentum)``, but *which* batch variance goes
  in depends on the code path Keras picks:

  - the **fused** path (``tf.compat.v1.nn.fused_batch_norm``; chosen by default for 4-D inputs
    normalized over axis 1 or 3, and 5-D inputs over axis 1 or 4) feeds the *unbiased*
    (Bessel-corrected, ``* count / (count - 1)``) variance, because that is what TensorFlow's
    ``FusedBatchNorm`` op returns as its batch variance;
  - the **non-fused** path (e.g. 2-D ``Dense`` outputs) uses ``tf.nn.moments`` and feeds the
    *biased* variance.

  :func:`batch_norm_moving_update` therefore takes an explicit ``unbiased`` flag, and
  :func:`keras2_uses_fused_batch_norm` tells a layer which value Keras 2 would use.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]


class BatchNormCache(NamedTuple):
    """What :func:`batch_norm_backward` needs from :func:`batch_norm_train_forward`."""

    x_hat: FloatArray  # normalized input (x - mean) / sqrt(var + epsilon), shape of x
    inv_std: FloatArray  # 1 / sqrt(var + epsilon), broadcastable against x
    gamma: FloatArray  # scale, broadcastable against x
    reduction_axes: tuple[int, ...]  # every axis except the normalized (channel) axis
    reduced_count: int  # values averaged per channel, e.g. N*H*W for an NHWC batch


def _param_shape(x: FloatArray, axis: int, param: FloatArray, name: str) -> tuple[int, ...]:
    """Checks a per-channel parameter and returns the shape that broadcasts it against x."""
    channels = x.shape[axis]
    if param.shape != (channels,):
        raise ValueError(f"{name} must have shape ({channels},), got {param.shape}")
    shape = [1] * x.ndim
    shape[axis] = channels
    return tuple(shape)


def batch_norm_train_forward(
    x: FloatArray,
    gamma: FloatArray,
    beta: FloatArray,
    axis: int = -1,
    epsilon: float = 1e-3,
) -> tuple[FloatArray, FloatArray, FloatArray, BatchNormCache]:
    """Normalizes ``x`` with its own batch statistics (``training=True``).

    Mirrors: ``BatchNormalization.call(training=True)`` in Keras 2, i.e.
    ``tf.compat.v1.nn.fused_batch_norm(is_training=True)`` or ``tf.nn.moments`` +
    ``tf.nn.batch_normalization``; both compute
    ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the biased variance.
    (TF's fused op also raises epsilon to at least 1.001e-5; Keras' default 1e-3 is unaffected.)

    Simplification: one normalized axis only (Keras also accepts a list of axes); pass
    ``gamma=ones`` / ``beta=zeros`` for ``scale=False`` / ``center=False``.

    Args:
        x: Input of any rank >= 1, e.g. ``(N, features)`` or ``(N, H, W, C)``.
        gamma: Scale, shape ``(C,)`` where ``C = x.shape[axis]``.
        beta: Offset, shape ``(C,)``.
        axis: The channel axis that keeps its own statistics; all other axes are reduced.
        epsilon: Added to the variance before the square root (Keras 2 default 1e-3).

    Returns:
        ``(y, mean, var, cache)``: ``y`` has the shape of ``x``; ``mean`` and ``var`` have shape
        ``(C,)`` and ``var`` is the *biased* variance actually used for normalizing (convert it
        with :func:`unbiased_variance` for the fused-path moving update).
    """
    axis = axis % x.ndim
    shape = _param_shape(x, axis, gamma, "gamma")
    _param_shape(x, axis, beta, "beta")
    reduction_axes = tuple(i for i in range(x.ndim) if i != axis)
    mean = x.mean(axis=reduction_axes, keepdims=True)
    # Two-pass variance (subtract the mean first) like tf.nn.moments: more accurate than
    # E[x^2] - E[x]^2, which can cancel catastrophically in float32.
    var = np.square(x - mean).mean(axis=reduction_axes, keepdims=True)
    inv_std = 1 / np.sqrt(var + epsilon)
    x_hat = (x - mean) * inv_std
    scale = gamma.reshape(shape)
    y = x_hat * scale + beta.reshape(shape)
    reduced_count = x.size // x.shape[axis]
    cache = BatchNormCache(x_hat, inv_std, scale, reduction_axes, reduced_count)
    return y, mean.reshape(-1), var.reshape(-1), cache


def batch_norm_backward(
    dy: FloatArray, cache: BatchNormCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gradients of :func:`batch_norm_train_forward` w.r.t. ``x``, ``gamma`` and ``beta``.

    Mirrors: ``tf.raw_ops.FusedBatchNormGradV3(is_training=True)``, the gradient of the training
    forward pass. The gradient flows through the batch mean and variance too (they depend on
    ``x``), which gives the well-known formula::

        dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat)),   g = dy * gamma

    where the means are over the reduced axes.

    Args:
        dy: Upstream gradient, shape of ``x``.
        cache: The cache returned by the forward pass.

    Returns:
        ``(dx, dgamma, dbeta)``; ``dgamma`` and ``dbeta`` have shape ``(C,)``.
    """
    x_hat, inv_std, gamma, axes, _ = cache
    dbeta = dy.sum(axis=axes)
    dgamma = (dy * x_hat).sum(axis=axes)
    g = dy * gamma
    dx = inv_std * (
        g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)
    )
    return dx, dgamma, dbeta


def batch_norm_inference(
    x: FloatArray,
    moving_mean: FloatArray,
    moving_var: FloatArray,
    gamma: FloatArray,
    beta: FloatArray,
    epsilon: float = 1e-3,
    axis: int = -1,
) -> FloatArray:
    """Normalizes ``x`` with the stored moving statistics (``training=False``).

    Mirrors: ``BatchNormalization.call(training=False)`` in Keras 2
    (``fused_batch_norm(is_training=False)`` or ``tf.nn.batch_normalization``):
    ``gamma * (x - moving_mean) / sqrt(moving_var + epsilon) + beta``.

    Args:
        x: Input, any rank >= 1.
        moving_mean: Shape ``(C,)`` where ``C = x.shape[axis]``.
        moving_var: Shape ``(C,)``.
        gamma: Scale, shape ``(C,)``.
        beta: Offset, shape ``(C,)``.
        epsilon: Same epsilon as in training (Keras 2 default 1e-3).
        axis: The channel axis.

    Returns:
        Normalized array with the shape of ``x``.
    """
    axis = axis % x.ndim
    shape = _param_shape(x, axis, gamma, "gamma")
    for name, param in (("beta", beta), ("moving_mean", moving_mean), ("moving_var", moving_var)):
        _param_shape(x, axis, param, name)
    inv_std = 1 / np.sqrt(moving_var.reshape(shape) + epsilon)
    y: FloatArray = (x - moving_mean.reshape(shape)) * inv_std * gamma.reshape(shape)
    return y + beta.reshape(shape)


def unbiased_variance(biased_var: FloatArray, count: int) -> FloatArray:
    """Bessel-corrects a biased variance: ``var * count / (count - 1)``.

    Mirrors: the ``rest_size / (rest_size - 1)`` adjustment in TensorFlow's ``FusedBatchNorm``
    kernel, including its guard: with ``count == 1`` the variance is returned unchanged.

    Args:
        biased_var: Variance computed by dividing by ``count``.
        count: Number of values each variance was computed from.

    Returns:
        The unbiased variance, same shape and dtype.
    """
    return biased_var * (count / max(count - 1, 1))


def moving_average_update(
    moving: FloatArray, batch_value: FloatArray, momentum: float
) -> FloatArray:
    """One exponential-moving-average step: ``moving * momentum + batch_value * (1 - momentum)``.

    Mirrors: ``BatchNormalizationBase._assign_moving_average`` in Keras 2, which writes it as
    ``moving - (moving - batch_value) * (1 - momentum)``; we use the same arithmetic form.

    Args:
        moving: Current moving statistic.
        batch_value: Statistic of the current batch.
        momentum: Weight of the old value (Keras 2 default 0.99).

    Returns:
        The new moving statistic (a new array; the input is not modified).
    """
    return moving - (moving - batch_value) * (1 - momentum)


def batch_norm_moving_update(
    moving_mean: FloatArray,
    moving_var: FloatArray,
    batch_mean: FloatArray,
    batch_var: FloatArray,
    count: int,
    momentum: float = 0.99,
    *,
    unbiased: bool,
) -> tuple[FloatArray, FloatArray]:
    """Updates both moving statistics after a training step, the way Keras 2 does.

    Mirrors: the ``mean_update`` / ``variance_update`` closures of Keras 2's
    ``BatchNormalizationBase`` (fused and non-fused paths, see the module docstring).

    Args:
        moving_mean: Current moving mean, shape ``(C,)``.
        moving_var: Current moving variance, shape ``(C,)``.
        batch_mean: Mean returned by :func:`batch_norm_train_forward`.
        batch_var: *Biased* variance returned by :func:`batch_norm_train_forward`.
        count: ``cache.reduced_count`` from the forward pass (values per channel).
        momentum: Keras 2 default 0.99.
        unbiased: Bessel-correct ``batch_var`` first. Keras 2 does so exactly when it takes the
            fused path: pass ``keras2_uses_fused_batch_norm(x.ndim, axis)``.

    Returns:
        ``(new_moving_mean, new_moving_var)``.
    """
    value = unbiased_variance(batch_var, count) if unbiased else batch_var
    return (
        moving_average_update(moving_mean, batch_mean, momentum),
        moving_average_update(moving_var, value, momentum),
    )


def keras2_uses_fused_batch_norm(ndim: int, axis: int) -> bool:
    """Whether Keras 2's ``BatchNormalization`` picks the fused kernel for this input.

    Mirrors: ``BatchNormalizationBase.build`` with the default ``fused=None`` and no renorm,
    virtual batch size, adjustment or synchronization, in float32: fused is used for 4-D inputs
    normalized over axis 1 or 3 (NCHW / NHWC) and 5-D inputs over axis 1 or 4.

    Args:
        ndim: Rank of the layer input, batch axis included.
        axis: The normalized axis (negative values allowed).

    Returns:
        True when Keras 2 would use the fused path (and thus an unbiased moving variance).
    """
    axis = axis % ndim
    return (ndim == 4 and axis in (1, 3)) or (ndim == 5 and axis in (1, 4))
