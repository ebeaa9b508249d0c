"""``keras.preprocessing.image``: arrays to and from PIL images.

Mirrors: ``keras/utils/image_utils.py::array_to_img`` / ``img_to_array`` of Keras 2 (also
exported as ``keras.preprocessing.image``). Like Keras, it needs Pillow for the image side.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.unsupported import module_getattr

__all__ = ["array_to_img", "img_to_array"]


def _pil_image() -> Any:
    try:
        from PIL import Image
    except ImportError:  # Keras's own message, plus how to get Pillow
        raise ImportError(
            "Could not import PIL.Image. The use of `array_to_img` requires PIL. "
            "Install Pillow into the environment buildtrace runs in (pip install pillow)."
        ) from None
    return Image


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
    image_module = _pil_image()
    data_format = data_format or backend.image_data_format()
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
    data_format = data_format or backend.image_data_format()
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


__getattr__ = module_getattr("keras.preprocessing.image")
