"""``GlobalMaxPooling1D``.

Mirrors: ``keras/layers/pooling/global_max_pooling1d.py::GlobalMaxPooling1D``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.pooling.base_global_pooling1d import GlobalPooling1D
from buildtrace.trace import traced


class GlobalMaxPooling1D(GlobalPooling1D):
    """One value per channel: the largest value over the steps of each channel.

    Example:
        >>> GlobalMaxPooling1D().compute_output_shape((None, 10, 8))
        (None, 8)
    """

    @traced
    def __init__(
        self, data_format: str | None = "channels_last", keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return inputs.max(axis=self._axes, keepdims=self.keepdims)  # type: ignore[no-any-return]
