"""``RepeatVector``. Mirrors: ``keras/layers/reshaping/repeat_vector.py::RepeatVector``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.trace import traced


class RepeatVector(Layer):
    """Repeats a vector ``n`` times: ``(batch, features)`` to ``(batch, n, features)``, the
    bridge from an encoder's summary to a decoder's sequence.

    Example:
        >>> RepeatVector(3).compute_output_shape((None, 8))
        (None, 3, 8)
    """

    @traced
    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = n
        if not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.input_spec = InputSpec(ndim=2)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return np.repeat(inputs[:, None, :], self.n, axis=1)

    def compute_output_shape(self, input_shape: Any) -> Any:
        batch, features = tuple(input_shape)
        return (batch, self.n, features)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}
