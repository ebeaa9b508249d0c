"""``UpSampling2D``. Mirrors: ``keras/layers/reshaping/up_sampling2d.py::UpSampling2D``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.convolutional.base_conv import normalize_tuple
from buildtrace.keras.ops.resize import upsample_nearest
from buildtrace.trace import traced


class UpSampling2D(Layer):
    """Repeats every row ``size[0]`` times and every column ``size[1]`` times.

    Example:
        >>> UpSampling2D().compute_output_shape((None, 7, 7, 16))
        (None, 14, 14, 16)
    """

    @traced
    def __init__(
        self,
        size: Any = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Only data_format='channels_last' is supported.")
        if interpolation != "nearest":
            raise NotImplementedError(
                f"UpSampling2D interpolation={interpolation!r} is not supported by buildtrace "
                "(only 'nearest')."
            )
        self.data_format = "channels_last"
        self.size = normalize_tuple(size, 2, "size")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return upsample_nearest(inputs, self.size)  # type: ignore[arg-type]

    def compute_output_shape(self, input_shape: Any) -> Any:
        batch, rows, cols, channels = tuple(input_shape)
        rows = None if rows is None else rows * self.size[0]
        cols = None if cols is None else cols * self.size[1]
        return (batch, rows, cols, channels)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "size": self.size,
                "data_format": self.data_format,
                "interpolation": self.interpolation,
            }
        )
        return config
