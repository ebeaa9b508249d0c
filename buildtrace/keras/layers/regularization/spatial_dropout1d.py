"""``SpatialDropout1D``. Mirrors: ``keras/layers/regularization/spatial_dropout1d.py``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.regularization.dropout import Dropout
from buildtrace.trace import traced


class SpatialDropout1D(Dropout):
    """Drops whole channels of a sequence (the same channels at every step).

    Example:
        >>> SpatialDropout1D(0.5)._get_noise_shape(np.zeros((2, 7, 3)))
        (2, 1, 3)
    """

    @traced
    def __init__(self, rate: float, **kwargs: Any) -> None:
        super().__init__(rate, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _get_noise_shape(self, inputs: np.ndarray) -> tuple[int, ...]:
        return (inputs.shape[0], 1, inputs.shape[2])
