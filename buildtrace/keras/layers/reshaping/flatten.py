"""``Flatten``: ``(batch, d1, d2, ...)`` -> ``(batch, d1·d2·...)``.

Mirrors: ``keras/layers/reshaping/flatten.py::Flatten`` (channels_last only).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.trace import traced


class Flatten(Layer):
    """Flattens every dimension but the batch one.

    Example:
        >>> Flatten().compute_output_shape((None, 28, 28, 1))
        (None, 784)
    """

    @traced
    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Only data_format='channels_last' is supported.")
        self.data_format = "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        if inputs.ndim == 1:
            return inputs.reshape(-1, 1)
        return inputs.reshape(inputs.shape[0], -1)

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if len(input_shape) == 1:
            return (input_shape[0], 1)
        rest = input_shape[1:]
        flat = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], flat)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}
