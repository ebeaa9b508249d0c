"""``Add``. Mirrors: ``keras/layers/merging/add.py::Add``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.merging.base_merge import _Merge, unbroadcast


class Add(_Merge):
    """The element-wise sum of its inputs (a residual connection, for instance).

    Example:
        >>> Add()([np.ones((1, 2), "float32"), np.ones((1, 2), "float32")])
        array([[2., 2.]], dtype=float32)
    """

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output

    def _backward(
        self, dy: np.ndarray, cache: Any, need_dx: bool = True
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        return [unbroadcast(dy, x.shape) for x in cache], []
