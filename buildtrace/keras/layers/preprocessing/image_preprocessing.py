"""``Rescaling``. Mirrors: ``keras/layers/preprocessing/image_preprocessing.py::Rescaling``.

Keras 2 keeps ``Rescaling`` among the image preprocessing layers; it is the only one
buildtrace covers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.trace import traced


class Rescaling(Layer):
    """``inputs * scale + offset``: pixels 0..255 to 0..1 with ``scale=1/255``.

    Example:
        >>> Rescaling(1.0 / 255)(np.array([[255.0, 0.0]], "float32"))
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[1., 0.]], dtype=float32)>
    """

    @traced
    def __init__(self, scale: float, offset: float = 0.0, **kwargs: Any) -> None:
        # Keras stores these before Layer.__init__, and so do we.
        self.scale = scale
        self.offset = offset
        super().__init__(**kwargs)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        # Keras casts to the layer's float dtype (integer pixels become float32).
        x = np.asarray(inputs)
        if x.dtype.kind != "f":
            x = x.astype(self.dtype)
        outputs: np.ndarray = x * np.asarray(self.scale, x.dtype) + np.asarray(self.offset, x.dtype)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
