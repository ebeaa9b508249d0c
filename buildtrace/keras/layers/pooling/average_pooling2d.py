"""``AveragePooling2D``. Mirrors: ``keras/layers/pooling/average_pooling2d.py``."""

from __future__ import annotations

from buildtrace.keras.layers.pooling.base_pooling2d import Pooling2D
from buildtrace.keras.ops import avg_pool2d_backward, avg_pool2d_forward


class AveragePooling2D(Pooling2D):
    """The mean of each window (padding cells are not counted, as in TensorFlow).

    Example:
        >>> AveragePooling2D(pool_size=3, strides=1, padding="same").compute_output_shape(
        ...     (None, 8, 8, 4))
        (None, 8, 8, 4)
    """

    _pool = staticmethod(avg_pool2d_forward)
    _pool_backward = staticmethod(avg_pool2d_backward)
