"""``GlobalAveragePooling2D``.

Mirrors: ``keras/layers/pooling/global_average_pooling2d.py::GlobalAveragePooling2D``.
"""

from __future__ import annotations

import numpy as np

from buildtrace.keras.layers.pooling.base_global_pooling2d import GlobalPooling2D
from buildtrace.trace import traced


class GlobalAveragePooling2D(GlobalPooling2D):
    """One value per channel: the mean over the rows and columns of each channel
    (in place of ``Flatten`` in modern CNNs).

    Example:
        >>> GlobalAveragePooling2D().compute_output_shape((None, 7, 7, 64))
        (None, 64)
    """

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return inputs.mean(axis=self._axes, keepdims=self.keepdims)  # type: ignore[no-any-return]
