"""2-D max and average pooling (channels_last / NHWC) with exact gradients.

Pooling reuses the window machinery of ``conv.py``: :func:`~.conv.extract_patches` lists the
cells of every pooling window and :func:`~.conv.extract_patches_backward` sends window
gradients back to the input cells.

TensorFlow semantics for ``padding="same"`` that are easy to get wrong:

* max pooling pads with ``-inf``, so a padded cell can never be the maximum;
* average pooling divides by the number of *real* input cells in the window, not by
  ``pool_h * pool_w``: padded cells are not counted.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from .conv import (
    IntPair,
    Shape,
    _normalize_padding,
    _pair,
    conv_output_length,
    extract_patches,
    extract_patches_backward,
)

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]


def _pool_args(
    pool_size: IntPair, strides: IntPair | None
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Normalizes pool size and strides; ``strides=None`` means "same as pool_size" (Keras 2)."""
    pool = _pair(pool_size, "pool_size")
    return pool, pool if strides is None else _pair(strides, "strides")


def max_pool2d_forward(
    x: FloatArray,
    pool_size: IntPair = 2,
    strides: IntPair | None = None,
    padding: str = "valid",
) -> FloatArray:
    """Maximum over each pooling window.

    Mirrors: ``tf.nn.max_pool2d`` (NHWC) as called by ``keras/layers/pooling/max_pooling2d.py``
    (``MaxPooling2D``). With ``padding="same"`` the padded cells hold ``-inf`` and so never win.

    Args:
        x: Input batch, shape ``(N, H, W, C)``.
        pool_size: ``(ph, pw)`` or one int.
        strides: ``(sh, sw)``, one int, or None to use ``pool_size`` (the Keras 2 default).
        padding: "valid" or "same" (TensorFlow's SAME rule).

    Returns:
        Pooled batch of shape ``(N, out_h, out_w, C)``.
    """
    pool, stride = _pool_args(pool_size, strides)
    patches = extract_patches(x, pool, stride, padding, pad_value=-np.inf)
    maxima: FloatArray = patches.max(axis=(3, 4))
    return maxima


def max_pool2d_backward(
    dy: FloatArray,
    x: FloatArray,
    pool_size: IntPair = 2,
    strides: IntPair | None = None,
    padding: str = "valid",
) -> FloatArray:
    """Gradient of :func:`max_pool2d_forward` w.r.t. its input.

    Mirrors: ``tf.raw_ops.MaxPoolGrad`` on CPU. Each window's gradient goes entirely to its
    argmax; on ties, to the *first* maximum in row-major order inside the window (TensorFlow's
    CPU kernel keeps the first maximum it meets; GPU/cuDNN kernels may break ties differently).
    A cell that is the maximum of several overlapping windows receives the sum of their
    gradients.

    Args:
        dy: Upstream gradient, shape ``(N, out_h, out_w, C)``.
        x: The forward input, shape ``(N, H, W, C)``.
        pool_size: Same value as in the forward call.
        strides: Same value as in the forward call.
        padding: Same value as in the forward call.

    Returns:
        ``dx`` with the shape of ``x``.
    """
    pool, stride = _pool_args(pool_size, strides)
    patches = extract_patches(x, pool, stride, padding, pad_value=-np.inf)
    n, out_h, out_w, ph, pw, channels = patches.shape
    # Flatten each window in row-major order; np.argmax returns the first maximum on ties.
    winner = patches.reshape(n, out_h, out_w, ph * pw, channels).argmax(axis=3)
    is_winner = np.arange(ph * pw)[:, None] == winner[:, :, :, None, :]
    dpatches = np.where(is_winner, dy[:, :, :, None, :], 0).reshape(patches.shape)
    return extract_patches_backward(dpatches, x.shape, pool, stride, padding)


def _window_counts(
    spatial: tuple[int, int],
    pool: tuple[int, int],
    stride: tuple[int, int],
    padding: str,
    dtype: np.dtype[Any],
) -> FloatArray:
    """Number of real (non-padded) input cells in each pooling window, shape ``(out_h, out_w)``.

    Computed by pooling an all-ones image with zero padding: each window sum is its cell count.
    """
    ones = np.ones((1, spatial[0], spatial[1], 1), dtype=dtype)
    counts: FloatArray = extract_patches(ones, pool, stride, padding).sum(axis=(3, 4))
    return counts[0, :, :, 0]


def avg_pool2d_forward(
    x: FloatArray,
    pool_size: IntPair = 2,
    strides: IntPair | None = None,
    padding: str = "valid",
) -> FloatArray:
    """Mean over each pooling window.

    Mirrors: ``tf.nn.avg_pool2d`` (NHWC) as called by
    ``keras/layers/pooling/average_pooling2d.py`` (``AveragePooling2D``). With
    ``padding="same"`` the padded cells are excluded from the average: a corner window that
    covers 2 of its 4 cells is the mean of those 2 cells.

    Args:
        x: Input batch, shape ``(N, H, W, C)``.
        pool_size: ``(ph, pw)`` or one int.
        strides: ``(sh, sw)``, one int, or None to use ``pool_size`` (the Keras 2 default).
        padding: "valid" or "same" (TensorFlow's SAME rule).

    Returns:
        Pooled batch of shape ``(N, out_h, out_w, C)``.
    """
    pool, stride = _pool_args(pool_size, strides)
    sums: FloatArray = extract_patches(x, pool, stride, padding).sum(axis=(3, 4))
    counts = _window_counts((x.shape[1], x.shape[2]), pool, stride, padding, x.dtype)
    return sums / counts[None, :, :, None]


def avg_pool2d_backward(
    dy: FloatArray,
    x: FloatArray,
    pool_size: IntPair = 2,
    strides: IntPair | None = None,
    padding: str = "valid",
) -> FloatArray:
    """Gradient of :func:`avg_pool2d_forward` w.r.t. its input.

    Mirrors: ``tf.raw_ops.AvgPoolGrad``. Each window spreads ``dy / count`` evenly over the
    real cells it averaged. Only the shape and dtype of ``x`` are used; it is taken (rather
    than a shape) so that both pooling backward functions have the same signature.

    Args:
        dy: Upstream gradient, shape ``(N, out_h, out_w, C)``.
        x: The forward input, shape ``(N, H, W, C)``.
        pool_size: Same value as in the forward call.
        strides: Same value as in the forward call.
        padding: Same value as in the forward call.

    Returns:
        ``dx`` with the shape of ``x``.
    """
    pool, stride = _pool_args(pool_size, strides)
    counts = _window_counts((x.shape[1], x.shape[2]), pool, stride, padding, x.dtype)
    share = dy / counts[None, :, :, None]
    n, out_h, out_w, channels = share.shape
    # Every cell of a window gets the same share: broadcast instead of copying it ph*pw times.
    dpatches = np.broadcast_to(
        share[:, :, :, None, None, :], (n, out_h, out_w, pool[0], pool[1], channels)
    )
    return extract_patches_backward(dpatches, x.shape, pool, stride, padding)


def pool2d_output_shape(
    input_shape: Shape,
    pool_size: IntPair = 2,
    strides: IntPair | None = None,
    padding: str = "valid",
) -> tuple[int | None, ...]:
    """Static output shape of the 2-D pooling functions, allowing unknown (None) dimensions.

    Mirrors: ``Pooling2D.compute_output_shape`` in ``keras/layers/pooling/base_pooling2d.py``
    (channels_last), i.e. :func:`~.conv.conv_output_length` per spatial axis, unclamped.

    Args:
        input_shape: ``(batch, rows, cols, channels)``; any entry may be None.
        pool_size: ``(ph, pw)`` or one int.
        strides: ``(sh, sw)``, one int, or None to use ``pool_size``.
        padding: "valid" or "same".

    Returns:
        ``(batch, out_rows, out_cols, channels)``.
    """
    if len(input_shape) != 4:
        raise ValueError(f"expected a 4-D (batch, rows, cols, channels) shape, got {input_shape}")
    pool, stride = _pool_args(pool_size, strides)
    padding = _normalize_padding(padding)
    rows, cols = (
        conv_output_length(input_shape[1 + i], pool[i], padding, stride[i]) for i in range(2)
    )
    return (input_shape[0], rows, cols, input_shape[3])
