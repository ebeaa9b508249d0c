"""1-D convolution (with Keras's ``causal`` padding) on top of the 2-D kernels.

Mirrors: ``tf.nn.conv1d``, which TensorFlow itself computes as a 2-D convolution of a
height-1 image: ``(N, L, C)`` becomes ``(N, 1, L, C)`` and the ``(k, C, F)`` kernel
``(1, k, C, F)``. ``causal`` padding (``Conv1D`` only) pads ``(k - 1) * dilation`` zeros on
the left and then convolves ``valid``, so step ``t`` never sees a later step.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from .conv import conv2d_backward, conv2d_forward, conv_output_length

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]


def _causal_pad(kernel_size: int, dilation: int) -> int:
    return (kernel_size - 1) * dilation


def conv1d_forward(
    x: FloatArray, kernel: FloatArray, stride: int = 1, padding: str = "valid", dilation: int = 1
) -> FloatArray:
    """Cross-correlation of ``(N, L, C)`` with a ``(k, C, F)`` kernel: ``(N, L', F)``.

    Example:
        >>> conv1d_forward(np.ones((1, 4, 1)), np.ones((2, 1, 1)))[0, :, 0]
        array([2., 2., 2.])
    """
    if padding == "causal":
        x = np.pad(x, ((0, 0), (_causal_pad(kernel.shape[0], dilation), 0), (0, 0)))
        padding = "valid"
    y = conv2d_forward(x[:, None], kernel[None], (1, stride), padding, (1, dilation))
    return y[:, 0]


def conv1d_backward(
    dy: FloatArray,
    x: FloatArray,
    kernel: FloatArray,
    stride: int = 1,
    padding: str = "valid",
    dilation: int = 1,
) -> tuple[FloatArray, FloatArray]:
    """Gradients of :func:`conv1d_forward`: ``(dx, dkernel)``."""
    pad = 0
    if padding == "causal":
        pad = _causal_pad(kernel.shape[0], dilation)
        x = np.pad(x, ((0, 0), (pad, 0), (0, 0)))
        padding = "valid"
    dx, dkernel = conv2d_backward(
        dy[:, None], x[:, None], kernel[None], (1, stride), padding, (1, dilation)
    )
    return dx[:, 0, pad:], dkernel[0]


def conv1d_output_length(
    length: int | None, kernel_size: int, padding: str, stride: int, dilation: int = 1
) -> int | None:
    """The output length; ``causal`` keeps the length like ``same`` (for stride 1)."""
    if padding == "causal":
        return conv_output_length(length, kernel_size, "same", stride, dilation)
    return conv_output_length(length, kernel_size, padding, stride, dilation)
