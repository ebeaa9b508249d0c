"""``ZeroPadding2D``. Mirrors: ``keras/layers/reshaping/zero_padding2d.py::ZeroPadding2D``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.ops.resize import zero_pad2d
from buildtrace.trace import traced


def _non_negative_pair(value: Any, name: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) and v >= 0 for v in pair):
        raise ValueError(f"The `{name}` argument must be a tuple of 2 integers. Received: {value}")
    return pair


class ZeroPadding2D(Layer):
    """Adds rows and columns of zeros around every image.

    Example:
        >>> ZeroPadding2D(padding=((1, 2), (3, 4))).compute_output_shape((None, 5, 5, 3))
        (None, 8, 12, 3)
    """

    @traced
    def __init__(
        self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Only data_format='channels_last' is supported.")
        self.data_format = "channels_last"
        if isinstance(padding, int):
            self.padding = ((padding, padding), (padding, padding))
        elif hasattr(padding, "__len__"):
            if len(padding) != 2:
                raise ValueError(f"`padding` should have two elements. Received: {padding}.")
            self.padding = (
                _non_negative_pair(padding[0], "1st entry of padding"),
                _non_negative_pair(padding[1], "2nd entry of padding"),
            )
        else:
            raise ValueError(
                "`padding` should be either an int, a tuple of 2 ints (symmetric_height_pad, "
                "symmetric_width_pad), or a tuple of 2 tuples of 2 ints ((top_pad, bottom_pad), "
                f"(left_pad, right_pad)). Received: {padding}."
            )
        self.input_spec = InputSpec(ndim=4)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return zero_pad2d(inputs, self.padding)

    def compute_output_shape(self, input_shape: Any) -> Any:
        batch, rows, cols, channels = tuple(input_shape)
        (top, bottom), (left, right) = self.padding
        rows = None if rows is None else rows + top + bottom
        cols = None if cols is None else cols + left + right
        return (batch, rows, cols, channels)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
