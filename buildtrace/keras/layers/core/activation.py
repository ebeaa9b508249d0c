"""``Activation``: apply an activation function as a layer of its own.

Mirrors: ``keras/layers/core/activation.py::Activation``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.trace import traced


class Activation(Layer):
    """Applies ``activation`` element-wise (softmax: along the last axis).

    Example:
        >>> Activation("relu")(np.array([[-1.0, 2.0]], "float32"))
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[0., 2.]], dtype=float32)>
    """

    @traced
    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
