"""2-D convolution (channels_last / NHWC) and the window arithmetic shared with pooling.

Everything in this module is built from two primitives:

* :func:`extract_patches` ("im2col"): a zero-copy strided *view* that lists, for every output
  position, the input cells that the (possibly dilated) kernel window covers;
* :func:`extract_patches_backward` ("col2im"): its adjoint, which adds patch gradients back onto
  the input cells they were read from.

A convolution is then ``extract_patches`` followed by one matrix multiply, and its gradient is one
matrix multiply followed by ``extract_patches_backward``. ``pooling.py`` reuses the same pair.

Shapes follow Keras 2 with ``data_format="channels_last"``: images are ``(N, H, W, C)`` and
kernels are ``(kh, kw, C_in, C_out)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]
IntPair: TypeAlias = int | Sequence[int]
Shape: TypeAlias = Sequence[int | None]


def _pair(value: IntPair, name: str) -> tuple[int, int]:
    """Turns ``3`` or ``(3, 3)`` into ``(3, 3)``, like Keras' ``conv_utils.normalize_tuple``."""
    if isinstance(value, int | np.integer):
        pair = (int(value), int(value))
    else:
        items = tuple(int(v) for v in value)
        if len(items) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        pair = (items[0], items[1])
    if min(pair) < 1:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return pair


def _normalize_padding(padding: str) -> str:
    """Lower-cases and checks ``padding``, like Keras' ``conv_utils.normalize_padding``."""
    normalized = padding.lower()
    if normalized not in ("valid", "same"):
        raise ValueError(f'padding must be "valid" or "same", got {padding!r}')
    return normalized


def conv_output_length(
    input_length: int | None, filter_size: int, padding: str, stride: int, dilation: int = 1
) -> int | None:
    """Length of one spatial axis after a convolution or pooling window slides over it.

    Mirrors: ``keras/utils/conv_utils.py::conv_output_length`` (Keras 2), which every Keras 2
    Conv and Pooling layer uses in ``compute_output_shape``. Like Keras, the result is *not*
    clamped: a window larger than a "valid" input gives zero or a negative number, and
    ``None`` (unknown length) stays ``None``.

    Args:
        input_length: Length of the input axis, or None when unknown.
        filter_size: Kernel (or pool) size along the axis.
        padding: "valid", "same", "full" or "causal" (the last two only for completeness).
        stride: Step between windows.
        dilation: Gap between kernel taps; the window covers (filter_size-1)*dilation+1 cells.

    Returns:
        The output length, or None when ``input_length`` is None.
    """
    if input_length is None:
        return None
    if padding not in ("same", "valid", "full", "causal"):
        raise ValueError(f"unknown padding {padding!r}")
    dilated_filter_size = (filter_size - 1) * dilation + 1
    if padding in ("same", "causal"):
        output_length = input_length
    elif padding == "valid":
        output_length = input_length - dilated_filter_size + 1
    else:  # "full"
        output_length = input_length + dilated_filter_size - 1
    # Integer ceil(output_length / stride); Python's floor division keeps Keras' exact result.
    return (output_length + stride - 1) // stride


def same_padding(
    input_length: int, filter_size: int, stride: int, dilation: int = 1
) -> tuple[int, int]:
    """Zeros added (before, after) one axis by TensorFlow's ``padding="SAME"``.

    Mirrors: ``GetWindowedOutputSizeVerbose`` in ``tensorflow/core/framework/kernel_shape_util.cc``
    (used by ``tf.nn.conv2d``, ``tf.nn.max_pool2d`` and ``tf.nn.avg_pool2d``).

    TensorFlow picks the smallest padding that gives ``ceil(input / stride)`` outputs and, when
    that total is odd, puts the extra cell *after* (bottom/right). Other frameworks pad
    symmetrically or put the extra cell first, which shifts every output by one pixel.

    Args:
        input_length: Length of the input axis.
        filter_size: Kernel (or pool) size along the axis.
        stride: Step between windows.
        dilation: Gap between kernel taps.

    Returns:
        ``(pad_before, pad_after)``.
    """
    effective_size = (filter_size - 1) * dilation + 1
    output_length = -(-input_length // stride)  # ceil division
    pad_total = max((output_length - 1) * stride + effective_size - input_length, 0)
    return pad_total // 2, pad_total - pad_total // 2


def _window_geometry(
    spatial: tuple[int, int],
    kernel_size: IntPair,
    strides: IntPair,
    padding: str,
    dilation_rate: IntPair,
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Normalizes the window arguments and works out output size and padding for both axes.

    Returns:
        ``(kernel, strides, dilation, (out_h, out_w), (pad_top, pad_left))``. Only the padding
        *before* each axis is returned: the padding after it follows from how far the last
        window reaches (see :func:`_padded_extent`).
    """
    kernel = _pair(kernel_size, "kernel_size")
    stride = _pair(strides, "strides")
    dilation = _pair(dilation_rate, "dilation_rate")
    padding = _normalize_padding(padding)
    out: list[int] = []
    for axis in range(2):
        length = conv_output_length(
            spatial[axis], kernel[axis], padding, stride[axis], dilation[axis]
        )
        assert length is not None  # spatial sizes of a real array are always known
        if length <= 0:
            effective = (kernel[axis] - 1) * dilation[axis] + 1
            raise ValueError(
                f"input size {spatial[axis]} is smaller than the effective window size "
                f"{effective} along spatial axis {axis} with padding='valid'"
            )
        out.append(length)
    top = left = 0
    if padding == "same":
        top = same_padding(spatial[0], kernel[0], stride[0], dilation[0])[0]
        left = same_padding(spatial[1], kernel[1], stride[1], dilation[1])[0]
    return kernel, stride, dilation, (out[0], out[1]), (top, left)


def _padded_extent(out: int, kernel: int, stride: int, dilation: int) -> int:
    """Number of (padded) input cells that the windows of one axis actually touch."""
    return (out - 1) * stride + (kernel - 1) * dilation + 1


def extract_patches(
    x: FloatArray,
    kernel_size: IntPair,
    strides: IntPair = 1,
    padding: str = "valid",
    dilation_rate: IntPair = 1,
    pad_value: float = 0.0,
) -> FloatArray:
    """Gathers every kernel window of an NHWC batch into a 6-D array ("im2col").

    Mirrors: the implicit patch gathering inside ``tf.nn.conv2d`` / ``tf.nn.max_pool2d``
    (and, as a public op, ``tf.image.extract_patches`` with the axes split out).

    The result is a read-only *view* of a padded copy of ``x`` made with
    ``np.lib.stride_tricks.as_strided``: no pixel is copied per window, we only tell numpy how
    many bytes to step for each of the six indices.

    Args:
        x: Input batch, shape ``(N, H, W, C)``.
        kernel_size: Window size ``(kh, kw)`` (or one int for both).
        strides: Window step ``(sh, sw)``.
        padding: "valid" (no padding) or "same" (TensorFlow's rule, see :func:`same_padding`).
        dilation_rate: Gap ``(dh, dw)`` between the taps of one window.
        pad_value: Value of the padded cells (0 for convolution, -inf for max pooling).

    Returns:
        Array of shape ``(N, out_h, out_w, kh, kw, C)`` where
        ``patches[n, i, j, a, b, c] == x_padded[n, i*sh + a*dh, j*sw + b*dw, c]``.
    """
    if x.ndim != 4:
        raise ValueError(f"expected an (N, H, W, C) array, got shape {x.shape}")
    kernel, stride, dilation, (out_h, out_w), (top, left) = _window_geometry(
        (x.shape[1], x.shape[2]), kernel_size, strides, padding, dilation_rate
    )
    # Pad only what the windows touch; TF's SAME padding can leave trailing cells unused.
    bottom = _padded_extent(out_h, kernel[0], stride[0], dilation[0]) - top - x.shape[1]
    right = _padded_extent(out_w, kernel[1], stride[1], dilation[1]) - left - x.shape[2]
    if top or left or bottom > 0 or right > 0:
        widths = ((0, 0), (top, max(bottom, 0)), (left, max(right, 0)), (0, 0))
        x = np.pad(x, widths, mode="constant", constant_values=pad_value)
    s_n, s_h, s_w, s_c = x.strides
    return np.lib.stride_tricks.as_strided(
        x,
        shape=(x.shape[0], out_h, out_w, kernel[0], kernel[1], x.shape[3]),
        strides=(s_n, s_h * stride[0], s_w * stride[1], s_h * dilation[0], s_w * dilation[1], s_c),
        writeable=False,  # windows overlap, so writing through the view would be a bug
    )


def extract_patches_backward(
    dpatches: FloatArray,
    input_shape: Sequence[int],
    kernel_size: IntPair,
    strides: IntPair = 1,
    padding: str = "valid",
    dilation_rate: IntPair = 1,
) -> FloatArray:
    """Adds patch gradients back onto the input cells they came from ("col2im").

    This is the exact adjoint (gradient) of :func:`extract_patches`: an input cell read by
    several overlapping windows receives the *sum* of their gradients, and gradients that land
    on padding are dropped.

    Mirrors: the input-gradient scatter inside ``Conv2DBackpropInput`` / ``MaxPoolGrad`` /
    ``AvgPoolGrad``.

    We loop over the ``kh * kw`` kernel taps, never over pixels: for one fixed tap ``(a, b)`` the
    windows read a regular strided grid of input cells with no repeats, so a single sliced
    ``+=`` handles every window at once.

    Args:
        dpatches: Gradient w.r.t. the patches, shape ``(N, out_h, out_w, kh, kw, C)``.
        input_shape: Shape ``(N, H, W, C)`` of the array the patches were extracted from.
        kernel_size: Same value as passed to :func:`extract_patches`.
        strides: Same value as passed to :func:`extract_patches`.
        padding: Same value as passed to :func:`extract_patches`.
        dilation_rate: Same value as passed to :func:`extract_patches`.

    Returns:
        Gradient w.r.t. the input, shape ``input_shape``, dtype of ``dpatches``.
    """
    n, height, width, channels = (int(d) for d in input_shape)
    kernel, stride, dilation, (out_h, out_w), (top, left) = _window_geometry(
        (height, width), kernel_size, strides, padding, dilation_rate
    )
    padded_h = max(_padded_extent(out_h, kernel[0], stride[0], dilation[0]), top + height)
    padded_w = max(_padded_extent(out_w, kernel[1], stride[1], dilation[1]), left + width)
    dx_padded = np.zeros((n, padded_h, padded_w, channels), dtype=dpatches.dtype)
    rows_span = (out_h - 1) * stride[0] + 1
    cols_span = (out_w - 1) * stride[1] + 1
    for a in range(kernel[0]):
        for b in range(kernel[1]):
            r0, c0 = a * dilation[0], b * dilation[1]
            dx_padded[:, r0 : r0 + rows_span : stride[0], c0 : c0 + cols_span : stride[1], :] += (
                dpatches[:, :, :, a, b, :]
            )
    return dx_padded[:, top : top + height, left : left + width, :]


def conv2d_forward(
    x: FloatArray,
    kernel: FloatArray,
    strides: IntPair = 1,
    padding: str = "valid",
    dilation_rate: IntPair = 1,
) -> FloatArray:
    """2-D cross-correlation of an NHWC batch with an HWIO kernel (no bias).

    Mirrors: ``tf.nn.convolution`` / ``tf.nn.conv2d`` (NHWC) as called by
    ``keras/layers/convolutional/base_conv.py`` (``Conv2D.call``). Like TensorFlow (and unlike
    the textbook definition) the kernel is not flipped. The bias add and activation that
    ``Conv2D`` applies afterwards are left to the caller.

    Simplification: Keras 2's ``Conv2D`` refuses ``strides > 1`` together with
    ``dilation_rate > 1``; this kernel computes that combination anyway (it is well defined).

    Args:
        x: Input batch, shape ``(N, H, W, C_in)``.
        kernel: Filters, shape ``(kh, kw, C_in, C_out)``.
        strides: ``(sh, sw)`` or one int.
        padding: "valid" or "same" (TensorFlow's SAME rule, see :func:`same_padding`).
        dilation_rate: ``(dh, dw)`` or one int.

    Returns:
        Output of shape ``(N, out_h, out_w, C_out)`` as given by :func:`conv2d_output_shape`.
    """
    kh, kw, c_in, c_out = _check_kernel(x, kernel)
    patches = extract_patches(x, (kh, kw), strides, padding, dilation_rate)
    n, out_h, out_w = patches.shape[:3]
    # im2col: one row per output pixel, one column per (tap, input channel). The kernel reshapes
    # to the matching (kh*kw*C_in, C_out) matrix because both are ordered (row, col, channel).
    cols = patches.reshape(n * out_h * out_w, kh * kw * c_in)
    y = cols @ kernel.reshape(kh * kw * c_in, c_out)
    return y.reshape(n, out_h, out_w, c_out)


def conv2d_backward(
    dy: FloatArray,
    x: FloatArray,
    kernel: FloatArray,
    strides: IntPair = 1,
    padding: str = "valid",
    dilation_rate: IntPair = 1,
) -> tuple[FloatArray, FloatArray]:
    """Gradients of :func:`conv2d_forward` w.r.t. its input and its kernel.

    Mirrors: ``tf.raw_ops.Conv2DBackpropInput`` and ``tf.raw_ops.Conv2DBackpropFilter`` (the
    registered gradient of ``Conv2D``). The bias gradient of a Keras ``Conv2D`` is simply
    ``dy.sum(axis=(0, 1, 2))`` and is left to the caller.

    The patches are re-extracted from ``x`` instead of being cached: it is a cheap view.

    Args:
        dy: Upstream gradient, shape ``(N, out_h, out_w, C_out)``.
        x: The forward input, shape ``(N, H, W, C_in)``.
        kernel: The forward kernel, shape ``(kh, kw, C_in, C_out)``.
        strides: Same value as in the forward call.
        padding: Same value as in the forward call.
        dilation_rate: Same value as in the forward call.

    Returns:
        ``(dx, dkernel)`` with the shapes of ``x`` and ``kernel``.
    """
    kh, kw, c_in, c_out = _check_kernel(x, kernel)
    patches = extract_patches(x, (kh, kw), strides, padding, dilation_rate)
    n, out_h, out_w = patches.shape[:3]
    if dy.shape != (n, out_h, out_w, c_out):
        raise ValueError(f"dy has shape {dy.shape}, expected {(n, out_h, out_w, c_out)}")
    cols = patches.reshape(n * out_h * out_w, kh * kw * c_in)
    dy_rows = dy.reshape(n * out_h * out_w, c_out)
    # y = cols @ W  =>  dW = cols^T @ dy  and  dcols = dy @ W^T.
    dkernel = (cols.T @ dy_rows).reshape(kernel.shape)
    dcols = dy_rows @ kernel.reshape(kh * kw * c_in, c_out).T
    dpatches = dcols.reshape(n, out_h, out_w, kh, kw, c_in)
    dx = extract_patches_backward(dpatches, x.shape, (kh, kw), strides, padding, dilation_rate)
    return dx, dkernel


def _check_kernel(x: FloatArray, kernel: FloatArray) -> tuple[int, int, int, int]:
    """Validates the NHWC / HWIO pair and returns ``(kh, kw, C_in, C_out)``."""
    if x.ndim != 4 or kernel.ndim != 4:
        raise ValueError(f"expected 4-D x and kernel, got shapes {x.shape} and {kernel.shape}")
    kh, kw, c_in, c_out = kernel.shape
    if x.shape[3] != c_in:
        raise ValueError(f"x has {x.shape[3]} channels but the kernel expects {c_in}")
    return kh, kw, c_in, c_out


def conv2d_output_shape(
    input_shape: Shape,
    kernel_size: IntPair,
    strides: IntPair = 1,
    padding: str = "valid",
    dilation_rate: IntPair = 1,
    filters: int | None = None,
) -> tuple[int | None, ...]:
    """Static output shape of :func:`conv2d_forward`, allowing unknown (None) dimensions.

    Mirrors: ``Conv.compute_output_shape`` in ``keras/layers/convolutional/base_conv.py``
    (channels_last), which applies :func:`conv_output_length` to each spatial axis. As in Keras
    the numbers are not clamped, so a too-small "valid" input can yield 0 or a negative size
    (the Keras layer then raises; :func:`conv2d_forward` raises too).

    Args:
        input_shape: ``(batch, rows, cols, channels)``; any entry may be None.
        kernel_size: ``(kh, kw)`` or one int.
        strides: ``(sh, sw)`` or one int.
        padding: "valid" or "same".
        dilation_rate: ``(dh, dw)`` or one int.
        filters: Number of output channels; None leaves the channel dimension unknown.

    Returns:
        ``(batch, out_rows, out_cols, filters)``.
    """
    if len(input_shape) != 4:
        raise ValueError(f"expected a 4-D (batch, rows, cols, channels) shape, got {input_shape}")
    kernel = _pair(kernel_size, "kernel_size")
    stride = _pair(strides, "strides")
    dilation = _pair(dilation_rate, "dilation_rate")
    padding = _normalize_padding(padding)
    rows, cols = (
        conv_output_length(input_shape[1 + i], kernel[i], padding, stride[i], dilation[i])
        for i in range(2)
    )
    return (input_shape[0], rows, cols, filters)
