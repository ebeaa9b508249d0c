"""``Concatenate``. Mirrors: ``keras/layers/merging/concatenate.py::Concatenate``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.merging.base_merge import _Merge
from buildtrace.trace import traced


class Concatenate(_Merge):
    """Joins its inputs along ``axis`` (the last one by default).

    Example:
        >>> Concatenate().compute_output_shape([(None, 3), (None, 4)])
        (None, 7)
    """

    @traced
    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis

    @traced(details=lambda self, input_shape: {"input_shape": input_shape})
    def build(self, input_shape: Any) -> None:
        """Check all inputs match except along ``axis``. Mirrors Keras 2's messages."""
        if len(input_shape) < 1 or not isinstance(input_shape[0], tuple | list):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        reduced = []
        for shape in input_shape:
            shape = list(shape)
            del shape[self.axis]
            reduced.append(tuple(shape))
        if len(set(reduced)) != 1:
            message = (
                "A `Concatenate` layer requires inputs with matching shapes except for the "
                f"concatenation axis. Received: input_shape={input_shape}"
            )
            if len({len(s) for s in reduced}) != 1:
                raise ValueError(message)
            for axis in range(len(reduced[0])):
                sizes = {s[axis] for s in reduced if s[axis] is not None}
                if len(sizes) > 1:
                    raise ValueError(message)
        # Only a shape check, as in Keras: _maybe_build calls Layer.build afterwards.

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(inputs, axis=self.axis)

    def _backward(
        self, dy: np.ndarray, cache: Any, need_dx: bool = True
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        sizes = np.cumsum([x.shape[self.axis] for x in cache])[:-1]
        return list(np.split(dy, sizes, axis=self.axis)), []

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [list(s) for s in input_shape]
        output = list(shapes[0])
        for shape in shapes[1:]:
            if output[self.axis] is None or shape[self.axis] is None:
                output[self.axis] = None
            else:
                output[self.axis] += shape[self.axis]
        return tuple(output)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
