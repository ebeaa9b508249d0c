"""Gradients of the pooling layers: windowed (``MaxPooling1D/2D``,
``AveragePooling1D/2D``) and global (``GlobalAverage/MaxPooling1D/2D``).

A maximum sends its gradient to the cell that won (TensorFlow breaks ties towards the
first); a mean shares it equally among the cells it averaged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.pooling.base_global_pooling1d import GlobalPooling1D
from buildtrace.keras.layers.pooling.base_global_pooling2d import GlobalPooling2D
from buildtrace.keras.layers.pooling.base_pooling1d import Pooling1D
from buildtrace.keras.layers.pooling.base_pooling2d import Pooling2D
from buildtrace.keras.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from buildtrace.keras.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D

Grads = tuple[np.ndarray | None, list[np.ndarray]]


@register(Pooling2D)
class Pooling2DGradient:
    @staticmethod
    def forward(layer: Pooling2D, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs), inputs

    @staticmethod
    def backward(
        layer: Pooling2D, dy: np.ndarray, x: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        if not need_dx:
            return None, []
        return layer._pool_backward(dy, x, layer.pool_size, layer.strides, layer.padding), []


@register(Pooling1D)
class Pooling1DGradient:
    @staticmethod
    def forward(layer: Pooling1D, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs), inputs

    @staticmethod
    def backward(
        layer: Pooling1D, dy: np.ndarray, x: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        if not need_dx:
            return None, []
        pool, strides = layer._window()
        dx = layer._pool_backward(dy[:, :, None, :], x[:, :, None, :], pool, strides, layer.padding)
        return dx[:, :, 0, :], []


def _global_backward(layer: Any, dy: np.ndarray, x: np.ndarray) -> np.ndarray:
    axes = layer._axes
    if not layer.keepdims:
        dy = np.expand_dims(dy, axes)
    if isinstance(layer, GlobalAveragePooling1D | GlobalAveragePooling2D):
        count = int(np.prod([x.shape[a] for a in axes]))
        return np.broadcast_to(dy / np.asarray(count, dy.dtype), x.shape).copy()
    # Max: the first cell holding the maximum of its channel gets the whole gradient.
    flat = np.moveaxis(x, -1, 1).reshape(x.shape[0], x.shape[-1], -1)
    winner = flat.argmax(axis=-1)
    mask = np.zeros_like(flat)
    np.put_along_axis(mask, winner[..., None], 1.0, axis=-1)
    mask = np.moveaxis(mask.reshape(x.shape[0], x.shape[-1], *x.shape[1:-1]), 1, -1)
    return mask * dy  # type: ignore[no-any-return]


@register(GlobalPooling1D)
class GlobalPooling1DGradient:
    @staticmethod
    def forward(layer: Any, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs), inputs

    @staticmethod
    def backward(layer: Any, dy: np.ndarray, x: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        return (_global_backward(layer, dy, x) if need_dx else None), []


register(GlobalPooling2D)(GlobalPooling1DGradient)


@register(GlobalAveragePooling1D)
class GlobalAveragePooling1DGradient:
    """The mean over the kept steps: each kept step gets ``dy / kept steps``, the others 0."""

    takes_mask = True

    @staticmethod
    def forward(
        layer: GlobalAveragePooling1D, inputs: np.ndarray, training: bool, mask: Any = None
    ) -> tuple[np.ndarray, Any]:
        return layer.call(inputs, mask=mask), (inputs, mask)

    @staticmethod
    def backward(
        layer: GlobalAveragePooling1D, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        x, mask = cache
        if not need_dx:
            return None, []
        if mask is None:
            return _global_backward(layer, dy, x), []
        kept = layer._kept(x, mask)
        if not layer.keepdims:
            dy = np.expand_dims(dy, layer._axes)
        return dy * kept / kept.sum(axis=layer._axes, keepdims=True), []
