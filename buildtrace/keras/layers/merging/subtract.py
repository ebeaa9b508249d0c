"""``Subtract``. Mirrors: ``keras/layers/merging/subtract.py::Subtract``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine import trace_details
from buildtrace.keras.layers.merging.base_merge import _Merge
from buildtrace.trace import traced


class Subtract(_Merge):
    """The difference of exactly two inputs: ``inputs[0] - inputs[1]``.

    Example:
        >>> Subtract()([np.full((1, 2), 2.0, "float32"), np.full((1, 2), 3.0, "float32")])
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[-1., -1.]], dtype=float32)>
    """

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """The merge checks, then exactly two inputs (Keras's order and message)."""
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: input_shape={input_shape}"
            )

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        if len(inputs) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: inputs={inputs}"
            )
        output: np.ndarray = inputs[0] - inputs[1]
        return output


def subtract(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional interface to the ``Subtract`` layer: ``subtract([x1, x2])``.

    Mirrors: ``keras/layers/merging/subtract.py::subtract``.
    """
    return Subtract(**kwargs)(inputs)
