"""Gradients of the activation layers (``Activation``, ``ReLU``, ``LeakyReLU``, ``Softmax``)
and of ``Rescaling``: element-wise maps, so ``dx = f'(x) · dy``.

``Activation("softmax")`` (or ``"sigmoid"``) hands its input to the loss as logits, as
Keras 2 marks ``_keras_logits`` on the output of the activation *function*.

``Softmax`` keeps no logits for the loss: Keras 2 marks ``_keras_logits`` only on the
output of the ``softmax`` *activation function*, not of the ``Softmax`` layer, so a
crossentropy after this layer works from the probabilities, as in Keras.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations
from buildtrace.keras.backprop import register
from buildtrace.keras.layers.activation.leaky_relu import LeakyReLU
from buildtrace.keras.layers.activation.relu import ReLU
from buildtrace.keras.layers.activation.softmax import Softmax
from buildtrace.keras.layers.core.activation import Activation
from buildtrace.keras.layers.preprocessing.image_preprocessing import Rescaling
from buildtrace.keras.ops.nn import softmax_backward
from buildtrace.keras.ops.relu_family import relu_with_options_backward

Grads = tuple[np.ndarray | None, list[np.ndarray]]


@register(Activation)
class ActivationGradient:
    @staticmethod
    def forward(layer: Activation, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        y = layer.activation(inputs)
        return y, (inputs, inputs, y)

    @staticmethod
    def logits(layer: Activation, cache: Any) -> Any:
        """The input of the activation: the logits of a softmax or sigmoid."""
        return cache[0]

    @staticmethod
    def backward(
        layer: Activation, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        x, _, y = cache
        if wrt_logits:
            return dy, []
        backward = activations.backward(layer.activation)
        if backward is None:
            raise NotImplementedError(f"buildtrace has no gradient for {layer.name}'s function.")
        return backward(dy, x, y), []


@register(ReLU)
class ReLUGradient:
    @staticmethod
    def forward(layer: ReLU, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs), inputs

    @staticmethod
    def backward(layer: ReLU, dy: np.ndarray, x: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        if not need_dx:
            return None, []
        dx = relu_with_options_backward(
            dy, x, layer.negative_slope, layer.max_value, layer.threshold
        )
        return dx, []


@register(LeakyReLU)
class LeakyReLUGradient:
    @staticmethod
    def forward(layer: LeakyReLU, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs), inputs

    @staticmethod
    def backward(
        layer: LeakyReLU, dy: np.ndarray, x: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return (relu_with_options_backward(dy, x, alpha=layer.alpha) if need_dx else None), []


@register(Softmax)
class SoftmaxGradient:
    @staticmethod
    def forward(layer: Softmax, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        y = layer.call(inputs)
        return y, y

    @staticmethod
    def backward(layer: Softmax, dy: np.ndarray, y: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        if not need_dx:
            return None, []
        axis = layer.axis
        if isinstance(axis, list | tuple):
            dot = (dy * y).sum(axis=tuple(axis), keepdims=True)
            return y * (dy - dot), []
        return softmax_backward(dy, y, axis=axis), []


@register(Rescaling)
class RescalingGradient:
    @staticmethod
    def forward(layer: Rescaling, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs), None

    @staticmethod
    def backward(
        layer: Rescaling, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return (dy * np.asarray(layer.scale, dy.dtype) if need_dx else None), []
