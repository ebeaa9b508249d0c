"""``Minimum``. Mirrors: ``keras/layers/merging/minimum.py::Minimum``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.merging.base_merge import _Merge


class Minimum(_Merge):
    """The element-wise minimum of its inputs.

    Example:
        >>> Minimum()([np.full((1, 2), 2.0, "float32"), np.full((1, 2), 3.0, "float32")])
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[2., 2.]], dtype=float32)>
    """

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        output = inputs[0]
        for x in inputs[1:]:
            output = np.minimum(output, x)
        return output


def minimum(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional interface to the ``Minimum`` layer: ``minimum([x1, x2])``.

    Mirrors: ``keras/layers/merging/minimum.py::minimum``.
    """
    return Minimum(**kwargs)(inputs)
