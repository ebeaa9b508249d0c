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


def _taps(
    input_shape: tuple[int, ...],
    transforms: Any,
    output_shape: Any,
    fill_mode: str,
    interpolation: str,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Where each output pixel reads the input: ``(rows, cols, weight, inside)`` per tap
    (one tap for ``NEAREST``, four for ``BILINEAR``), each of shape ``(batch, h, w)``.

    The output is ``sum(weight * (input[rows, cols] if inside else fill_value))``: linear
    in the input, so the same taps give the gradient (``image_projective_transform_grad``).
    """
    batch, in_height, in_width = input_shape[0], input_shape[1], input_shape[2]
    height, width = (in_height, in_width) if output_shape is None else output_shape
    t = np.asarray(transforms, dtype=np.float32).reshape(-1, 8)[:, :, None, None]
    y, x = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    x, y = x.astype(np.float32)[None], y.astype(np.float32)[None]
    k = t[:, 6] * x + t[:, 7] * y + np.float32(1)
    safe_k = np.where(k == 0, np.float32(1), k)
    src_x = _map_coordinate((t[:, 0] * x + t[:, 1] * y + t[:, 2]) / safe_k, in_width, fill_mode)
    src_y = _map_coordinate((t[:, 3] * x + t[:, 4] * y + t[:, 5]) / safe_k, in_height, fill_mode)
    shape = (batch, height, width)
    src_x, src_y = np.broadcast_to(src_x, shape), np.broadcast_to(src_y, shape)
    # A point at infinity (k = 0) is outside the image: all its taps read fill_value.
    finite = np.broadcast_to(k != 0, shape)

    def tap(rows: np.ndarray, cols: np.ndarray, weight: Any) -> Any:
        rows, cols = rows.astype(np.int64), cols.astype(np.int64)
        inside = finite & (rows >= 0) & (rows < in_height) & (cols >= 0) & (cols < in_width)
        return rows, cols, np.broadcast_to(np.asarray(weight, np.float32), shape), inside

    if interpolation == "NEAREST":
        # std::round: halves away from zero (np.round would round them to even).
        rows = np.sign(src_y) * np.floor(np.abs(src_y) + 0.5)
        cols = np.sign(src_x) * np.floor(np.abs(src_x) + 0.5)
        return [tap(rows, cols, np.float32(1))]
    y0, x0 = np.floor(src_y), np.floor(src_x)
    wy, wx = src_y - y0, src_x - x0
    return [
        tap(y0, x0, (1 - wy) * (1 - wx)),
        tap(y0, x0 + 1, (1 - wy) * wx),
        tap(y0 + 1, x0, wy * (1 - wx)),
        tap(y0 + 1, x0 + 1, wy * wx),
    ]


def _check(fill_mode: str, interpolation: str) -> None:
    if fill_mode not in FILL_MODES or interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"Unknown fill_mode {fill_mode} or interpolation {interpolation}: expected one of "
            f"{FILL_MODES} and one of {INTERPOLATIONS}."
        )


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
    _check(fill_mode, interpolation)
    pixels = images.astype(np.float32)
    batch = np.arange(images.shape[0])[:, None, None]
    out: Any = 0
    for rows, cols, weight, inside in _taps(
        images.shape, transforms, output_shape, fill_mode, interpolation
    ):
        r, c = np.clip(rows, 0, images.shape[1] - 1), np.clip(cols, 0, images.shape[2] - 1)
        values = np.where(inside[..., None], pixels[batch, r, c, :], np.float32(fill_value))
        out = out + weight[..., None] * values
    return np.asarray(out).astype(images.dtype if images.dtype.kind == "f" else np.float32)


def image_projective_transform_grad(
    dy: Any,
    input_shape: tuple[int, ...],
    transforms: Any,
    fill_mode: str = "REFLECT",
    interpolation: str = "BILINEAR",
) -> Any:
    """The gradient of the warp with respect to its images: each output pixel's ``dy``
    goes back to the input pixels it read, times their weights (none to ``fill_value``).

    Mirrors: what TensorFlow's registered gradient of ``ImageProjectiveTransformV3`` does
    (the warp is linear in the images). The transforms get no gradient, as in Keras.
    """
    dy = np.asarray(dy, dtype=np.float32)
    dx = np.zeros(input_shape, dtype=np.float32)
    batch = np.broadcast_to(np.arange(input_shape[0])[:, None, None], dy.shape[:3])
    for rows, cols, weight, inside in _taps(
        input_shape, transforms, dy.shape[1:3], fill_mode, interpolation
    ):
        np.add.at(dx, (batch[inside], rows[inside], cols[inside]), (weight[..., None] * dy)[inside])
    return dx
