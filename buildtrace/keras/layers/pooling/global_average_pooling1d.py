"""``GlobalAveragePooling1D``.

Mirrors: ``keras/layers/pooling/global_average_pooling1d.py::GlobalAveragePooling1D``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.pooling.base_global_pooling1d import GlobalPooling1D
from buildtrace.trace import traced


class GlobalAveragePooling1D(GlobalPooling1D):
    """One value per channel: the mean over the steps of each channel
    (a text classifier reads a sentence so).

    Example:
        >>> GlobalAveragePooling1D().compute_output_shape((None, 10, 8))
        (None, 8)
    """

    @traced
    def __init__(
        self, data_format: str | None = "channels_last", keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return inputs.mean(axis=self._axes, keepdims=self.keepdims)  # type: ignore[no-any-return]
