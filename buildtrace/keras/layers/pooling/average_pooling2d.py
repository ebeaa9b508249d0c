"""``AveragePooling2D``. Mirrors: ``keras/layers/pooling/average_pooling2d.py``."""

from __future__ import annotations

from typing import Any

from buildtrace.keras.layers.pooling.base_pooling2d import Pooling2D
from buildtrace.keras.ops import avg_pool2d_backward, avg_pool2d_forward
from buildtrace.trace import traced


class AveragePooling2D(Pooling2D):
    """The mean of each window (padding cells are not counted, as in TensorFlow).

    Example:
        >>> AveragePooling2D(pool_size=3, strides=1, padding="same").compute_output_shape(
        ...     (None, 8, 8, 4))
        (None, 8, 8, 4)
    """

    _pool = staticmethod(avg_pool2d_forward)
    _pool_backward = staticmethod(avg_pool2d_backward)

    @traced
    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
