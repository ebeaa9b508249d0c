"""Transposed 2-D convolution: the adjoint of :func:`conv2d_forward`.

Mirrors: ``tf.nn.conv2d_transpose`` (``Conv2DBackpropInput``) as called by
``keras/layers/convolutional/conv2d_transpose.py``: every input pixel scatters a
``kernel``-sized stamp onto a larger output. The kernel is ``(kh, kw, filters, C_in)``,
the layout of the forward convolution that maps the output back to the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from .conv import conv2d_forward, extract_patches, extract_patches_backward

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]
Pair = tuple[int, ...]


def deconv_output_length(
    length: int | None, kernel_size: int, padding: str, stride: int, dilation: int = 1
) -> int | None:
    """One side of a transposed convolution's output.

    Mirrors: ``keras/utils/conv_utils.py::deconv_output_length`` (no ``output_padding``).

    Example:
        >>> deconv_output_length(7, 3, "same", 2), deconv_output_length(7, 3, "valid", 2)
        (14, 15)
    """
    if length is None:
        return None
    span = kernel_size + (kernel_size - 1) * (dilation - 1)
    if padding == "valid":
        return length * stride + max(span - stride, 0)
    return length * stride


def conv2d_input_gradient(
    dy: FloatArray,
    input_shape: Sequence[int],
    kernel: FloatArray,
    strides: Pair,
    padding: str,
    dilation: Pair,
) -> FloatArray:
    """``d conv2d(x, kernel) / dx`` applied to ``dy``, for an ``x`` of ``input_shape``."""
    kh, kw, c_in, c_out = kernel.shape
    n, out_h, out_w, _ = dy.shape
    rows = dy.reshape(n * out_h * out_w, c_out) @ kernel.reshape(kh * kw * c_in, c_out).T
    dpatches = rows.reshape(n, out_h, out_w, kh, kw, c_in)
    return extract_patches_backward(dpatches, input_shape, (kh, kw), strides, padding, dilation)


def conv2d_transpose_forward(
    x: FloatArray,
    kernel: FloatArray,
    strides: Pair = (1, 1),
    padding: str = "valid",
    dilation: Pair = (1, 1),
) -> FloatArray:
    """``(N, H, W, C_in)`` -> ``(N, H', W', filters)`` with ``H' = deconv_output_length(H)``."""
    n, h, w, _ = x.shape
    kh, kw, filters, _ = kernel.shape
    out_h = deconv_output_length(h, kh, padding, strides[0], dilation[0])
    out_w = deconv_output_length(w, kw, padding, strides[1], dilation[1])
    shape = (n, int(out_h or 0), int(out_w or 0), filters)
    return conv2d_input_gradient(x, shape, kernel, strides, padding, dilation)


def conv2d_transpose_backward(
    dy: FloatArray,
    x: FloatArray,
    kernel: FloatArray,
    strides: Pair = (1, 1),
    padding: str = "valid",
    dilation: Pair = (1, 1),
) -> tuple[FloatArray, FloatArray]:
    """Gradients of :func:`conv2d_transpose_forward`: ``(dx, dkernel)``.

    ``y = Cᵀ x`` for the convolution ``C``; so ``dx = C dy`` and ``dkernel`` is the
    filter gradient of the convolution of ``dy`` with ``x`` as its output gradient.
    """
    kh, kw, filters, c_in = kernel.shape
    dx = conv2d_forward(dy, kernel, strides, padding, dilation)
    patches = extract_patches(dy, (kh, kw), strides, padding, dilation)
    n, h, w = patches.shape[:3]
    cols = patches.reshape(n * h * w, kh * kw * filters)
    dkernel = (cols.T @ x.reshape(n * h * w, c_in)).reshape(kernel.shape)
    return dx, dkernel
