"""``MaxPooling2D``. Mirrors: ``keras/layers/pooling/max_pooling2d.py::MaxPooling2D``."""

from __future__ import annotations

from typing import Any

from buildtrace.keras.layers.pooling.base_pooling2d import Pooling2D
from buildtrace.keras.ops import max_pool2d_backward, max_pool2d_forward
from buildtrace.trace import traced


class MaxPooling2D(Pooling2D):
    """The maximum of each window.

    Example:
        >>> MaxPooling2D().compute_output_shape((None, 26, 26, 32))
        (None, 13, 13, 32)
    """

    _pool = staticmethod(max_pool2d_forward)
    _pool_backward = staticmethod(max_pool2d_backward)

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
