"""Gradients of the convolutions: ``Conv1D``, ``Conv2D`` (the ``Conv`` base) and
``Conv2DTranspose``.

``y = activation(conv(x, kernel) + bias)``: the activation's gradient first (or none,
when the loss already gives ``dL/d(pre-activation)``), then the convolution's input and
kernel gradients from ``keras/ops``, and the bias gradient, the sum over all but the
channel axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations
from buildtrace.keras.backprop import register
from buildtrace.keras.layers.convolutional.base_conv import Conv
from buildtrace.keras.layers.convolutional.conv2d_transpose import Conv2DTranspose
from buildtrace.keras.ops import conv2d_backward
from buildtrace.keras.ops.conv1d import conv1d_backward
from buildtrace.keras.ops.conv_transpose import conv2d_transpose_backward

Grads = tuple[np.ndarray | None, list[np.ndarray]]


def activation_backward(layer: Any, dy: np.ndarray, z: np.ndarray, wrt_logits: bool) -> Any:
    """``dL/dz`` for ``y = layer.activation(z)``, refusing a function it cannot differentiate."""
    if wrt_logits or layer.activation is activations.linear:
        return dy
    backward = activations.backward(layer.activation)
    if backward is None:
        raise NotImplementedError(
            f"buildtrace has no gradient for the custom activation of {layer.name}."
        )
    return backward(dy, z, layer.activation(z))


@register(Conv)
class ConvGradient:
    @staticmethod
    def forward(layer: Conv, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        z = layer.convolution_op(inputs, layer.kernel.value)
        if layer.bias is not None:
            z = z + layer.bias.value
        return layer.activation(z), (inputs, z)

    @staticmethod
    def logits(layer: Conv, cache: Any) -> Any:
        return cache[1]

    @staticmethod
    def backward(layer: Conv, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        x, z = cache
        dz = activation_backward(layer, dy, z, wrt_logits)
        kernel = layer.kernel.value
        if isinstance(layer, Conv2DTranspose):
            dx, dkernel = conv2d_transpose_backward(
                dz, x, kernel, layer.strides, layer.padding, layer.dilation_rate
            )
        elif layer.rank == 1:
            dx, dkernel = conv1d_backward(
                dz, x, kernel, layer.strides[0], layer.padding, layer.dilation_rate[0]
            )
        else:
            dx, dkernel = conv2d_backward(
                dz, x, kernel, layer.strides, layer.padding, layer.dilation_rate
            )
        grads = [dkernel]
        if layer.bias is not None:
            grads.append(dz.sum(axis=tuple(range(dz.ndim - 1))))
        return (dx if need_dx else None), grads
