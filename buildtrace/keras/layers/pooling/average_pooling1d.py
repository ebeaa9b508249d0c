"""``AveragePooling1D``.

Mirrors: ``keras/layers/pooling/average_pooling1d.py::AveragePooling1D``.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.layers.pooling.base_pooling1d import Pooling1D
from buildtrace.keras.ops import avg_pool2d_backward, avg_pool2d_forward
from buildtrace.trace import traced


class AveragePooling1D(Pooling1D):
    """The mean of each window of steps.

    Example:
        >>> AveragePooling1D(3).compute_output_shape((None, 9, 4))
        (None, 3, 4)
    """

    _pool = staticmethod(avg_pool2d_forward)
    _pool_backward = staticmethod(avg_pool2d_backward)

    @traced
    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = "channels_last",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
