"""``Maximum``. Mirrors: ``keras/layers/merging/maximum.py::Maximum``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.merging.base_merge import _Merge


class Maximum(_Merge):
    """The element-wise maximum of its inputs.

    Example:
        >>> Maximum()([np.full((1, 2), 2.0, "float32"), np.full((1, 2), 3.0, "float32")])
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[3., 3.]], dtype=float32)>
    """

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        output = inputs[0]
        for x in inputs[1:]:
            output = np.maximum(output, x)
        return output


def maximum(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional interface to the ``Maximum`` layer: ``maximum([x1, x2])``.

    Mirrors: ``keras/layers/merging/maximum.py::maximum``.
    """
    return Maximum(**kwargs)(inputs)
