"""What ``Layer`` keeps beside the class: the call context and the scratch inputs.

Mirrors: ``keras/engine/base_layer_utils.py`` of Keras 2, which keeps the ``CallContext``
(which layer calls are running) and the placeholders Keras builds from shapes
(``generate_placeholders_from_shape``). Here scratch inputs are zeros, because
buildtrace has no graph to build placeholders in.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.engine.keras_tensor import KerasTensor, symbolic_mask
from buildtrace.keras.utils.nest import flatten, map_structure
from buildtrace.tf.tensors import Tensor, Variable
from buildtrace.trace import suspended

if TYPE_CHECKING:
    from buildtrace.keras.engine.base_layer import Layer

#: True while running a training/test/predict step the way Keras's ``tf.function`` traces
#: it: the step sees its batch as a symbolic tensor whose batch size is unknown (None).
_SYMBOLIC_BATCH: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "symbolic_batch", default=False
)


@contextlib.contextmanager
def symbolic_batch() -> Iterator[None]:
    """Report real batches with an unknown batch size, as inside a traced ``tf.function``.

    A model first built by ``fit`` is built from this shape: Keras records
    ``(None, 784)``, not ``(128, 784)``, because the graph must accept any batch size.
    Keras reads this from its call context (``call_context().build_graph``): is the
    step being traced into a graph?
    """
    token = _SYMBOLIC_BATCH.set(True)
    try:
        yield
    finally:
        _SYMBOLIC_BATCH.reset(token)


def in_symbolic_batch() -> bool:
    """Whether a step is running as traced (see :func:`symbolic_batch`)."""
    return _SYMBOLIC_BATCH.get()


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
        if x.dtype == "bool":  # a mask: every step kept
            return np.ones(shape, dtype=bool)
        if x.dtype == "string":  # a text input (a StringLookup's): empty strings
            return np.full(shape, "", dtype=object)
        return np.zeros(shape, dtype=x.dtype)

    return map_structure(make, structure)


def generate_placeholders_from_shape(shape: Any) -> Any:
    """A symbolic tensor per shape: one for ``(None, 4)``, a list for a list of shapes.

    Mirrors: ``base_layer_utils.generate_placeholders_from_shape``.
    """
    if isinstance(shape, list | tuple) and shape and isinstance(shape[0], list | tuple):
        return [generate_placeholders_from_shape(s) for s in shape]
    return KerasTensor(tuple(shape))


def scratch_output_shape(
    layer: Layer, input_shape: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """The output shape of ``layer`` for ``input_shape``, found by calling it twice.

    Mirrors what Keras's ``Layer.compute_output_shape`` does when a layer has no formula:
    run ``call`` on placeholders in a scratch graph. Here ``call`` runs on zeros twice,
    with 1 and then 2 for every unknown size: an output size that changes between the
    two runs depends on an unknown size, so it is unknown. Nothing is traced: Keras's
    scratch graph is thrown away too.
    """
    placeholders = generate_placeholders_from_shape(input_shape)
    kwargs = layer._call_kwargs({**kwargs, "training": False}) if kwargs else {}
    with suspended():
        layer._maybe_build(placeholders)
        first = layer.call(
            scratch_values(placeholders, 1), *scratch_values(args, 1), **scratch_values(kwargs, 1)
        )
        second = layer.call(
            scratch_values(placeholders, 2), *scratch_values(args, 2), **scratch_values(kwargs, 2)
        )
    shapes = [
        tuple(d1 if d1 == d2 else None for d1, d2 in zip(a.shape, b.shape))
        for a, b in zip(flatten(first), flatten(second))
    ]
    return shapes if isinstance(first, list | tuple) else shapes[0]


def track_attribute(layer: Layer, value: Any) -> None:
    """Keras's attribute tracking: a ``tf.Variable`` or a layer assigned to a layer
    becomes part of its weights (``self.w = tf.Variable(...)`` in a custom layer).

    Mirrors what ``Layer.__setattr__`` gets from TensorFlow's ``tf.Module`` tracking.
    """
    from buildtrace.keras.engine.base_layer import Layer

    if isinstance(value, Variable):
        store = layer._trainable_weights if value.trainable else layer._non_trainable_weights
        if not any(v is value for v in store):
            store.append(value)
    elif isinstance(value, Layer) and value is not layer:
        sublayers = layer.__dict__.setdefault("_tracked_layers", [])
        if not any(known is value for known in sublayers):
            sublayers.append(value)


def submodules(layer: Layer) -> tuple[Layer, ...]:
    """Every layer ``layer`` holds, at any depth, each once, depth first in tracking order.

    Mirrors ``Layer._flatten_modules(include_self=False)``, what ``Layer.submodules``
    returns in Keras 2 (a Keras layer is a ``tf.Module`` there); ``Layer.submodules``
    is this function as a property.
    """
    found: list[Layer] = []
    seen = {id(layer)}

    def visit(owner: Any) -> None:
        held = owner.__dict__.get("_self_tracked_trackables") or []
        for sub in [*held, *(owner.__dict__.get("_tracked_layers") or [])]:
            if id(sub) not in seen:
                seen.add(id(sub))
                found.append(sub)
                visit(sub)

    visit(layer)
    return tuple(found)


def weight_name_scope(layer: Layer) -> str:
    """The name scope a new weight of ``layer`` is created in: ``two_layer/dense``.

    Keras names weights after TensorFlow's name scopes: the layer's own, inside those of
    the layers whose eager call is running (a subclassed model's ``call`` building its
    layers). An RNN's cell or a wrapped layer is given a scope by its owner.
    """
    scope = layer.__dict__.get("_name_scope_prefix") or layer.name  # set by RNN/wrappers
    outer = list(backend.NAME_SCOPES)  # the enclosing eager calls, without this layer's own
    if outer and outer[-1] == layer.name:
        outer.pop()
    if scope.split("/")[0] in outer:
        outer = outer[: outer.index(scope.split("/")[0])]
    return "/".join([*outer, scope])


def input_caster(dtype: str) -> Any:
    """Converts one input for an eager call: numbers to arrays of the layer's ``dtype``
    (Keras casts its inputs so, ``_maybe_cast_inputs``); other arrays stay as they are."""

    def convert(x: Any) -> Any:
        if type(x) is Tensor:
            x = x._value
        if isinstance(x, np.ndarray) and x.dtype == dtype:
            return x
        array = np.asarray(x)
        # A layer of integer dtype (a Discretization) gets its inputs as they are:
        # Keras casts only to a floating compute dtype.
        if array.dtype.kind in "fiub" and np.dtype(dtype).kind == "f":
            return array.astype(dtype)
        return array

    return convert


def single_shape(shapes: Any) -> Any:
    """A one-shape list as that shape (``layer.input_shape`` of a single input)."""
    if isinstance(shapes, list) and len(shapes) == 1:
        return shapes[0]
    return shapes


# ---------------------------------------------------------------------------- masks
# Keras's Layer methods for masks (`_get_input_masks`, `compute_mask`,
# `_set_mask_metadata`), their bodies kept here beside the class.


def expects_mask_arg(call: Any) -> bool:
    """Whether ``call`` takes ``mask`` (or any keyword). Mirrors ``expects_mask_arg``."""
    parameters = inspect.signature(call).parameters.values()
    return any(p.name == "mask" or p.kind is p.VAR_KEYWORD for p in parameters)


def pass_input_masks(
    layer: Layer, inputs: Any, input_list: list[Any], kwargs: dict[str, Any]
) -> Any:
    """The masks of a call's inputs, given to ``call`` as ``mask=`` when it takes one.

    Mirrors ``Layer._get_input_masks`` and what ``__call__`` does with them: a ``mask=``
    the caller passed wins; otherwise the inputs' ``_keras_mask`` (implicit masks).
    """
    if not layer.supports_masking and not layer._expects_mask_arg:
        return None  # neither `call` nor `compute_mask` would use them
    if "mask" in kwargs:
        return kwargs["mask"]
    found = [getattr(t, "_keras_mask", None) for t in input_list]
    if all(m is None for m in found):
        return None
    masks = found if isinstance(inputs, list | tuple) else found[0]
    if layer._expects_mask_arg:
        kwargs["mask"] = masks
    return masks


def carried_mask(layer: Layer, mask: Any) -> Any:
    """``Layer.compute_mask``: the mask carried over, or None (an error if one came in
    to a layer that does not support masking, in Keras's words)."""
    if layer.supports_masking:
        return mask
    if any(m is not None for m in flatten(mask)):
        raise TypeError(
            f"Layer {layer.name} does not support masking, but was passed an input_mask: {mask}"
        )
    return None


def set_mask_metadata(layer: Layer, inputs: Any, outputs: Any, previous_mask: Any) -> None:
    """``Layer._set_mask_metadata``: ``compute_mask``'s answer on the outputs.

    On symbolic tensors Keras asks on its scratch graph's placeholders; here on a scratch
    batch, and each mask becomes a boolean ``KerasTensor`` shaped like the start of its
    output's shape. A layer that makes its output's mask itself (``Masking``, a model:
    ``_compute_output_and_mask_jointly``) is not asked.
    """
    if not layer.supports_masking:
        return
    flat = flatten(outputs)
    if getattr(layer, "_compute_output_and_mask_jointly", False) or all(
        getattr(x, "_keras_mask", None) is not None for x in flat
    ):
        return
    if flat and isinstance(flat[0], KerasTensor):
        inputs, previous_mask = scratch_values(inputs, 1), scratch_values(previous_mask, 1)
    masks = layer.compute_mask(inputs, previous_mask)
    if masks is None:
        return
    for tensor, mask in zip(flat, flatten(masks)):
        if isinstance(tensor, KerasTensor):
            tensor._keras_mask = symbolic_mask(mask, tensor)
        elif isinstance(tensor, Tensor) and mask is not None:
            tensor._keras_mask = mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))


def keras_tensors(shapes: Any, dtype: str, name: str) -> Any:
    """The symbolic outputs of a layer: one ``KerasTensor`` per shape."""
    if isinstance(shapes, list):
        return [KerasTensor(shape, dtype, name) for shape in shapes]
    return KerasTensor(shapes, dtype, name)


def copy_joint_masks(layer: Layer, outputs: Any, scratch: Any) -> None:
    """A layer that computes its output and mask together (a model, ``Masking``) left the
    masks on its scratch outputs: the symbolic outputs carry them, as in Keras."""
    if scratch is None or not getattr(layer, "_compute_output_and_mask_jointly", False):
        return
    for tensor, value in zip(flatten(outputs), flatten(scratch)):
        tensor._keras_mask = symbolic_mask(getattr(value, "_keras_mask", None), tensor)


def flatten_layers(layer: Any) -> list[Any]:
    """``layer`` and every layer inside it, once each. Mirrors ``Layer._flatten_layers``."""
    found: list[Any] = []
    pending = [layer]
    while pending:
        current = pending.pop(0)
        if any(current is known for known in found):
            continue
        found.append(current)
        pending.extend(getattr(current, "layers", None) or [])
        pending.extend(current.__dict__.get("_tracked_layers") or [])
    return found


def finalize_state_of_all(layer: Any) -> None:
    """Call ``finalize_state`` on ``layer`` and every layer inside it.

    Mirrors the end of Keras's ``Layer.set_weights``. Keras's base ``Layer`` has a
    ``finalize_state`` that does nothing; here only the layers that derive state from
    their weights (``PreprocessingLayer``) have one.
    """
    for each in flatten_layers(layer):
        finalize = getattr(each, "finalize_state", None)
        if callable(finalize):
            finalize()
