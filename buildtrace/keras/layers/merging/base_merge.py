"""``_Merge``: the base of layers that combine a list of tensors element-wise.

Mirrors: ``keras/layers/merging/base_merge.py::_Merge`` (Keras 2): ``build`` only
validates that the shapes can be combined, with Keras's messages.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.trace import traced

Shape = tuple[int | None, ...]


class _Merge(Layer):
    """Combines a list of same-shaped (or broadcastable) tensors."""

    @traced
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def _compute_elemwise_op_output_shape(self, shape1: Shape | None, shape2: Shape | None) -> Any:
        """The shape of combining two per-sample shapes, broadcasting size-1 axes."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return self._compute_elemwise_op_output_shape(shape2, shape1)
        if not shape2:
            return shape1
        output = list(shape1[: -len(shape2)])
        for i, j in zip(shape1[-len(shape2) :], shape2):
            if i is None or j is None:
                output.append(None)
            elif i == 1:
                output.append(j)
            elif j == 1:
                output.append(i)
            else:
                if i != j:
                    raise ValueError(
                        f"Inputs have incompatible shapes. Received shapes {shape1} and {shape2}"
                    )
                output.append(i)
        return tuple(output)

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Check the inputs form a list of combinable shapes."""
        if not isinstance(input_shape[0], tuple | list):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape} (not a list of shapes)"
            )
        if len(input_shape) < 1:
            raise ValueError(
                "A merge layer should be called on a list of at least 1 input. "
                f"Got {len(input_shape)} inputs. Full input_shape received: {input_shape}"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                "Cannot merge tensors with different batch sizes. Got tensors with shapes "
                f"{input_shape}"
            )
        output_shape = tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            output_shape = self._compute_elemwise_op_output_shape(output_shape, tuple(shape[1:]))
        # Inputs of different ranks are lined up in `call` by inserting axes after the
        # batch axis (Keras's `_reshape_required`), not by numpy's right-aligned broadcast.
        self._reshape_required = len({len(s) for s in input_shape}) != 1
        # No super().build() here, as in Keras: _maybe_build calls Layer.build afterwards.

    def _merge_function(self, inputs: list[np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    @traced
    def call(self, inputs: list[np.ndarray]) -> np.ndarray:
        if not isinstance(inputs, list | tuple):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: inputs={inputs} (not a list of tensors)"
            )
        if getattr(self, "_reshape_required", False):
            return self._merge_function(expand_to_same_rank(list(inputs)))
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [tuple(s) for s in input_shape]
        output = shapes[0][1:]
        for shape in shapes[1:]:
            output = self._compute_elemwise_op_output_shape(output, shape[1:])
        batch = {s[0] for s in shapes} - {None}
        return ((next(iter(batch)) if len(batch) == 1 else None), *output)


def expand_to_same_rank(inputs: list[np.ndarray]) -> list[np.ndarray]:
    """Insert axes at position 1 into the lower-rank inputs until all ranks match.

    Mirrors the ``_reshape_required`` branch of ``_Merge.call`` (``tf.expand_dims(x, 1)``).
    """
    max_ndim = max(x.ndim for x in inputs)
    return [x.reshape(x.shape[:1] + (1,) * (max_ndim - x.ndim) + x.shape[1:]) for x in inputs]


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the gradient of a broadcast."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad
