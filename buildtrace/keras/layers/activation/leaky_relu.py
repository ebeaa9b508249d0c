"""``LeakyReLU``. Mirrors: ``keras/layers/activation/leaky_relu.py::LeakyReLU`` (Keras 2)."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.ops.relu_family import relu_with_options
from buildtrace.trace import traced


class LeakyReLU(Layer):
    """``x`` for positive inputs, ``alpha * x`` for the others (Keras 2's default 0.3).

    Example:
        >>> LeakyReLU()(np.array([[-1.0, 2.0]], "float32"))
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[-0.3,  2. ]], dtype=float32)>
    """

    @traced
    def __init__(self, alpha: float = 0.3, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError(
                "The alpha value of a Leaky ReLU layer cannot be None, "
                f"Expecting a float. Received: {alpha}"
            )
        self.supports_masking = True
        self.alpha = float(alpha)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return relu_with_options(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}
