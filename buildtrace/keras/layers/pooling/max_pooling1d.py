"""``MaxPooling1D``. Mirrors: ``keras/layers/pooling/max_pooling1d.py::MaxPooling1D``."""

from __future__ import annotations

from typing import Any

from buildtrace.keras.layers.pooling.base_pooling1d import Pooling1D
from buildtrace.keras.ops import max_pool2d_backward, max_pool2d_forward
from buildtrace.trace import traced


class MaxPooling1D(Pooling1D):
    """The maximum of each window of steps.

    Example:
        >>> MaxPooling1D().compute_output_shape((None, 10, 4))
        (None, 5, 4)
    """

    _pool = staticmethod(max_pool2d_forward)
    _pool_backward = staticmethod(max_pool2d_backward)

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
