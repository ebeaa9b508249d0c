"""Gradients of ``BatchNormalization`` (``keras/ops/normalization.py``) and
``LayerNormalization`` (``keras/ops/layer_normalization.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.normalization.batch_normalization import BatchNormalization
from buildtrace.keras.layers.normalization.layer_normalization import LayerNormalization
from buildtrace.keras.ops import batch_norm_backward
from buildtrace.keras.ops.layer_normalization import layer_norm_backward, layer_norm_forward


@register(BatchNormalization)
class BatchNormalizationGradient:
    """In training the batch statistics are functions of ``x`` too; in inference mode (or
    frozen) the layer is affine in ``x`` and its weights are not trained."""

    @staticmethod
    def forward(
        layer: BatchNormalization, inputs: np.ndarray, training: bool
    ) -> tuple[np.ndarray, Any]:
        if not training or not layer.trainable:
            return layer.call(inputs, training=False), None
        return layer._normalize_batch(inputs)

    @staticmethod
    def backward(
        layer: BatchNormalization, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        dx, dgamma, dbeta = batch_norm_backward(dy, cache)
        grads = ([dgamma] if layer.scale else []) + ([dbeta] if layer.center else [])
        return dx, grads


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
