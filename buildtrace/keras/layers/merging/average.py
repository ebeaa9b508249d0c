"""``Average``. Mirrors: ``keras/layers/merging/average.py::Average``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.merging.base_merge import _Merge


class Average(_Merge):
    """The element-wise mean of its inputs (an ensemble of branches, for instance).

    Example:
        >>> Average()([np.full((1, 2), 2.0, "float32"), np.full((1, 2), 3.0, "float32")])
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[2.5, 2.5]], dtype=float32)>
    """

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        mean: np.ndarray = output / np.asarray(len(inputs), output.dtype)
        return mean


def average(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional interface to the ``Average`` layer: ``average([x1, x2])``.

    Mirrors: ``keras/layers/merging/average.py::average``.
    """
    return Average(**kwargs)(inputs)
