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
        array([[0., 2.]], dtype=float32)
    """

    @traced
    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return self.activation(inputs)

    def _forward(self, inputs: np.ndarray, training: bool = True) -> tuple[np.ndarray, Any]:
        y = self.activation(inputs)
        return y, (inputs, inputs, y)

    def _logits(self, cache: Any) -> Any:
        """The input of the activation: the logits of a softmax or sigmoid."""
        return cache[0]

    def _backward(
        self, dy: np.ndarray, cache: Any, need_dx: bool = True, wrt_logits: bool = False
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        x, _, y = cache
        if wrt_logits:
            return dy, []
        backward = activations.backward(self.activation)
        if backward is None:
            raise NotImplementedError(f"buildtrace has no gradient for {self.name}'s function.")
        return backward(dy, x, y), []

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
