"""``Multiply``. Mirrors: ``keras/layers/merging/multiply.py::Multiply``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.merging.base_merge import _Merge


class Multiply(_Merge):
    """The element-wise product of its inputs (a gate, for instance).

    Example:
        >>> Multiply()([np.full((1, 2), 2.0, "float32"), np.full((1, 2), 3.0, "float32")])
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[6., 6.]], dtype=float32)>
    """

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        output = inputs[0]
        for x in inputs[1:]:
            output = output * x
        return output


def multiply(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional interface to the ``Multiply`` layer: ``multiply([x1, x2])``.

    Mirrors: ``keras/layers/merging/multiply.py::multiply``.
    """
    return Multiply(**kwargs)(inputs)
