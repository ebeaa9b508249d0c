"""``GaussianNoise``. Mirrors: ``keras/layers/regularization/gaussian_noise.py``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import BaseRandomLayer
from buildtrace.trace import traced


class GaussianNoise(BaseRandomLayer):
    """Adds zero-mean noise of deviation ``stddev`` while training (a regulariser).

    Example:
        >>> GaussianNoise(0.1)(np.ones((1, 2), "float32"))  # inference: unchanged
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[1., 1.]], dtype=float32)>
    """

    @traced
    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        self.supports_masking = True
        self.stddev = stddev
        self.seed = seed

    @traced
    def call(self, inputs: np.ndarray, training: Any = None) -> np.ndarray:
        if not training:
            return inputs
        noise = self._random().normal(0.0, self.stddev, inputs.shape).astype(inputs.dtype)
        outputs: np.ndarray = inputs + noise
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
