"""``SpatialDropout2D``. Mirrors: ``keras/layers/regularization/spatial_dropout2d.py``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.regularization.dropout import Dropout
from buildtrace.trace import traced


class SpatialDropout2D(Dropout):
    """Drops whole feature maps of an image (channels_last).

    Example:
        >>> SpatialDropout2D(0.5)._get_noise_shape(np.zeros((2, 5, 5, 3)))
        (2, 1, 1, 3)
    """

    @traced
    def __init__(self, rate: float, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(rate, **kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Only data_format='channels_last' is supported.")
        self.data_format = "channels_last"
        self.input_spec = InputSpec(ndim=4)

    def _get_noise_shape(self, inputs: np.ndarray) -> tuple[int, ...]:
        return (inputs.shape[0], 1, 1, inputs.shape[3])
