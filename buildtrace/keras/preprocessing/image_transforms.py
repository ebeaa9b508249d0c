"""The image transforms behind ``ImageDataGenerator``: affine warps, flips, shifts of
channels and brightness.

Mirrors: the functions of ``keras/preprocessing/image.py`` of Keras 2
(``apply_affine_transform``, ``transform_matrix_offset_center``, ``flip_axis``,
``apply_channel_shift``, ``apply_brightness_shift`` and their ``random_*`` versions).
Keras warps with ``scipy.ndimage.affine_transform``; buildtrace does not depend on SciPy,
so ``affine_transform`` below is a small numpy one that reads the input the way SciPy's
does for spline orders 0 and 1 (nearest and linear) and its four boundary modes.
Random draws come from numpy's global generator, as Keras's do, so ``np.random.seed``
(or a ``seed`` argument) makes them repeatable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.utils import image_utils

__all__ = [
    "affine_transform",
    "apply_affine_transform",
    "apply_brightness_shift",
    "apply_channel_shift",
    "flip_axis",
    "random_brightness",
    "random_channel_shift",
    "random_rotation",
    "random_shear",
    "random_shift",
    "random_zoom",
    "transform_matrix_offset_center",
]

FILL_MODES = ("constant", "nearest", "reflect", "wrap")


# ------------------------------------------------------------------ the warp itself
def _map_coordinates(coords: np.ndarray, size: int, mode: str) -> Any:
    """Coordinates outside ``[0, size - 1]`` brought back inside, as SciPy's modes do.

    ``reflect`` mirrors about the pixel edges (``d c b a | a b c d | d c b a``); ``wrap``
    is SciPy's own: the last and first samples overlap, so the period is ``size - 1``;
    ``nearest`` repeats the edge. ``constant`` leaves them (the caller fills them).
    """
    if size <= 1:
        return np.zeros_like(coords)
    if mode == "nearest":
        return np.clip(coords, 0, size - 1)
    if mode == "reflect":
        period = 2 * size
        low, high = coords < 0, coords > size - 1
        folded = np.where(
            low & (coords < -period), coords + period * np.trunc(-coords / period), coords
        )
        folded = np.where(low, np.where(folded < -size, folded + period, -folded - 1), folded)
        upper = coords - period * np.trunc(coords / period)
        upper = np.where(upper >= size, period - upper - 1, upper)
        return np.where(high, upper, folded)
    if mode == "wrap":
        period = size - 1
        below = coords + period * (np.trunc(-coords / period) + 1)
        above = coords - period * np.trunc(coords / period)
        return np.where(coords < 0, below, np.where(coords > size - 1, above, coords))
    return coords


def _neighbour_index(index: np.ndarray, size: int, mode: str) -> Any:
    """A neighbour's integer index, kept inside (a half-pixel mirror for ``reflect``)."""
    if mode == "reflect":
        index = np.where(index < 0, -index - 1, index)
        index = np.where(index >= size, 2 * size - index - 1, index)
    return np.clip(index, 0, size - 1)


def affine_transform(
    image: Any,
    matrix: Any,
    offset: Any = (0.0, 0.0),
    order: int = 1,
    mode: str = "constant",
    cval: float = 0.0,
) -> Any:
    """A 2-D image warped: output pixel ``o`` reads the input at ``matrix @ o + offset``.

    Mirrors: ``scipy.ndimage.affine_transform`` for spline ``order`` 0 (the nearest
    sample, halves rounded up) and 1 (bilinear), which is what Keras's image transforms
    call. Differs: no higher orders (they need SciPy's spline prefilter).

    Example:
        >>> row = np.array([[1.0, 2.0, 3.0, 4.0]])
        >>> affine_transform(row, np.eye(2), offset=(0, 1), mode="constant", cval=0)
        array([[2., 3., 4., 0.]])

    Raises:
        ValueError: an order other than 0 or 1, or an unknown mode.
    """
    image = np.asarray(image)
    if order not in (0, 1):
        raise ValueError(
            f"buildtrace warps images with spline order 0 or 1 only. Received: order={order}"
        )
    if mode not in FILL_MODES:
        raise ValueError(f"Invalid fill mode: {mode}. Expected one of {FILL_MODES}.")
    height, width = image.shape
    matrix = np.asarray(matrix, dtype=np.float64)
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    # Summed in SciPy's order, so that a coordinate on an edge lands on the same side.
    src_r = matrix[0, 0] * rows + matrix[0, 1] * cols + offset[0]
    src_c = matrix[1, 0] * rows + matrix[1, 1] * cols + offset[1]
    outside = np.zeros(image.shape, dtype=bool)
    if mode == "constant":  # no interpolation across the edge: outside reads cval
        outside = (src_r < 0) | (src_r > height - 1) | (src_c < 0) | (src_c > width - 1)
    src_r, src_c = _map_coordinates(src_r, height, mode), _map_coordinates(src_c, width, mode)
    values = image.astype(np.float64)
    if order == 0:
        r = _neighbour_index(np.floor(src_r + 0.5).astype(int), height, mode)
        c = _neighbour_index(np.floor(src_c + 0.5).astype(int), width, mode)
        result = values[r, c]
    else:
        r0, c0 = np.floor(src_r), np.floor(src_c)
        dr, dc = src_r - r0, src_c - c0
        r0, c0 = r0.astype(int), c0.astype(int)
        r_lo, r_hi = _neighbour_index(r0, height, mode), _neighbour_index(r0 + 1, height, mode)
        c_lo, c_hi = _neighbour_index(c0, width, mode), _neighbour_index(c0 + 1, width, mode)
        top = values[r_lo, c_lo] * (1 - dc) + values[r_lo, c_hi] * dc
        bottom = values[r_hi, c_lo] * (1 - dc) + values[r_hi, c_hi] * dc
        result = top * (1 - dr) + bottom * dr
    result[outside] = cval
    return result.astype(image.dtype if image.dtype.kind == "f" else np.float64)


# ------------------------------------------------------------------ Keras's transforms
def transform_matrix_offset_center(matrix: Any, x: float, y: float) -> Any:
    """``matrix`` about the image's centre rather than its corner.

    Mirrors: ``keras/preprocessing/image.py::transform_matrix_offset_center``.
    """
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset_matrix @ np.asarray(matrix) @ reset_matrix


def _transform_matrix(
    theta: float, tx: float, ty: float, shear: float, zx: float, zy: float
) -> Any:
    """Rotation, then shift, shear and zoom, each one only if asked (Keras's order)."""
    parts = []
    if theta != 0:
        t = np.deg2rad(theta)
        parts.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not parts:
        return None
    matrix = parts[0]
    for part in parts[1:]:
        matrix = np.dot(matrix, part)
    return matrix


def apply_affine_transform(
    x: Any,
    theta: float = 0,
    tx: float = 0,
    ty: float = 0,
    shear: float = 0,
    zx: float = 1,
    zy: float = 1,
    row_axis: int = 1,
    col_axis: int = 2,
    channel_axis: int = 0,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    order: int = 1,
) -> Any:
    """A 3-D image rotated (degrees), shifted (pixels), sheared (degrees) and zoomed.

    Mirrors: ``keras/preprocessing/image.py::apply_affine_transform``: the matrix maps an
    output pixel to where it reads the input, about the image's centre, and each channel
    is warped alike. As in Keras, ``tx`` moves along the first of the two image axes in
    the matrix's frame, which, once the axes are swapped for a channels-last image,
    is the columns: its name and its direction disagree in Keras too.

    Raises:
        ValueError: axes that are not 0, 1, 2 in some order, or not a 3-D image
            (Keras's messages).
    """
    if np.unique([row_axis, col_axis, channel_axis]).size != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    actual = {row_axis, col_axis, channel_axis}
    if actual != {0, 1, 2}:
        raise ValueError(f"Invalid axis' indices: {actual - {0, 1, 2}}")
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in [0, 2]:
        raise ValueError("Channels are allowed and the first and last dimensions.")
    matrix = _transform_matrix(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    height, width = x.shape[row_axis], x.shape[col_axis]
    matrix = transform_matrix_offset_center(matrix, height, width)
    channels = np.rollaxis(x, channel_axis, 0)
    if col_axis > row_axis:  # Keras swaps the two image axes of the matrix here
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    warped = [
        affine_transform(c, matrix[:2, :2], matrix[:2, 2], order, fill_mode, cval) for c in channels
    ]
    return np.rollaxis(np.stack(warped, axis=0), 0, channel_axis + 1)


def flip_axis(x: Any, axis: int) -> Any:
    """``x`` reversed along ``axis``. Mirrors ``keras/preprocessing/image.py::flip_axis``."""
    return np.flip(np.asarray(x), axis)


def apply_channel_shift(x: Any, intensity: float, channel_axis: int = 0) -> Any:
    """Every channel plus ``intensity``, clipped to the image's own range.

    Mirrors: ``keras/preprocessing/image.py::apply_channel_shift``.
    """
    x = np.rollaxis(x, channel_axis, 0)
    low, high = np.min(x), np.max(x)
    shifted = np.stack([np.clip(channel + intensity, low, high) for channel in x], axis=0)
    return np.rollaxis(shifted, 0, channel_axis + 1)


def apply_brightness_shift(x: Any, brightness: float, scale: bool = True) -> Any:
    """The image's brightness times ``brightness``, through Pillow's ``ImageEnhance``.

    Mirrors: ``keras/preprocessing/image.py::apply_brightness_shift``: the array becomes
    an 8-bit image (scaled onto 0..255 if ``scale`` or if it is outside that range), is
    brightened, and comes back as floats (to its own range if it was scaled only for the
    round trip), so values are quantised to 256 levels, as in Keras.
    """
    enhance = image_utils.pil_module("ImageEnhance", "apply_brightness_shift")
    low, high = np.min(x), np.max(x)
    local_scale = low < 0 or high > 255
    img = image_utils.array_to_img(x, scale=local_scale or scale)
    x = image_utils.img_to_array(enhance.Brightness(img).enhance(brightness))
    if not scale and local_scale:
        x = x / 255 * (high - low) + low
    return x


# ------------------------------------------------------------------ random versions
def random_rotation(x: Any, rg: float, row_axis: int = 1, col_axis: int = 2,
                    channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                    interpolation_order: int = 1) -> Any:  # fmt: skip
    """Rotated by a uniform angle in ``[-rg, rg]`` degrees. Mirrors ``random_rotation``."""
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)  # fmt: skip


def random_shift(x: Any, wrg: float, hrg: float, row_axis: int = 1, col_axis: int = 2,
                 channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                 interpolation_order: int = 1) -> Any:  # fmt: skip
    """Shifted by uniform fractions of the height and width. Mirrors ``random_shift``."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)  # fmt: skip


def random_shear(x: Any, intensity: float, row_axis: int = 1, col_axis: int = 2,
                 channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                 interpolation_order: int = 1) -> Any:  # fmt: skip
    """Sheared by a uniform angle in ``[-intensity, intensity]``. Mirrors ``random_shear``."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)  # fmt: skip


def random_zoom(x: Any, zoom_range: Any, row_axis: int = 1, col_axis: int = 2,
                channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                interpolation_order: int = 1) -> Any:  # fmt: skip
    """Zoomed by uniform factors in ``zoom_range`` per axis. Mirrors ``random_zoom``."""
    if len(zoom_range) != 2:
        raise ValueError(
            f"`zoom_range` should be a tuple or list of two floats. Received: {zoom_range}"
        )
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1.0, 1.0
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)  # fmt: skip


def random_channel_shift(x: Any, intensity_range: float, channel_axis: int = 0) -> Any:
    """Channels shifted by a uniform intensity. Mirrors ``random_channel_shift``."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def random_brightness(x: Any, brightness_range: Any, scale: bool = True) -> Any:
    """Brightness times a uniform factor in ``brightness_range``. Mirrors ``random_brightness``."""
    if len(brightness_range) != 2:
        raise ValueError(
            f"`brightness_range should be tuple or list of two floats. Received: {brightness_range}"
        )
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u, scale)
