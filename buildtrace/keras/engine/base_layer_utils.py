"""What ``Layer`` keeps beside the class: the call context and the scratch inputs.

Mirrors: ``keras/engine/base_layer_utils.py`` of Keras 2, which keeps the ``CallContext``
(which layer calls are running) and the placeholders Keras builds from shapes
(``generate_placeholders_from_shape``). Here scratch inputs are zeros, because
buildtrace has no graph to build placeholders in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.keras.utils.nest import flatten, map_structure

if TYPE_CHECKING:
    from buildtrace.keras.engine.base_layer import Layer

#: The layers whose eager ``__call__`` is running (outermost first): the part of Keras's
#: ``CallContext`` buildtrace needs (is this the outermost call?).
CALL_STACK: list[Layer] = []


def clear_added_losses(layer: Layer) -> None:
    """Forget the losses the last call added, on ``layer`` and every layer inside it.

    Mirrors: ``Layer._clear_losses``, which Keras runs at the outermost call.
    """
    from buildtrace.keras import regularizers

    seen: list[Any] = []
    todo: list[Any] = [layer]
    while todo:
        current = todo.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo += current.__dict__.get("_tracked_layers") or []
        todo += current.__dict__.get("_self_tracked_trackables") or []
    regularizers.clear_eager_losses(seen)


def has_symbolic(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether any argument besides the inputs is a symbolic tensor."""
    return any(isinstance(x, KerasTensor) for x in flatten([list(args), list(kwargs.values())]))


def scratch_values(structure: Any, unknown: int) -> Any:
    """Zeros shaped like each symbolic tensor, ``unknown`` standing in for None sizes."""

    def make(x: Any) -> Any:
        if not isinstance(x, KerasTensor):
            return x
        shape = tuple(unknown if d is None else d for d in x.shape)
        return np.zeros(shape, dtype=x.dtype)

    return map_structure(make, structure)


def generate_placeholders_from_shape(shape: Any) -> Any:
    """A symbolic tensor per shape: one for ``(None, 4)``, a list for a list of shapes.

    Mirrors: ``base_layer_utils.generate_placeholders_from_shape``.
    """
    if isinstance(shape, list | tuple) and shape and isinstance(shape[0], list | tuple):
        return [generate_placeholders_from_shape(s) for s in shape]
    return KerasTensor(tuple(shape))
