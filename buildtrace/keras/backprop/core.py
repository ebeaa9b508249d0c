"""Gradient of ``Lambda``: none of its own.

A ``Lambda``'s function is arbitrary Python; Keras differentiates it with TensorFlow's
tape, op by op. buildtrace has no op-level tape for it, so a model can train through a
``Lambda`` only where no gradient has to pass through it: when it sits before every
trainable weight (an input normalisation, say), its input gradient is never asked for.
Asked for it, it refuses with the engine's clear "no gradient for layer" message.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.core.embedding import Embedding
from buildtrace.keras.layers.core.lambda_layer import Lambda


@register(Lambda)
class LambdaGradient:
    @staticmethod
    def forward(layer: Lambda, inputs: Any, training: bool) -> tuple[Any, Any]:
        return layer.call(inputs, training=training), None

    @staticmethod
    def backward(
        layer: Lambda, dy: Any, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[Any, list[np.ndarray]]:
        if not need_dx:
            return None, []
        raise NotImplementedError(
            f"buildtrace has no gradient for layer {layer.name} ({type(layer).__name__}), so a "
            "model containing it cannot be trained."
        )


@register(Embedding)
class EmbeddingGradient:
    """``y = embeddings[ids]``: each row's gradient is the sum of the gradients of the
    places it was looked up; the integer ids themselves get none (zeros)."""

    @staticmethod
    def forward(layer: Embedding, inputs: Any, training: bool) -> tuple[Any, Any]:
        return layer.call(inputs), np.asarray(inputs)

    @staticmethod
    def backward(
        layer: Embedding, dy: Any, inputs: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[Any, list[np.ndarray]]:
        ids = inputs.astype(np.int64).reshape(-1)
        grad = np.zeros_like(layer.embeddings.value)
        np.add.at(grad, ids, dy.reshape(-1, dy.shape[-1]))
        return (np.zeros_like(inputs) if need_dx else None), [grad]
