"""``Dropout``: randomly zero inputs while training, scaling the rest up.

Mirrors: ``keras/layers/regularization/dropout.py::Dropout`` (Keras 2), a
``BaseRandomLayer`` that calls ``tf.nn.dropout``: keep each value with probability
``1 - rate`` and divide the kept ones by ``1 - rate`` so the expected sum is unchanged.
At inference it does nothing. Its gradient is in ``keras/backprop/regularization.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import BaseRandomLayer
from buildtrace.trace import traced


class Dropout(BaseRandomLayer):
    """Drops a fraction ``rate`` of the inputs during training.

    Example:
        >>> Dropout(0.5)(np.ones((1, 4), "float32"))  # inference: unchanged
        <tf.Tensor: shape=(1, 4), dtype=float32, numpy=array([[1., 1., 1., 1.]], dtype=float32)>
    """

    @traced
    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        if isinstance(rate, int | float) and not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value {rate} received for `rate`, expected a value between 0 and 1."
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def _get_noise_shape(self, inputs: np.ndarray) -> tuple[int, ...]:
        """The mask's shape: the inputs', with ``noise_shape``'s fixed sizes (1 = shared)."""
        if self.noise_shape is None:
            return tuple(inputs.shape)
        return tuple(s if n is None else n for s, n in zip(inputs.shape, self.noise_shape))

    def _mask(self, inputs: np.ndarray) -> np.ndarray:
        keep = self._random().random(self._get_noise_shape(inputs), dtype=np.float32) >= self.rate
        mask: np.ndarray = keep.astype(inputs.dtype) / np.asarray(1 - self.rate, inputs.dtype)
        return mask

    @traced
    def call(self, inputs: np.ndarray, training: Any = None) -> np.ndarray:
        if not training or self.rate == 0:
            return inputs
        outputs: np.ndarray = inputs * self._mask(inputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config
