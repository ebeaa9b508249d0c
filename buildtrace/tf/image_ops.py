"""TensorFlow's projective image warp, on numpy.

Mirrors: the kernel of ``tf.raw_ops.ImageProjectiveTransformV3``
(``tensorflow/core/kernels/image/image_ops.h``), which Keras 2's random image layers
(``RandomRotation``, ``RandomZoom``, ``RandomTranslation``) call through
``image_preprocessing.transform``.

Why not ``keras/preprocessing/image_transforms.py::affine_transform``? That one is
SciPy's ``ndimage.affine_transform`` (what ``ImageDataGenerator`` uses), and TensorFlow's
op differs from it in four ways a user can see in the pixels: in ``constant`` mode each
of the four bilinear neighbours outside the image reads ``fill_value`` on its own (SciPy
fills the whole output pixel); ``wrap`` repeats with a period of ``size`` pixels
(SciPy's ``size - 1``); ``nearest`` interpolation rounds halves away from zero; and the
transform is projective (a division by ``c0 x + c1 y + 1``). Same pixel-index
coordinates in both: pixel ``i``'s centre is at ``i``, no half-pixel shift.
"""

from __future__ import annotations

from typing import Any

import numpy as np

FILL_MODES = ("REFLECT", "WRAP", "CONSTANT", "NEAREST")
INTERPOLATIONS = ("NEAREST", "BILINEAR")


def _map_coordinate(coord: np.ndarray, size: int, fill_mode: str) -> Any:
    """A source coordinate brought inside ``[0, size - 1]`` by ``fill_mode`` (float32).

    Mirrors ``MapCoordinate``: ``reflect`` folds about the outer pixel edges
    (``d c b a | a b c d | d c b a``), ``wrap`` repeats (``a b c d | a b c d``),
    ``nearest`` clamps; all three clamp at the end (so that rounding stays inside).
    ``constant`` leaves the coordinate alone: neighbours outside read ``fill_value``.
    """
    if fill_mode == "CONSTANT":
        return coord
    if size <= 1:
        return np.zeros_like(coord)
    low, high = coord < 0, coord > size - 1
    if fill_mode == "REFLECT":
        span = np.float32(2 * size)
        # C++ truncates the quotient toward zero when it casts it to an integer.
        below = np.where(coord < span, span * np.trunc(-coord / span) + coord, coord)
        below = np.where(below < -size, below + span, -below - 1)
        above = coord - span * np.trunc(coord / span)
        above = np.where(above >= size, span - above - 1, above)
        coord = np.where(low, below, np.where(high, above, coord))
    elif fill_mode == "WRAP":
        step = np.float32(size - 1)
        below = coord + size * (np.trunc(-coord / step) + 1)
        above = coord - size * np.trunc(coord / step)
        coord = np.where(low, below, np.where(high, above, coord))
    return np.clip(coord, 0, size - 1).astype(np.float32)


def _read(images: np.ndarray, rows: np.ndarray, cols: np.ndarray, fill_value: float) -> Any:
    """``images[:, rows, cols, :]`` per output pixel, ``fill_value`` where outside."""
    _, height, width, _ = images.shape
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    batch = np.arange(images.shape[0])[:, None, None]
    values = images[batch, np.clip(rows, 0, height - 1), np.clip(cols, 0, width - 1), :]
    return np.where(inside[..., None], values, np.float32(fill_value))


def image_projective_transform_v3(
    images: Any,
    transforms: Any,
    output_shape: Any = None,
    fill_value: float = 0.0,
    fill_mode: str = "REFLECT",
    interpolation: str = "BILINEAR",
) -> Any:
    """Warp a batch of NHWC images: output ``(x, y)`` reads the input at the transform.

    A transform row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps the output pixel
    ``(x, y)`` (column, row) to the input point ``((a0 x + a1 y + a2) / k,
    (b0 x + b1 y + b2) / k)``, ``k = c0 x + c1 y + 1``; one row for all images or one per
    image. Arithmetic in float32, as the kernel's.

    Example:
        >>> image = np.arange(4, dtype="float32").reshape(1, 1, 4, 1)
        >>> shift = [1, 0, 1, 0, 1, 0, 0, 0]  # read one pixel to the right
        >>> image_projective_transform_v3(image, [shift], fill_mode="CONSTANT")[0, 0, :, 0]
        array([1., 2., 3., 0.], dtype=float32)
    """
    images = np.asarray(images)
    if fill_mode not in FILL_MODES or interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"Unknown fill_mode {fill_mode} or interpolation {interpolation}: expected one of "
            f"{FILL_MODES} and one of {INTERPOLATIONS}."
        )
    height, width = images.shape[1:3] if output_shape is None else output_shape
    t = np.asarray(transforms, dtype=np.float32).reshape(-1, 8)[:, :, None, None]
    y, x = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    x, y = x.astype(np.float32)[None], y.astype(np.float32)[None]
    k = t[:, 6] * x + t[:, 7] * y + np.float32(1)
    safe_k = np.where(k == 0, np.float32(1), k)
    src_x = _map_coordinate((t[:, 0] * x + t[:, 1] * y + t[:, 2]) / safe_k, images.shape[2], fill_mode)
    src_y = _map_coordinate((t[:, 3] * x + t[:, 4] * y + t[:, 5]) / safe_k, images.shape[1], fill_mode)
    src_x = np.broadcast_to(src_x, (images.shape[0], height, width))
    src_y = np.broadcast_to(src_y, (images.shape[0], height, width))
    pixels = images.astype(np.float32)
    if interpolation == "NEAREST":
        # std::round: halves away from zero (np.round would round them to even).
        rows = (np.sign(src_y) * np.floor(np.abs(src_y) + 0.5)).astype(np.int64)
        cols = (np.sign(src_x) * np.floor(np.abs(src_x) + 0.5)).astype(np.int64)
        out = _read(pixels, rows, cols, fill_value)
    else:
        y0, x0 = np.floor(src_y), np.floor(src_x)
        wy, wx = (src_y - y0)[..., None], (src_x - x0)[..., None]
        r0, c0 = y0.astype(np.int64), x0.astype(np.int64)
        top = (1 - wx) * _read(pixels, r0, c0, fill_value) + wx * _read(pixels, r0, c0 + 1, fill_value)
        bottom = (1 - wx) * _read(pixels, r0 + 1, c0, fill_value) + wx * _read(
            pixels, r0 + 1, c0 + 1, fill_value
        )
        out = (1 - wy) * top + wy * bottom
    # A point at infinity (k = 0) is outside the image.
    out = np.where((np.broadcast_to(k, src_x.shape) == 0)[..., None], np.float32(fill_value), out)
    return out.astype(images.dtype if images.dtype.kind == "f" else np.float32)
