"""Nearest-neighbour upsampling and zero padding of NHWC batches, with gradients.

Mirrors: ``backend.resize_images(..., interpolation="nearest")`` (``UpSampling2D``) and
``backend.spatial_2d_padding`` (``ZeroPadding2D``).
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]
Padding2D = tuple[tuple[int, int], tuple[int, int]]


def upsample_nearest(x: FloatArray, size: tuple[int, int]) -> FloatArray:
    """Repeat each row ``size[0]`` times and each column ``size[1]`` times.

    Example:
        >>> upsample_nearest(np.arange(2.0).reshape(1, 1, 2, 1), (1, 2))[0, 0, :, 0]
        array([0., 0., 1., 1.])
    """
    return x.repeat(size[0], axis=1).repeat(size[1], axis=2)


def upsample_nearest_backward(dy: FloatArray, size: tuple[int, int]) -> FloatArray:
    """Each input cell's gradient: the sum over the block it was copied to."""
    n, h, w, c = dy.shape
    blocks = dy.reshape(n, h // size[0], size[0], w // size[1], size[1], c)
    return blocks.sum(axis=(2, 4))  # type: ignore[no-any-return]


def zero_pad2d(x: FloatArray, padding: Padding2D) -> FloatArray:
    """Zeros added on the top/bottom and left/right of every image."""
    return np.pad(x, ((0, 0), padding[0], padding[1], (0, 0)))


def zero_pad2d_backward(dy: FloatArray, padding: Padding2D) -> FloatArray:
    """The gradient of the original cells: the padded border is cut off."""
    (top, bottom), (left, right) = padding
    return dy[:, top : dy.shape[1] - bottom, left : dy.shape[2] - right, :]
