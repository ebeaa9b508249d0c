"""``Masking``: mark the padded steps of a sequence so the layers after it skip them.

Mirrors: ``keras/layers/core/masking.py::Masking`` (Keras 2). A step is kept when any
of its features differs from ``mask_value``; a skipped step's features become 0. The
layer makes its output and that output's mask together (Keras's
``_compute_output_and_mask_jointly``): ``call`` attaches the mask itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.tf.tensors import Tensor
from buildtrace.trace import traced


def step_mask(inputs: Any, mask_value: float) -> np.ndarray:
    """``True`` for each step with a feature other than ``mask_value``: ``(batch, steps)``."""
    kept: np.ndarray = np.any(np.not_equal(np.asarray(inputs), mask_value), axis=-1)
    return kept


class Masking(Layer):
    """Skips the steps whose features all equal ``mask_value``.

    Example:
        >>> x = np.array([[[1.0], [0.0], [2.0]]], "float32")
        >>> y = Masking()(x)
        >>> y._keras_mask.numpy().tolist()
        [[True, False, True]]
    """

    @traced
    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value
        self._compute_output_and_mask_jointly = True

    @traced
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """Which steps hold data: any feature differs from ``mask_value``."""
        return Tensor(step_mask(inputs, self.mask_value))

    @traced
    def call(self, inputs: Any) -> Any:
        """The inputs with the skipped steps zeroed, carrying their mask."""
        kept = step_mask(inputs, self.mask_value)
        values = np.asarray(inputs)
        outputs = Tensor(values * kept[..., None].astype(values.dtype))
        outputs._keras_mask = Tensor(kept)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}
