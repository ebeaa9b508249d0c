"""``GlobalMaxPooling1D``.

Mirrors: ``keras/layers/pooling/global_max_pooling1d.py::GlobalMaxPooling1D``.
"""

from __future__ import annotations

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
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return inputs.max(axis=self._axes, keepdims=self.keepdims)  # type: ignore[no-any-return]
