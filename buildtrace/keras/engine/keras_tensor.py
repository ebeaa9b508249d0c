"""Symbolic tensors: a shape and a dtype standing for data not yet seen.

Mirrors: ``keras/engine/keras_tensor.py::KerasTensor``. When a layer is called on a
``KerasTensor`` (functional construction), Keras works out the output's shape without
real data, and records in the output's ``_keras_history`` which layer and node made it.
That history is what ``_build_map`` walks to find a model's layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from buildtrace.tf import math_ops

if TYPE_CHECKING:
    from buildtrace.keras.engine.base_layer import Layer

Shape = tuple[int | None, ...]


class KerasHistory(NamedTuple):
    """Where a symbolic tensor came from: ``(layer, node_index, tensor_index)``.

    Mirrors: ``keras/engine/node.py::KerasHistory``.
    """

    layer: Layer
    node_index: int
    tensor_index: int


class KerasTensor:
    """A symbolic tensor: what flows through a model while it is being built.

    Example:
        >>> KerasTensor((None, 784), name="dense_input")
        <KerasTensor: shape=(None, 784) dtype=float32>

        An ``Input`` also records the layer that made it (its ``_keras_history``)::

        >>> from buildtrace import keras
        >>> keras.Input(shape=(784,), name="dense_input")
        <KerasTensor: shape=(None, 784) dtype=float32 (created by layer 'dense_input')>
    """

    def __init__(self, shape: Shape, dtype: str = "float32", name: str | None = None) -> None:
        self._shape: Shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name
        self._keras_history: KerasHistory | None = None
        #: The boolean mask that travels with this tensor (``Embedding(mask_zero=True)``...).
        self._keras_mask: KerasTensor | None = None

    @property
    def shape(self) -> Shape:
        """The static shape, ``None`` where unknown (usually the batch dimension)."""
        return self._shape

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self._shape)

    def __repr__(self) -> str:
        origin = ""
        if self._keras_history is not None:
            origin = f" (created by layer '{self._keras_history.layer.name}')"
        return f"<KerasTensor: shape={self._shape} dtype={self.dtype}{origin}>"

    # Arithmetic on a symbolic tensor is a TensorFlow op, which Keras turns into a
    # TFOpLambda layer of the graph (`x * 2` -> a `tf.math.multiply` layer).
    def __add__(self, other: Any) -> Any:
        return math_ops.add(self, other)

    def __radd__(self, other: Any) -> Any:
        return math_ops.add(other, self)

    def __sub__(self, other: Any) -> Any:
        return math_ops.subtract(self, other)

    def __rsub__(self, other: Any) -> Any:
        return math_ops.subtract(other, self)

    def __mul__(self, other: Any) -> Any:
        return math_ops.multiply(self, other)

    def __rmul__(self, other: Any) -> Any:
        return math_ops.multiply(other, self)

    def __truediv__(self, other: Any) -> Any:
        return math_ops.truediv(self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return math_ops.truediv(other, self)

    def __pow__(self, other: Any) -> Any:
        return math_ops.pow(self, other)

    def __matmul__(self, other: Any) -> Any:
        return math_ops.matmul(self, other)

    def __neg__(self) -> Any:
        return math_ops.negative(self)

    def __getitem__(self, key: Any) -> Any:
        return math_ops.getitem(self, key)

    # Symbolic tensors are compared by identity, like Keras's.
    __hash__ = object.__hash__


def symbolic_mask(mask: Any, tensor: KerasTensor) -> KerasTensor | None:
    """The symbolic counterpart of a mask computed for ``tensor``: a boolean
    ``KerasTensor`` shaped like the start of ``tensor``'s shape (``(None, steps)`` for
    ``(None, steps, units)``), as Keras's ``keras_tensor_from_tensor`` converts a mask."""
    if mask is None:
        return None
    if isinstance(mask, KerasTensor):
        return mask
    return KerasTensor(tensor.shape[: len(getattr(mask, "shape", ()))], "bool")


def is_keras_tensor(x: Any) -> bool:
    """True for a symbolic tensor. Mirrors ``keras/backend.py::is_keras_tensor``."""
    return isinstance(x, KerasTensor)
