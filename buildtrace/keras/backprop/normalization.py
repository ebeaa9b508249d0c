"""Gradient of ``LayerNormalization`` (``keras/ops/layer_normalization.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.normalization.layer_normalization import LayerNormalization
from buildtrace.keras.ops.layer_normalization import layer_norm_backward, layer_norm_forward


@register(LayerNormalization)
class LayerNormalizationGradient:
    @staticmethod
    def forward(
        layer: LayerNormalization, inputs: np.ndarray, training: bool
    ) -> tuple[np.ndarray, Any]:
        gamma = layer._broadcast(layer.gamma, inputs.ndim)
        beta = layer._broadcast(layer.beta, inputs.ndim)
        y, cache = layer_norm_forward(inputs, gamma, beta, tuple(layer.axis), layer.epsilon)
        return y, (cache, gamma)

    @staticmethod
    def backward(
        layer: LayerNormalization, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        norm_cache, gamma = cache
        dx, dgamma, dbeta = layer_norm_backward(dy, norm_cache, gamma, tuple(layer.axis))
        grads = []
        if layer.gamma is not None:
            grads.append(dgamma.reshape(layer.gamma.shape))
        if layer.beta is not None:
            grads.append(dbeta.reshape(layer.beta.shape))
        return (dx if need_dx else None), grads
