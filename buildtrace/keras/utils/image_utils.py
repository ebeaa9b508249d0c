"""Images to and from arrays and files: ``array_to_img``, ``img_to_array``, ``load_img``,
``save_img``, ``smart_resize``.

Mirrors: ``keras/utils/image_utils.py`` of Keras 2 (also exported as
``keras.preprocessing.image``). Like Keras, the file and PIL side needs Pillow (the
``images`` extra); this is the one module that imports it, and only when asked.
"""

from __future__ import annotations

import io
import pathlib
import warnings
from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.unsupported import unsupported

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]

#: Pillow's resampling filters by Keras's names (``load_img``'s ``interpolation``).
PIL_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
#: ``tf.image.resize``'s methods by Keras's names; buildtrace resizes with the first two.
TF_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                     "gaussian", "mitchellcubic")  # fmt: skip


def pil_module(name: str = "Image", needed_by: str = "array_to_img") -> Any:
    """``PIL.Image`` (or ``PIL.ImageEnhance``), with Keras's message if Pillow is missing."""
    try:
        if name == "ImageEnhance":
            from PIL import ImageEnhance

            return ImageEnhance
        from PIL import Image

        return Image
    except ImportError:  # Keras's own message, plus how to get Pillow
        raise ImportError(
            f"Could not import PIL.{name}. The use of `{needed_by}` requires PIL. "
            "Install Pillow into the environment buildtrace runs in (pip install pillow)."
        ) from None


def _data_format(data_format: str | None) -> str:
    return data_format or backend.image_data_format()


def array_to_img(
    x: Any, data_format: str | None = None, scale: bool = True, dtype: str | None = None
) -> Any:
    """A 3-D array (height, width, channels) as a PIL image.

    Mirrors: ``keras/utils/image_utils.py::array_to_img``: ``scale`` maps the values onto
    0..255 (minus the minimum, over the maximum); 1 channel gives an ``"L"`` image, 3 an
    ``"RGB"`` one, 4 an ``"RGBA"`` one.

    Raises:
        ValueError: not 3-D, an unknown data format or channel count (Keras's messages).
    """
    image_module = pil_module("Image", "array_to_img")
    data_format = _data_format(data_format)
    x = np.asarray(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(
            f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}"
        )
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Invalid data_format: {data_format}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return image_module.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image_module.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit signed integer grayscale image, as Keras does
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img: Any, data_format: str | None = None, dtype: str | None = None) -> Any:
    """A PIL image (or anything ``np.asarray`` takes) as a 3-D float array.

    Mirrors: ``keras/utils/image_utils.py::img_to_array``: a grayscale image gets a
    channel axis of 1.
    """
    data_format = _data_format(data_format)
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Unknown data_format: {data_format}")
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1, *x.shape)) if data_format == "channels_first" else x[..., None]
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def save_img(
    path: Any,
    x: Any,
    data_format: str | None = None,
    file_format: str | None = None,
    scale: bool = True,
    **kwargs: Any,
) -> None:
    """Write a 3-D array to an image file. Mirrors ``keras/utils/image_utils.py::save_img``.

    ``file_format`` defaults to the file name's extension (Pillow's choice); a JPEG
    cannot hold an alpha channel, so an RGBA image is written as RGB, with Keras's warning.
    """
    img = array_to_img(x, data_format=_data_format(data_format), scale=scale)
    if img.mode == "RGBA" and file_format in {"jpg", "jpeg"}:
        warnings.warn(
            "The JPG format does not support RGBA images, converting to RGB.", stacklevel=2
        )
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(
    path: Any,
    grayscale: bool = False,
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> Any:
    """An image file as a PIL image, in ``color_mode``, resized to ``target_size``.

    Mirrors: ``keras/utils/image_utils.py::load_img``: the file is read whole (so it is
    closed at once), converted to ``"L"`` / ``"RGB"`` / ``"RGBA"``, and resized with
    Pillow's filter of that name (``target_size`` is (height, width));
    ``keep_aspect_ratio`` first crops the centre to the target's aspect ratio.

    Raises:
        TypeError: ``path`` is neither path-like nor ``io.BytesIO``.
        ValueError: an unknown ``color_mode`` or ``interpolation`` (Keras's messages).
    """
    if grayscale:
        warnings.warn('grayscale is deprecated. Please use color_mode = "grayscale"', stacklevel=2)
        color_mode = "grayscale"
    image_module = pil_module("Image", "load_img")
    if isinstance(path, io.BytesIO):
        img = image_module.open(path)
    elif isinstance(path, pathlib.Path | bytes | str):
        with open(str(path.resolve()) if isinstance(path, pathlib.Path) else path, "rb") as f:
            img = image_module.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    modes = {"grayscale": ("L", "I;16", "I"), "rgba": ("RGBA",), "rgb": ("RGB",)}
    if color_mode not in modes:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if img.mode not in modes[color_mode]:
        img = img.convert(modes[color_mode][0])
    if target_size is None:
        return img
    width_height = (target_size[1], target_size[0])  # PIL counts width first
    if img.size == width_height:
        return img
    if interpolation not in PIL_INTERPOLATIONS:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported methods are "
            + ", ".join(PIL_INTERPOLATIONS)
        )
    resample = getattr(image_module.Resampling, interpolation.upper())
    if not keep_aspect_ratio:
        return img.resize(width_height, resample)
    width, height = img.size
    crop_height = min(height, width * width_height[1] // width_height[0])
    crop_width = min(width, height * width_height[0] // width_height[1])
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    box = (left, top, left + crop_width, top + crop_height)
    return img.resize(width_height, resample, box=box)


def smart_resize(x: Any, size: tuple[int, int], interpolation: str = "bilinear") -> Any:
    """Resize an image (or a batch) to ``size`` without distorting it: crop, then resize.

    Mirrors: ``keras/utils/image_utils.py::smart_resize``: the largest centred box with the
    target's aspect ratio is cut out, then resized like ``tf.image.resize`` (see
    ``resize_images``).

    Example:
        >>> smart_resize(np.ones((4, 8, 3)), (2, 2)).shape
        (2, 2, 3)
    """
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    img = np.asarray(x)
    if img.ndim not in (3, 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or "
            "`(batch_size, height, width, channels)`, but got input with incorrect rank, "
            f"of shape {img.shape}."
        )
    height, width = img.shape[-3], img.shape[-2]
    target_height, target_width = size
    # float32 divisions, then truncation: the same crop as Keras's tf.cast arithmetic.
    crop_height = min(height, int(np.float32(width * target_height) / np.float32(target_width)))
    crop_width = min(width, int(np.float32(height * target_width) / np.float32(target_height)))
    top = int(np.float32(height - crop_height) / 2)
    left = int(np.float32(width - crop_width) / 2)
    img = img[..., top : top + crop_height, left : left + crop_width, :]
    return resize_images(img, size, interpolation)


def resize_images(images: Any, size: tuple[int, int], interpolation: str = "bilinear") -> Any:
    """``tf.image.resize`` on numpy: ``"bilinear"`` or ``"nearest"``, half-pixel centres.

    Mirrors: TensorFlow's ``ResizeBilinear`` / ``ResizeNearestNeighbor`` with
    ``half_pixel_centers=True`` and no antialiasing (what ``tf.image.resize`` runs): each
    output pixel's centre is mapped back into the input, and read from its neighbours.
    The result is float32, as TensorFlow's is.

    Raises:
        NotImplementedError: a method TensorFlow does not know (Keras's message).
        NotSupportedByBuildtrace: one of TensorFlow's other methods.
    """
    images = np.asarray(images, dtype=np.float32)
    interpolation = get_interpolation(interpolation)
    height, width = images.shape[-3], images.shape[-2]
    rows = _source_positions(size[0], height)
    cols = _source_positions(size[1], width)
    if interpolation == "nearest":
        r = np.minimum(np.floor(rows + 0.5).astype(int), height - 1)
        c = np.minimum(np.floor(cols + 0.5).astype(int), width - 1)
        return images[..., r[:, None], c[None, :], :]
    r0 = np.clip(np.floor(rows).astype(int), 0, height - 1)
    c0 = np.clip(np.floor(cols).astype(int), 0, width - 1)
    r1, c1 = np.minimum(r0 + 1, height - 1), np.minimum(c0 + 1, width - 1)
    dr = (rows - np.floor(rows)).astype(np.float32)[:, None, None]
    dc = (cols - np.floor(cols)).astype(np.float32)[None, :, None]
    top = images[..., r0[:, None], c0[None, :], :] * (1 - dc) + images[..., r0[:, None], c1, :] * dc
    bottom = (
        images[..., r1[:, None], c0[None, :], :] * (1 - dc) + images[..., r1[:, None], c1, :] * dc
    )
    return top * (1 - dr) + bottom * dr


def get_interpolation(interpolation: str) -> str:
    """The resize method of that name, checked. Mirrors ``image_utils.get_interpolation``.

    Raises:
        NotImplementedError: a name ``tf.image.resize`` does not know (Keras's message).
        NotSupportedByBuildtrace: a method of TensorFlow's other than bilinear and nearest.
    """
    method = interpolation.lower()
    if method not in TF_INTERPOLATIONS:
        raise NotImplementedError(
            f"Value not recognized for `interpolation`: {interpolation}. Supported values "
            f"are: {TF_INTERPOLATIONS}"
        )
    if method not in ("bilinear", "nearest"):
        raise unsupported(f"tf.image.resize(method='{method}')")
    return method


def _source_positions(out_size: int, in_size: int) -> Any:
    """Where each output pixel's centre falls in the input (half-pixel centres, clamped at 0)."""
    scale = in_size / out_size
    return np.maximum((np.arange(out_size) + 0.5) * scale - 0.5, 0.0)
