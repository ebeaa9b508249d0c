"""``Dropout``: randomly zero inputs while training, scaling the rest up.

Mirrors: ``keras/layers/regularization/dropout.py::Dropout`` (Keras 2), which calls
``tf.nn.dropout``: keep each value with probability ``1 - rate`` and divide the kept
ones by ``1 - rate`` so the expected sum is unchanged. At inference it does nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.trace import traced


class Dropout(Layer):
    """Drops a fraction ``rate`` of the inputs during training.

    Example:
        >>> Dropout(0.5)(np.ones((1, 4), "float32"))  # inference: unchanged
        array([[1., 1., 1., 1.]], dtype=float32)
    """

    @traced
    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(rate, int | float) and not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value {rate} received for `rate`, expected a value between 0 and 1."
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self.supports_masking = True

    def _mask(self, inputs: np.ndarray) -> np.ndarray:
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(inputs.shape, self.noise_shape))
        rng = self._rng or backend.rng()
        keep = rng.random(shape, dtype=np.float32) >= self.rate
        mask: np.ndarray = keep.astype(inputs.dtype) / np.asarray(1 - self.rate, inputs.dtype)
        return mask

    @traced
    def call(self, inputs: np.ndarray, training: Any = None) -> np.ndarray:
        if not training or self.rate == 0:
            return inputs
        outputs: np.ndarray = inputs * self._mask(inputs)
        return outputs

    def _forward(self, inputs: np.ndarray, training: bool = True) -> tuple[np.ndarray, Any]:
        if not training or self.rate == 0:
            return inputs, None
        mask = self._mask(inputs)
        return inputs * mask, mask

    def _backward(
        self, dy: np.ndarray, cache: Any, need_dx: bool = True
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        return (dy if cache is None else dy * cache), []

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config
