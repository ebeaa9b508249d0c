"""Gradient of ``Normalization`` (``keras/layers/preprocessing/normalization.py``).

Its statistics are constants once adapted (not weights a gradient reaches), so the layer
is affine in its input: the gradient is only scaled.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
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
