"""Gradients of the preprocessing layers (``keras/layers/preprocessing/``).

``Normalization``'s statistics are constants once adapted (not weights a gradient
reaches), so the layer is affine in its input: the gradient is only scaled.
``Discretization``, ``CategoryEncoding`` and the lookups output steps (or indices) of
their input: no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.preprocessing.category_encoding import CategoryEncoding
from buildtrace.keras.layers.preprocessing.discretization import Discretization
from buildtrace.keras.layers.preprocessing.index_lookup import IndexLookup
from buildtrace.keras.layers.preprocessing.normalization import Normalization


@register(Normalization)
class NormalizationGradient:
    """``y = (x - mean) / d`` gives ``dx = dy / d``; inverted, ``y = mean + x * d`` gives
    ``dx = dy * d`` (``d = max(sqrt(variance), epsilon)``). No trainable weights."""

    @staticmethod
    def forward(layer: Normalization, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs), None

    @staticmethod
    def backward(
        layer: Normalization, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        if not need_dx:
            return None, []
        scale = layer._denominator()
        dx = dy * scale if layer.invert else dy / scale
        return dx.astype(dy.dtype, copy=False), []


class _ConstantGradient:
    """Integer bins, category vectors and vocabulary indices are steps of their input:
    the gradient through them is zero (TensorFlow has none; the layers before get
    nothing)."""

    @staticmethod
    def forward(layer: Any, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs), np.shape(inputs)

    @staticmethod
    def backward(
        layer: Any, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        return (np.zeros(cache, np.float32) if need_dx else None), []  # shape of the input


register(CategoryEncoding)(_ConstantGradient)
register(Discretization)(_ConstantGradient)
register(IndexLookup)(_ConstantGradient)
