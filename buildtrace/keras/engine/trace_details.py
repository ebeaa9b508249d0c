"""The extra fields the engine's events carry: shapes, weights, what compile chose.

Not in Keras. ``@traced(details=..., result=...)`` asks these for the fields beside an
event's name (``input_shape`` of a ``build``, ``output_shape`` of a ``__call__``), so
the engine's functions stay as Keras writes them, with one decorator line each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.utils.nest import flatten
from buildtrace.keras.utils.tf_utils import shapes_of, static_shape


def call_details(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Fields of ``Layer.__call__``: the shapes it was called on."""
    inputs = args[1] if len(args) > 1 else kwargs.get("inputs")
    try:
        return {"input_shape": shapes_of(inputs)}
    except AttributeError:
        return {}


def build_details(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Fields of ``build``: the ``input_shape`` it received."""
    shape = args[1] if len(args) > 1 else kwargs.get("input_shape")
    return {"input_shape": shape}


def output_details(outputs: Any) -> dict[str, Any]:
    """Fields of a return: the output shape(s)."""
    try:
        return {"output_shape": shapes_of(outputs)}
    except AttributeError:
        return {}


def added_details(self: Any, layer: Any) -> dict[str, Any]:
    """Fields of ``Sequential.add``: the name of the layer added."""
    return {"added": getattr(layer, "name", repr(layer))}


def node_details(
    self: Any, layer: Any, call_args: Any = None, call_kwargs: Any = None, outputs: Any = None
) -> dict[str, Any]:
    """Fields of ``Node.__init__``: which layer's call, fed by which layers.

    (The event's ``layer`` stays empty, as in Keras's own trace of a ``Node``.)
    """
    inbound = []
    for tensor in flatten((call_args or (), call_kwargs or {})):
        history = getattr(tensor, "_keras_history", None)
        if history is not None:
            inbound.append([history.layer.name, history.node_index, history.tensor_index])
    return {
        "node_of": layer.name,
        "node_index": len(layer._inbound_nodes),
        "inbound": inbound,
        "output_shapes": [list(t.shape) for t in flatten(outputs) if hasattr(t, "shape")],
    }


def graph_layers_details(network: Any) -> dict[str, Any]:
    """Fields of ``_map_graph_network``'s return: its layers, in the order they run."""
    return {"layers": [layer.name for layer in network[2]]}


def tensor_details(tensor: Any, *_: Any) -> dict[str, Any]:
    """Fields of ``_build_map_helper``: the tensor it walks back from."""
    return {"tensor": repr(tensor)}


def iterations_details(iterations: Any) -> dict[str, Any]:
    """Fields of ``apply_gradients``'s return: the optimizer's step count."""
    return {"iterations": int(iterations)}


def array_shapes(structure: Any) -> Any:
    """The shape of each array in a structure, the batch None inside a traced step."""
    if isinstance(structure, list | tuple):
        return [array_shapes(x) for x in structure]
    return static_shape(np.asarray(structure))


def tape_call_details(
    layer: Any, inputs: Any, training: bool = True, mask: Any = None
) -> dict[str, Any]:
    """Fields of a layer's forward pass on ``fit``'s tape: the shapes it ran on."""
    return {"input_shape": array_shapes(inputs)}


def tape_output_details(value: Any) -> dict[str, Any]:
    """Fields of its return: the shapes of the outputs (``value`` is outputs and cache)."""
    return {"output_shape": array_shapes(value[0])}


def compile_details(model: Any, loss: Any, metrics: Any) -> dict[str, Any]:
    """Fields of the ``compile`` event: the optimizer and its config, the loss, the metrics."""
    return {
        "optimizer": type(model.optimizer).__name__,
        "optimizer_config": model.optimizer.get_config(),
        "loss": describe(loss),
        "metrics": [describe(m) for m in (metrics or [])],
    }


def describe(value: Any) -> Any:
    """A JSON-friendly name for a loss/metric/optimizer argument of ``compile``."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, list | tuple):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {k: describe(v) for k, v in value.items()}
    return getattr(value, "name", None) or getattr(value, "__name__", type(value).__name__)


def add_weight_details(
    layer: Any, name: Any, shape: tuple[int, ...], dtype: str, initializer: Any,
    trainable: bool, variable: Any,
) -> dict[str, Any]:  # fmt: skip
    """Fields of the ``add_weight`` event: the weight, its shape, initializer and owner."""
    return {
        "cls": type(layer).__name__,
        "weight": name,
        "shape": list(shape),
        "dtype": dtype,
        "initializer": type(initializer).__name__,
        "trainable": trainable,
        "variable": variable.name,
        "owner": layer.__dict__.get("_weight_owner") or layer.name,  # the RNN of a cell
        "params": int(np.prod(shape)) if shape else 1,
    }
