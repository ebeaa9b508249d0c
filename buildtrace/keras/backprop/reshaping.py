"""Gradients of the reshaping layers. ``Flatten`` and ``Reshape`` only relabel the cells, so
the gradient is reshaped back; for ``UpSampling2D``, ``ZeroPadding2D``, ``RepeatVector``
and ``Permute`` each input cell's gradient is the sum over the cells it was copied to,
its own cell once the border is cut off, or the inverse transpose."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.reshaping.flatten import Flatten
from buildtrace.keras.layers.reshaping.permute import Permute
from buildtrace.keras.layers.reshaping.repeat_vector import RepeatVector
from buildtrace.keras.layers.reshaping.reshape import Reshape
from buildtrace.keras.layers.reshaping.up_sampling2d import UpSampling2D
from buildtrace.keras.layers.reshaping.zero_padding2d import ZeroPadding2D
from buildtrace.keras.ops.resize import upsample_nearest_backward, zero_pad2d_backward

Grads = tuple[np.ndarray | None, list[np.ndarray]]


@register(Flatten)
@register(Reshape)
class ReshapeGradient:
    """The cells are the same, only their shape changes: reshape the gradient back."""

    @staticmethod
    def forward(layer: Flatten | Reshape, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        return layer.call(inputs), inputs.shape

    @staticmethod
    def backward(
        layer: Flatten | Reshape, dy: np.ndarray, shape: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return dy.reshape(shape), []


@register(UpSampling2D)
class UpSampling2DGradient:
    @staticmethod
    def forward(layer: UpSampling2D, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        return layer.call(inputs), None

    @staticmethod
    def backward(
        layer: UpSampling2D, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return (upsample_nearest_backward(dy, layer.size) if need_dx else None), []  # type: ignore[arg-type]


@register(ZeroPadding2D)
class ZeroPadding2DGradient:
    @staticmethod
    def forward(layer: ZeroPadding2D, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        return layer.call(inputs), None

    @staticmethod
    def backward(
        layer: ZeroPadding2D, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return (zero_pad2d_backward(dy, layer.padding) if need_dx else None), []


@register(RepeatVector)
class RepeatVectorGradient:
    """Each copy's gradient flows back to the one vector: their sum."""

    @staticmethod
    def forward(layer: RepeatVector, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        return layer.call(inputs), None

    @staticmethod
    def backward(
        layer: RepeatVector, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return (dy.sum(axis=1) if need_dx else None), []


@register(Permute)
class PermuteGradient:
    """A transpose's gradient is the inverse transpose."""

    @staticmethod
    def forward(layer: Permute, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        return layer.call(inputs), None

    @staticmethod
    def backward(
        layer: Permute, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        if not need_dx:
            return None, []
        return np.transpose(dy, np.argsort((0, *layer.dims))), []
