"""``GlobalMaxPooling2D``.

Mirrors: ``keras/layers/pooling/global_max_pooling2d.py::GlobalMaxPooling2D``.
"""

from __future__ import annotations

import numpy as np

from buildtrace.keras.layers.pooling.base_global_pooling2d import GlobalPooling2D
from buildtrace.trace import traced


class GlobalMaxPooling2D(GlobalPooling2D):
    """One value per channel: the largest value over the rows and columns of each channel.

    Example:
        >>> GlobalMaxPooling2D().compute_output_shape((None, 7, 7, 64))
        (None, 64)
    """

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return inputs.max(axis=self._axes, keepdims=self.keepdims)  # type: ignore[no-any-return]
