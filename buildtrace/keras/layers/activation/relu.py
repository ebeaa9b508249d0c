"""``ReLU``. Mirrors: ``keras/layers/activation/relu.py::ReLU`` (Keras 2)."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.ops.relu_family import relu_with_options
from buildtrace.trace import traced


class ReLU(Layer):
    """The rectified linear unit as a layer, with Keras's optional cap, slope and threshold.

    Example:
        >>> ReLU(max_value=6.0)(np.array([[-1.0, 3.0, 8.0]], "float32"))
        <tf.Tensor: shape=(1, 3), dtype=float32, numpy=array([[0., 3., 6.]], dtype=float32)>
    """

    @traced
    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                f"max_value of a ReLU layer cannot be a negative value. Received: {max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                "negative_slope of a ReLU layer cannot be a negative value. "
                f"Received: {negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(
                f"threshold of a ReLU layer cannot be a negative value. Received: {threshold}"
            )
        self.supports_masking = True
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return relu_with_options(inputs, self.negative_slope, self.max_value, self.threshold)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold,
            }
        )
        return config
