"""``Softmax``. Mirrors: ``keras/layers/activation/softmax.py::Softmax`` (Keras 2)."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.ops.nn import softmax
from buildtrace.trace import traced


class Softmax(Layer):
    """Turns scores into probabilities along ``axis`` (the last by default).

    Example:
        >>> Softmax()(np.array([[0.0, 0.0]], "float32"))
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[0.5, 0.5]], dtype=float32)>
    """

    @traced
    def __init__(self, axis: int = -1, robust_masking: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.robust_masking = robust_masking
        self.axis = axis

    @traced
    def call(self, inputs: np.ndarray, mask: Any = None) -> np.ndarray:
        if mask is not None:
            # Masked positions get a very negative score, so their probability is ~0.
            inputs = inputs + (1.0 - np.asarray(mask, inputs.dtype)) * np.asarray(
                -1e9, inputs.dtype
            )
        if isinstance(self.axis, list | tuple):
            shifted = inputs - inputs.max(axis=tuple(self.axis), keepdims=True)
            e = np.exp(shifted)
            return e / e.sum(axis=tuple(self.axis), keepdims=True)
        return softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
