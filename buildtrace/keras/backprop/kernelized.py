"""Gradient of ``RandomFourierFeatures``: ``y = cos(z)``, ``z = x @ (U / s) + b``.

``dz = -sin(z) · dy``; ``dx = dz (U / s)ᵀ``; only ``s`` (``kernel_scale``) can train, and
``dz/ds = -(x @ U) / s²``, so ``ds = -Σ dz · (x @ U) / s²``. ``U`` and ``b`` never train.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.kernelized import RandomFourierFeatures


@register(RandomFourierFeatures)
class RandomFourierFeaturesGradient:
    """``forward`` keeps ``x @ U``, ``z`` and ``s``; ``backward`` applies the formulas above."""

    @staticmethod
    def forward(
        layer: RandomFourierFeatures, inputs: np.ndarray, training: bool
    ) -> tuple[np.ndarray, Any]:
        s = layer.kernel_scale.value
        xu = inputs.astype(np.float32) @ layer.unscaled_kernel.value
        # Keras scales the kernel, not the product: the same numbers to float32 rounding.
        z = inputs.astype(np.float32) @ ((1.0 / s) * layer.unscaled_kernel.value)
        z += layer.bias.value
        return np.cos(z), (xu, z, s)

    @staticmethod
    def backward(
        layer: RandomFourierFeatures, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        xu, z, s = cache
        dz = -np.sin(z) * dy
        dx = dz @ ((1.0 / s) * layer.unscaled_kernel.value).T if need_dx else None
        grads = [np.array([-np.sum(dz * xu) / (s[0] * s[0])], dtype=np.float32)]
        return dx, grads if layer.trainable else []
