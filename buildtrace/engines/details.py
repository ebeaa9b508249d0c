"""The fields a real engine's events carry beyond name and depth, read from its frames.

The mini-Keras's decorators add ``input_shape`` to a ``build``, ``node_of`` and
``inbound`` to a ``Node.__init__``, a layer's ``config`` when its ``__init__`` returns,
and so on (``buildtrace.keras``'s ``@traced(details=...)``). The views need them to draw
a real engine's trace too, so this module reads the same facts from the engine's own
frame locals: at a call (its arguments) and at its return (its locals and return value).

Everything here runs inside the trace function, where the interpreter traces nothing,
and must never raise: a fact it cannot read is left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from buildtrace.trace.events import RawEvent

Locals = dict[str, Any]

#: How deep :func:`plain` copies a config before it stops (the contract's bound is 24).
_MAX_NESTING = 16


def scalar(value: Any) -> Any:
    """A flag's value as the contract takes it: null, a bool, a number or a short string."""
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        return value if not isinstance(value, str) else value[:1024]
    if hasattr(value, "item"):
        try:
            return scalar(value.item())
        except Exception:
            pass
    return repr(value)[:1024]


def plain(value: Any, nesting: int = 0) -> Any:
    """A JSON-ready copy of a config: numpy scalars as numbers, other objects as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if nesting >= _MAX_NESTING:
        return repr(value)[:200]
    if isinstance(value, dict):
        return {str(k): plain(v, nesting + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, nesting + 1) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        try:
            return plain(value.item(), nesting)
        except Exception:
            pass
    return repr(value)[:200]


def shape_of(value: Any, nesting: int = 0) -> Any:
    """A shape (TensorShape, tuple, list of shapes, tensor) as lists of sizes or null."""
    if value is None or nesting > 3:
        return None
    if hasattr(value, "shape") and not isinstance(value, list | tuple | dict):
        value = value.shape
    if hasattr(value, "as_list"):
        try:
            value = value.as_list()
        except ValueError:  # unknown rank
            return None
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        if all(d is None or isinstance(d, int) for d in value):
            return [None if d is None else int(d) for d in value]
        return [shape_of(v, nesting + 1) for v in value]
    if isinstance(value, str):
        return value
    return None


def _flatten(value: Any, nesting: int = 0) -> Iterator[Any]:
    if nesting > 6:
        return
    if isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item, nesting + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item, nesting + 1)
    elif value is not None:
        yield value


def _name(obj: Any) -> str | None:
    name = getattr(obj, "name", None)
    return name if isinstance(name, str) else None


# ------------------------------------------------------------------------- at a call
def _input_shape(local_vars: Locals) -> RawEvent:
    if "input_shape" not in local_vars:
        return {}
    return {"input_shape": shape_of(local_vars["input_shape"])}


def _layer_call(local_vars: Locals) -> RawEvent:
    args = local_vars.get("args") or ()
    inputs = args[0] if args else (local_vars.get("kwargs") or {}).get("inputs")
    return {"input_shape": shape_of(inputs)} if inputs is not None else {}


def _node_init(local_vars: Locals) -> RawEvent:
    layer = local_vars.get("layer")
    name = _name(layer)
    if name is None:
        return {}
    inbound = []
    sources = [local_vars.get("call_args"), local_vars.get("call_kwargs")]
    for tensor in _flatten(sources):
        history = getattr(tensor, "_keras_history", None)
        if history is not None and _name(history.layer) is not None:
            inbound.append([history.layer.name, int(history.node_index), int(history.tensor_index)])
    outputs = [shape_of(t) for t in _flatten(local_vars.get("outputs"))]
    return {
        "node_of": name,
        "node_index": len(getattr(layer, "_inbound_nodes", ()) or ()),
        "inbound": inbound,
        "output_shapes": [s if isinstance(s, list) else [] for s in outputs],
    }


def _node_init3(local_vars: Locals) -> RawEvent:
    """Keras 3's ``Node(operation, call_args, call_kwargs, outputs)``: the same facts as
    Keras 2's ``Node(layer, ...)``, read from ``KerasHistory(operation, ...)``."""
    operation = local_vars.get("operation")
    name = _name(operation)
    if name is None:
        return {}
    inbound = []
    sources = [local_vars.get("call_args"), local_vars.get("call_kwargs")]
    for tensor in _flatten(sources):
        history: Any = getattr(tensor, "_keras_history", None)
        source = _name(getattr(history, "operation", None))
        if source is not None:
            inbound.append([source, int(history.node_index), int(history.tensor_index)])
    outputs = [shape_of(t) for t in _flatten(local_vars.get("outputs"))]
    return {
        "node_of": name,
        "node_index": len(getattr(operation, "_inbound_nodes", ()) or ()),
        "inbound": inbound,
        "output_shapes": [s if isinstance(s, list) else [] for s in outputs],
    }


def _build_wrapper(local_vars: Locals) -> RawEvent:
    """Keras 3's ``build_wrapper(*args)``: the layer is ``obj`` of ``Layer.__new__``."""
    event: RawEvent = {}
    name = _name(local_vars.get("obj"))
    if name is not None:
        event["layer"] = name
    args = local_vars.get("args") or ()
    shape = args[0] if args else (local_vars.get("kwargs") or {}).get("input_shape")
    if shape is not None:
        event["input_shape"] = shape_of(shape)
    return event


def _added(local_vars: Locals) -> RawEvent:
    name = _name(local_vars.get("layer"))
    return {"added": name} if name is not None else {}


def _tensor(local_vars: Locals) -> RawEvent:
    tensor = local_vars.get("tensor")
    return {"tensor": repr(tensor)[:1000]} if tensor is not None else {}


def _named_by(argument: str) -> Callable[[Locals], RawEvent]:
    def layer_of(local_vars: Locals) -> RawEvent:
        value = local_vars.get(argument)
        return {"layer": value} if isinstance(value, str) else {}

    return layer_of


_ON_CALL: dict[str, Callable[[Locals], RawEvent]] = {
    "keras.engine.base_layer.Layer.__call__": _layer_call,
    "keras3.layers.layer.Layer.__call__": _layer_call,
    "keras.engine.node.Node.__init__": _node_init,
    "keras.engine.sequential.Sequential.add": _added,
    "keras3.ops.node.Node.__init__": _node_init3,
    "keras3.layers.layer.Layer.__new__.<locals>.build_wrapper": _build_wrapper,
    "keras3.models.sequential.Sequential.add": _added,
    "keras3.layers.core.input_layer.Input": _named_by("name"),
    "keras.engine.functional._build_map_helper": _tensor,
    "keras.engine.input_layer.Input": _named_by("name"),
    "keras.engine.input_spec.assert_input_compatibility": _named_by("layer_name"),
}


def on_call(name: str, local_vars: Locals) -> RawEvent | None:
    """Extra fields of a ``call`` event (the arguments a view reads), or None."""
    read = _ON_CALL.get(name)
    try:
        if read is not None:
            return read(local_vars)
        if name.endswith((".build", "._build_graph_network_for_inferred_shape")):
            return _input_shape(local_vars)
    except Exception:  # a fact we cannot read is left out, never the user's problem
        return None
    return None


# ------------------------------------------------------------------------- at a return
def _weight(frame: FrameType, variable: Any) -> list[RawEvent]:
    """The ``add_weight`` event of ``Layer.add_weight``: what the weight became."""
    local_vars = frame.f_locals
    owner = local_vars.get("self")
    initializer = local_vars.get("initializer")
    shape = shape_of(getattr(variable, "shape", local_vars.get("shape"))) or []
    dims = [int(d) for d in shape if isinstance(d, int)]
    dtype = getattr(variable, "dtype", None)
    dtype = dtype if isinstance(dtype, str) else getattr(dtype, "name", None)  # Keras 3: str
    dtype = dtype or str(local_vars.get("dtype"))
    params = math.prod(dims) if dims else 1
    return [
        {
            "kind": "add_weight",
            "name": "add_weight",
            "layer": _name(owner),
            "cls": type(owner).__name__,
            "weight": str(local_vars.get("name")),
            "shape": dims,
            "dtype": dtype,
            "initializer": type(initializer).__name__ if initializer is not None else "None",
            "trainable": bool(getattr(variable, "trainable", local_vars.get("trainable"))),
            "variable": str(getattr(variable, "path", None) or getattr(variable, "name", "")),
            "params": params,
        }
    ]


def _describe(value: Any) -> Any:
    """Mirrors ``buildtrace.keras.engine.training_loop.describe`` (a compile argument)."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _describe(v) for k, v in value.items()}
    return getattr(value, "name", None) or getattr(value, "__name__", type(value).__name__)


def _compile(frame: FrameType) -> list[RawEvent]:
    """The ``compile`` event the mini-Keras emits at the end of ``Model.compile``."""
    local_vars = frame.f_locals
    model = local_vars.get("self")
    optimizer = getattr(model, "optimizer", None)
    try:
        config = plain(optimizer.get_config()) if optimizer is not None else None
    except Exception:
        config = None
    loss = _describe(local_vars.get("loss"))
    metrics = _describe(local_vars.get("metrics")) or []
    return [
        {
            "kind": "compile",
            "name": "compile",
            "layer": _name(model),
            "optimizer": type(optimizer).__name__,
            "optimizer_config": config,
            "loss": loss if isinstance(loss, str) or loss is None else repr(loss),
            "metrics": [m if isinstance(m, str) else repr(m) for m in metrics],
        }
    ]


def on_return(
    name: str, frame: FrameType, value: Any, is_init: bool
) -> tuple[list[RawEvent], RawEvent]:
    """Events made inside the call (a weight, a compile) and extra ``return`` fields."""
    try:
        if name in (
            "keras.engine.base_layer.Layer.add_weight",
            "keras3.layers.layer.Layer.add_weight",
        ):
            return _weight(frame, value), {}
        if name in (
            "keras.engine.training.Model.compile",
            "keras3.trainers.trainer.Trainer.compile",
        ):
            return _compile(frame), {}
        if name in ("keras.engine.base_layer.Layer.__call__", _INFER, _CALL3):
            return [], {"output_shape": shape_of(value)}
        if name in _MAP_GRAPH and isinstance(value, tuple):
            return [], {"layers": [n for n in map(_name, value[2]) if n is not None]}
        if is_init:
            obj: Any = frame.f_locals.get("self")
            init = vars(type(obj)).get("__init__")
            while hasattr(init, "__wrapped__"):  # Keras decorates some __init__s
                init = init.__wrapped__
            if getattr(init, "__code__", None) is frame.f_code and is_layer(obj):
                return [], {"config": plain(obj.get_config())}
    except Exception:
        return [], {}
    return [], {}


#: The engines' layer base classes, as (module, name): a layer's config is what a view
#: reads, and Keras's layers' ``get_config`` only reads their attributes.
LAYER_BASES = frozenset(
    {("tf_keras.src.engine.base_layer", "Layer"), ("keras.src.layers.layer", "Layer")}
)


def is_layer(obj: Any) -> bool:
    """Whether ``obj`` is a layer (or model) of a real engine, by its classes' names.

    Only a layer's ``get_config`` is called when its ``__init__`` returns. Other Keras
    objects have one too, and not all of them only read: tf-keras's
    ``LossesContainer.get_config`` flattens the ``loss`` dict given to ``compile`` in
    place (into the dict keys' sorted order), after which ``build`` pairs the losses
    with the wrong outputs. The recording must never change what it records.
    """
    return any((c.__module__, c.__name__) in LAYER_BASES for c in type(obj).__mro__)


_INFER = "keras.engine.base_layer.Layer._infer_output_signature"
_MAP_GRAPH = ("keras.engine.functional._map_graph_network", "keras3.ops.function.map_graph")
_CALL3 = "keras3.layers.layer.Layer.__call__"
