"""A live model as a :class:`~buildtrace.render.graph.ModelGraph`, for ``plot_model(model)``.

Everything else in ``render/`` reads events. This adapter is the exception that lets a
student draw a model object they hold without having recorded its construction. It
reads the model's public API (``model.layers``, ``layer.name``, ``built``,
``output_shape``, ``weights``, ``get_config()``) and, for what Keras keeps no public
record of (which layer feeds which, which ``InputLayer`` a ``Sequential`` made itself),
a few engine-private attributes. All of those are read here and nowhere else, each
with a comment, so an engine change breaks one small module.

It fills the same structure as :func:`~buildtrace.render.graph.graph_from_state`, with
the same conventions (layer order, shapes as tuples, None for unknown), so a live model
and the trace of its construction draw the same picture.

Example:
    >>> graph = graph_from_model(model)  # doctest: +SKIP
    >>> graph.layer("dense").output_shape  # doctest: +SKIP
    (None, 512)
"""

from __future__ import annotations

import math
from typing import Any

from buildtrace.render.graph import (
    GraphEdge,
    GraphLayer,
    ModelGraph,
    expect_sequential_edges,
    wrapped_class,
)


def graph_from_model(model: Any) -> ModelGraph:
    """The graph of a live ``keras.Model`` (a ``Sequential`` or a functional model).

    Works on unbuilt models too: their layers are drawn from what is known.
    """
    layers = _layers_with_inputs(model)
    graph = ModelGraph(name=model.name, cls=type(model).__name__, built=bool(model.built))
    inferred_by = _inferring_model(model)
    graph.layers = [_graph_layer(layer, inferred_by) for layer in layers]
    names = {layer.name for layer in layers}
    for layer in layers:
        for source in _inbound_layer_names(layer):
            edge = GraphEdge(source, layer.name)
            if source in names and edge not in graph.edges:
                graph.edges.append(edge)
    if graph.cls == "Sequential":
        expect_sequential_edges(graph)
    graph.sort_edges()
    return graph


def _layers_with_inputs(model: Any) -> list[Any]:
    """``model.layers`` with the input layers first, as the graph runs.

    ``Sequential.layers`` hides the ``InputLayer``; the list behind it
    (``_self_tracked_trackables``, engine-private) keeps it once the graph is mapped.
    """
    tracked = list(getattr(model, "_self_tracked_trackables", None) or model.layers)
    return tracked


def _inferring_model(model: Any) -> str | None:
    """The model's name if it made its ``InputLayer`` itself (a Sequential given only an
    input shape); ``_has_explicit_input_shape`` is engine-private."""
    if type(model).__name__ != "Sequential":
        return None
    return None if getattr(model, "_has_explicit_input_shape", True) else str(model.name)


def _inbound_layer_names(layer: Any) -> list[str]:
    """The layers whose outputs feed ``layer``, over all its calls, in order.

    Keras keeps the wiring in each layer's nodes (``_inbound_nodes``, engine-private);
    each node's input tensors know their producing layer (``_keras_history``).
    """
    names: list[str] = []
    for node in getattr(layer, "_inbound_nodes", []):
        for tensor in getattr(node, "keras_inputs", []):
            history = getattr(tensor, "_keras_history", None)
            if history is not None and history.layer.name not in names:
                names.append(history.layer.name)
    return names


def _graph_layer(layer: Any, inferred_by: str | None) -> GraphLayer:
    config = _config(layer)
    is_input = type(layer).__name__ == "InputLayer"
    weights = list(getattr(layer, "weights", [])) if layer.built else []
    graph_layer = GraphLayer(
        name=layer.name,
        cls=wrapped_class(type(layer).__name__, config),
        built=bool(layer.built),
        input_shape=_shape(layer, "input_shape"),
        output_shape=_shape(layer, "output_shape"),
        params=sum(_size(w) for w in weights) if layer.built else None,
        trainable_params=sum(_size(w) for w in weights if w.trainable) if layer.built else None,
        dtype=config.get("dtype") if isinstance(config.get("dtype"), str) else None,
        activation=config.get("activation") if isinstance(config.get("activation"), str) else None,
        trainable=config.get("trainable") if isinstance(config.get("trainable"), bool) else None,
        is_input=is_input,
        inferred_by=inferred_by if is_input else None,
    )
    if hasattr(layer, "layers") and hasattr(layer, "_self_tracked_trackables"):
        graph_layer.nested = graph_from_model(layer)
        graph_layer.params = graph_layer.nested.params
        graph_layer.trainable_params = graph_layer.nested.trainable_params
    if is_input:
        graph_layer.input_shape = graph_layer.output_shape
    return graph_layer


def _config(layer: Any) -> dict[str, Any]:
    try:
        config = layer.get_config()
    except Exception:  # a half-made layer must not stop the drawing
        return {}
    return config if isinstance(config, dict) else {}


def _shape(layer: Any, attribute: str) -> Any:
    """``layer.input_shape`` / ``output_shape``, None when the layer was never called."""
    try:
        shape = getattr(layer, attribute)
    except (AttributeError, ValueError):  # never called, or called with differing shapes
        return None
    # An InputLayer's shapes are a one-item list in Keras 2 ([(None, 784)]): drawn as the trace's.
    return shape[0] if isinstance(shape, list) and len(shape) == 1 else shape


def _size(weight: Any) -> int:
    return math.prod(int(d) for d in weight.shape)
