"""Layer normalization: each sample normalised over its own features, with gradients.

Mirrors: ``keras/layers/normalization/layer_normalization.py::LayerNormalization.call``
(``tf.nn.moments`` then ``tf.nn.batch_normalization``; the fused path TensorFlow takes
for a trailing axis computes the same numbers): ``y = gamma * (x - mean) / sqrt(var +
epsilon) + beta``, mean and (biased) variance over ``axes``, per sample.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]


class LayerNormCache(NamedTuple):
    """What the backward pass needs: the normalised input and ``1 / sqrt(var + eps)``."""

    x_hat: FloatArray
    inv_std: FloatArray


def layer_norm_forward(
    x: FloatArray,
    gamma: FloatArray | None,
    beta: FloatArray | None,
    axes: tuple[int, ...],
    epsilon: float,
) -> tuple[FloatArray, LayerNormCache]:
    """Normalise ``x`` over ``axes``; ``gamma``/``beta`` already broadcastable to ``x``.

    Example:
        >>> y, _ = layer_norm_forward(np.array([[1.0, 3.0]]), None, None, (1,), 0.0)
        >>> y
        array([[-1.,  1.]])
    """
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + np.asarray(epsilon, x.dtype))
    x_hat = centred * inv_std
    y = x_hat
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y.astype(x.dtype, copy=False), LayerNormCache(x_hat, inv_std)


def layer_norm_backward(
    dy: FloatArray, cache: LayerNormCache, gamma: FloatArray | None, axes: tuple[int, ...]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(dx, dgamma, dbeta)``; ``dgamma``/``dbeta`` in the broadcast shape of ``gamma``.

    With ``g = dy * gamma``: ``dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))``,
    means over ``axes`` (the normalisation couples every feature of a sample).
    """
    x_hat, inv_std = cache
    g = dy * gamma if gamma is not None else dy
    dx = inv_std * (
        g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)
    )
    others = tuple(i for i in range(dy.ndim) if i not in axes)
    dgamma = (dy * x_hat).sum(axis=others, keepdims=True)
    dbeta = dy.sum(axis=others, keepdims=True)
    return dx, dgamma, dbeta
