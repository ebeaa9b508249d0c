"""Symbolic tensors: a shape and a dtype standing for data not yet seen.

Mirrors: ``keras/engine/keras_tensor.py::KerasTensor``. When a layer is called on a
``KerasTensor`` (functional construction), Keras works out the output's shape without
real data, and records in the output's ``_keras_history`` which layer and node made it.
That history is what ``_build_map`` walks to find a model's layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

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
        <KerasTensor: shape=(None, 784) dtype=float32 (created by layer 'dense_input')>
    """

    def __init__(self, shape: Shape, dtype: str = "float32", name: str | None = None) -> None:
        self._shape: Shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name
        self._keras_history: KerasHistory | None = None

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

    def _unsupported(self, *_: Any) -> Any:
        raise NotImplementedError(
            "Arithmetic on symbolic tensors (Keras's TFOpLambda layers) is not supported "
            "by buildtrace. Use layers such as `keras.layers.Add` instead."
        )

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _unsupported
    __truediv__ = __matmul__ = __getitem__ = __neg__ = _unsupported

    # Symbolic tensors are compared by identity, like Keras's.
    __hash__ = object.__hash__


def is_keras_tensor(x: Any) -> bool:
    """True for a symbolic tensor. Mirrors ``keras/backend.py::is_keras_tensor``."""
    return isinstance(x, KerasTensor)
