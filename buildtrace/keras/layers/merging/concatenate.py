"""``Concatenate``. Mirrors: ``keras/layers/merging/concatenate.py::Concatenate``."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine import trace_details
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

    @traced(details=trace_details.build_details)
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

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The sizes along ``axis`` add up; off the axis, any known size wins.

        Keras 2's functional outputs take their shape from ``tf.concat`` on placeholders,
        whose shape inference merges a ``None`` with a known size; its own
        ``compute_output_shape`` only copies the first input's, which would lose it.
        """
        shapes = [list(s) for s in input_shape]
        output = list(shapes[0])
        axis = self.axis % len(output)
        for shape in shapes[1:]:
            for i, size in enumerate(shape):
                if i != axis and output[i] is None:
                    output[i] = size
            if output[axis] is None or shape[axis] is None:
                output[axis] = None
            else:
                output[axis] += shape[axis]
        return tuple(output)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs: list[Any], axis: int = -1, **kwargs: Any) -> Any:
    """Functional interface to the ``Concatenate`` layer: ``concatenate([x1, x2])``.

    Mirrors: ``keras/layers/merging/concatenate.py::concatenate``.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
