"""``Add``. Mirrors: ``keras/layers/merging/add.py::Add``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.merging.base_merge import _Merge


class Add(_Merge):
    """The element-wise sum of its inputs (a residual connection, for instance).

    Example:
        >>> Add()([np.ones((1, 2), "float32"), np.ones((1, 2), "float32")])
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[2., 2.]], dtype=float32)>
    """

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


def add(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional interface to the ``Add`` layer: ``add([x1, x2])``.

    Mirrors: ``keras/layers/merging/add.py::add``.
    """
    return Add(**kwargs)(inputs)
