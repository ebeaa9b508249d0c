"""``Reshape``: give each sample a new shape with the same number of values.

Mirrors: ``keras/layers/reshaping/reshape.py::Reshape``; one dimension may be -1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.trace import traced


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (batch dimension excluded).

    Example:
        >>> Reshape((28, 28, 1)).compute_output_shape((None, 784))
        (None, 28, 28, 1)
    """

    @traced
    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def _fix_unknown_dimension(self, input_shape: Any, output_shape: Any) -> tuple[int, ...]:
        """Work out the -1 of ``output_shape``. Mirrors the Keras 2 method and messages."""
        output_shape = list(output_shape)
        msg = (
            "total size of new array must be unchanged, "
            f"input_shape = {list(input_shape)}, output_shape = {output_shape}"
        )
        known, unknown = 1, None
        for index, dim in enumerate(output_shape):
            if dim < 0:
                if unknown is not None:
                    raise ValueError(
                        "There must be at most one unknown dimension in output_shape. "
                        f"Received: output_shape={output_shape}."
                    )
                unknown = index
            else:
                known *= dim
        original = math.prod(input_shape)
        if unknown is not None:
            if known == 0 or original % known != 0:
                raise ValueError(msg)
            output_shape[unknown] = original // known
        elif original != known:
            raise ValueError(msg)
        return tuple(output_shape)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        shape = self._fix_unknown_dimension(inputs.shape[1:], self.target_shape)
        return inputs.reshape((inputs.shape[0], *shape))

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if None in input_shape[1:]:
            return (input_shape[0], *(None if d == -1 else d for d in self.target_shape))
        return (input_shape[0], *self._fix_unknown_dimension(input_shape[1:], self.target_shape))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": self.target_shape}
