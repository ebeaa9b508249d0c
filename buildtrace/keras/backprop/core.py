"""Gradients of the core layers: ``Dense``, ``Embedding``, ``Masking`` and ``Lambda``.

``Dense`` is ``y = f(x @ W + b)``; its rule keeps the pre-activation ``z`` so a fused
softmax/sigmoid crossentropy can start from it (Keras's ``_keras_logits``).

``Lambda`` has no gradient of its own.

A ``Lambda``'s function is arbitrary Python; Keras differentiates it with TensorFlow's
tape, op by op. buildtrace has no op-level tape for it, so a model can train through a
``Lambda`` only where no gradient has to pass through it: when it sits before every
trainable weight (an input normalisation, say), its input gradient is never asked for.
Asked for it, it refuses with the engine's clear "no gradient for layer" message.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations
from buildtrace.keras.backprop import register
from buildtrace.keras.layers.core.dense import Dense
from buildtrace.keras.layers.core.embedding import Embedding
from buildtrace.keras.layers.core.lambda_layer import Lambda
from buildtrace.keras.layers.core.masking import Masking, step_mask


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


@register(Masking)
class MaskingGradient:
    """``y = x · kept``: a skipped step's features are zeroed, and so is their gradient."""

    @staticmethod
    def forward(layer: Masking, inputs: Any, training: bool) -> tuple[Any, Any]:
        kept = step_mask(inputs, layer.mask_value)[..., None].astype(np.asarray(inputs).dtype)
        return np.asarray(inputs) * kept, kept

    @staticmethod
    def backward(
        layer: Masking, dy: Any, kept: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[Any, list[np.ndarray]]:
        return (dy * kept if need_dx else None), []


@register(Dense)
class DenseGradient:
    """Gradients of ``y = f(x @ W + b)``: ``dz = f'·dy``, ``dW = xᵀ dz``, ``db = Σ dz``,
    ``dx = dz Wᵀ`` (over the last axis for inputs of rank > 2)."""

    @staticmethod
    def forward(layer: Dense, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        z = inputs @ layer.kernel.value
        if layer.bias is not None:
            z += layer.bias.value
        if layer.activation is activations.relu:
            # ReLU in place: its gradient only needs the output, so z need not be kept.
            np.maximum(z, 0, out=z)
            return z, (inputs, None, z)
        return layer.activation(z), (inputs, z, None)

    @staticmethod
    def logits(layer: Dense, cache: Any) -> Any:
        """The pre-activation ``x @ W + b`` of a forward pass (None after a ReLU)."""
        return cache[1]

    @staticmethod
    def backward(
        layer: Dense, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        x, z, y = cache
        if wrt_logits or layer.activation is activations.linear:
            dz = dy  # `wrt_logits`: the loss fused softmax/sigmoid and handed back dL/dz
        elif layer.activation is activations.relu:
            dz = dy * (y > 0)
        else:
            backward = activations.backward(layer.activation)
            if backward is None:
                raise NotImplementedError(
                    f"buildtrace has no gradient for the custom activation of {layer.name}."
                )
            dz = backward(dy, z, y if y is not None else layer.activation(z))
        x2 = x.reshape(-1, x.shape[-1])
        dz2 = dz.reshape(-1, dz.shape[-1])
        grads = [x2.T @ dz2]
        if layer.bias is not None:
            grads.append(dz2.sum(axis=0))
        dx = dz @ layer.kernel.value.T if need_dx else None
        return dx, grads
