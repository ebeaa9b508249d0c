"""``Pooling2D``: shared by ``MaxPooling2D`` and ``AveragePooling2D``.

Mirrors: ``keras/layers/pooling/base_pooling2d.py::Pooling2D`` (channels_last). Keras
passes the pooling function to ``Pooling2D.__init__``; here each subclass names its
kernels (``_pool``, ``_pool_backward``, read by ``keras/backprop/pooling.py``), and its own
``__init__`` calls this one, so the trace has Keras's three ``__init__`` levels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.convolutional.base_conv import _pair
from buildtrace.keras.ops import pool2d_output_shape
from buildtrace.trace import traced


class Pooling2D(Layer):
    """Reduces each ``pool_size`` window of every channel to one value."""

    _pool: Callable[..., np.ndarray]
    _pool_backward: Callable[..., np.ndarray]

    @traced
    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Only data_format='channels_last' is supported.")
        self.pool_size = _pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else _pair(strides, "strides")
        padding = padding.lower()
        if padding not in ("valid", "same"):
            raise ValueError(
                f'The `padding` argument must be one of "valid", "same". Received: {padding}'
            )
        self.padding = padding
        self.data_format = "channels_last"
        self.input_spec = InputSpec(ndim=4)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return self._pool(inputs, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return pool2d_output_shape(tuple(input_shape), self.pool_size, self.strides, self.padding)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return config
