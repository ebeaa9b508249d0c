"""``Pooling1D``: shared by ``MaxPooling1D`` and ``AveragePooling1D``.

Mirrors: ``keras/layers/pooling/base_pooling1d.py::Pooling1D`` (channels_last): the
sequence gets a width-1 axis, is pooled as an image, and loses the axis again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.convolutional.base_conv import normalize_tuple
from buildtrace.keras.ops import pool2d_output_shape
from buildtrace.trace import traced


class Pooling1D(Layer):
    """Reduces each ``pool_size`` window of steps of every channel to one value."""

    _pool: Callable[..., np.ndarray]
    _pool_backward: Callable[..., np.ndarray]

    @traced
    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = "channels_last",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Only data_format='channels_last' is supported.")
        self.pool_size = normalize_tuple(pool_size, 1, "pool_size")
        self.strides = self.pool_size if strides is None else normalize_tuple(strides, 1, "strides")
        padding = padding.lower()
        if padding not in ("valid", "same"):
            raise ValueError(
                f'The `padding` argument must be one of "valid", "same". Received: {padding}'
            )
        self.padding = padding
        self.data_format = "channels_last"
        self.input_spec = InputSpec(ndim=3)

    def _window(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The 2-D window of the same pooling: ``(pool, 1)``, strides ``(stride, 1)``."""
        return (self.pool_size[0], 1), (self.strides[0], 1)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        pool, strides = self._window()
        return self._pool(inputs[:, :, None, :], pool, strides, self.padding)[:, :, 0, :]

    def compute_output_shape(self, input_shape: Any) -> Any:
        batch, steps, channels = tuple(input_shape)
        pool, strides = self._window()
        shape = pool2d_output_shape((batch, steps, 1, channels), pool, strides, self.padding)
        return (shape[0], shape[1], shape[3])

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "strides": self.strides,
                "pool_size": self.pool_size,
                "padding": self.padding,
                "data_format": self.data_format,
            }
        )
        return config
