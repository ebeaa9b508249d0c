"""The model as a graph to draw: layers, their state, and the tensors between them.

:class:`ModelGraph` is neutral ground between where a model comes from and how it is
drawn. Two producers fill it, one drawer reads it:

* :func:`graph_from_state` reads a :class:`~buildtrace.state.model_state.ModelState`, the
  fold of a trace at some step (so a replayed trace draws exactly like a live one, and
  any step of a build can be drawn);
* :func:`buildtrace.render.model_graph.graph_from_model` reads a live model object;
* :func:`buildtrace.render.topology.topology_graph` turns either into DOT.

Example:
    >>> from buildtrace.state.model_state import model_state
    >>> graph = graph_from_state(model_state(events))  # doctest: +SKIP
    >>> [layer.name for layer in graph.layers]  # doctest: +SKIP
    ['dense_input', 'dense', 'dense_1']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from buildtrace.state.model_state import LayerState, ModelState
from buildtrace.state.teaching import METRIC_CLASSES


@dataclass
class GraphLayer:
    """One box of the topology.

    Attributes:
        name, cls: the layer's name and class (``dense``, ``Dense``).
        built: whether ``built`` is True.
        input_shape, output_shape: shapes as tuples (a list of tuples for several), or
            None while unknown.
        params, trainable_params: parameters created so far; None when the layer is not
            built (its weights do not exist yet, so the count is unknown, not zero).
        dtype, activation, trainable: from the layer's configuration, when known.
        is_input: an ``InputLayer``.
        inferred_by: the ``Sequential`` that made this ``InputLayer`` itself, if it did.
        focus: the layer being built or called at the step drawn.
        nested: the graph of a model used as a layer (drawn when nested models expand).
    """

    name: str
    cls: str
    built: bool = False
    input_shape: Any = None
    output_shape: Any = None
    params: int | None = None
    trainable_params: int | None = None
    dtype: str | None = None
    activation: str | None = None
    trainable: bool | None = None
    is_input: bool = False
    inferred_by: str | None = None
    focus: bool = False
    nested: ModelGraph | None = None

    @property
    def non_trainable_params(self) -> int | None:
        if self.params is None or self.trainable_params is None:
            return None
        return self.params - self.trainable_params


@dataclass(frozen=True)
class GraphEdge:
    """A tensor from ``source``'s output into ``target``.

    ``known`` is False for a connection not made yet: the layers of an unbuilt
    ``Sequential`` will run in order, but no tensor joins them until the build.
    """

    source: str
    target: str
    known: bool = True


@dataclass
class ModelGraph:
    """A model (or, before any model exists, the layers made so far) as a graph.

    Attributes:
        name, cls: the model's name and class; None for a graph of loose layers (a
            functional model whose ``keras.Model(...)`` has not run yet).
        built: the model's ``built`` flag.
        layers: the boxes, in the model's order (``model.layers``, input layers first).
        edges: the tensors between them.
        awaiting_input: a ``Sequential`` with no input yet (its input shape is unknown
            until it is built), drawn as a dashed placeholder before the first layer.
        step: a caption for the step drawn (``step 42 · Dense.build [dense]``), if any.
    """

    name: str | None
    cls: str | None
    built: bool = False
    layers: list[GraphLayer] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    awaiting_input: bool = False
    step: str | None = None

    def layer(self, name: str) -> GraphLayer:
        """The layer called ``name`` (KeyError if the graph has none)."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)

    def sort_edges(self) -> None:
        """Order the edges by the layer they lead into (stable: a merge keeps its inputs'
        order), so that every producer of a graph lists them alike."""
        position = {layer.name: index for index, layer in enumerate(self.layers)}
        self.edges.sort(key=lambda edge: position.get(edge.target, len(position)))

    @property
    def params(self) -> int:
        """Parameters created so far, all layers together (nested models included)."""
        return sum(_layer_params(layer, trainable=False) for layer in self.layers)

    @property
    def trainable_params(self) -> int:
        return sum(_layer_params(layer, trainable=True) for layer in self.layers)

    @property
    def unbuilt(self) -> list[str]:
        """Names of the layers not built yet."""
        return [layer.name for layer in self.layers if not layer.built]


def _layer_params(layer: GraphLayer, *, trainable: bool) -> int:
    if layer.nested is not None:
        return layer.nested.trainable_params if trainable else layer.nested.params
    value = layer.trainable_params if trainable else layer.params
    return value or 0


# ----------------------------------------------------------------------- from a trace
def graph_from_state(
    state: ModelState, model: str | None = None, *, outer: frozenset[str] = frozenset()
) -> ModelGraph:
    """The graph of ``model`` as the fold ``state`` knows it.

    Args:
        state: the model state at the step to draw.
        model: the model's name; by default the last model created that has layers. With
            no such model (a functional model before ``keras.Model(...)``), the graph of
            every layer made so far.
        outer: the models this one is drawn inside (a model named like one of its own
            layers, or a trace that says a model holds itself, is drawn as a plain box).

    Raises:
        ValueError: no model of that name in the trace (the message lists those there are).
    """
    if model is not None and model not in state.models:
        known = ", ".join(state.models) or "none"
        raise ValueError(f"no model named {model!r} in this trace (models: {known})")
    name = model if model is not None else _default_model(state)
    focus = state.focus()
    if name is None:
        names = [
            layer.name
            for layer in state.plain_layers
            if layer.cls not in METRIC_CLASSES and not _inside_a_model(state, layer.name)
        ]
        graph = ModelGraph(name=None, cls=None, built=False)
    else:
        flags = state.models[name]
        names = _model_layer_names(state, name)
        graph = ModelGraph(name=name, cls=flags.cls, built=flags.built)
    inside_of = outer | {name} if name is not None else outer
    graph.layers = [_graph_layer(state, layer_name, focus, inside_of) for layer_name in names]
    inside = set(names)
    graph.edges = [GraphEdge(s, t) for s, t in state.edges if s in inside and t in inside]
    if name is not None and graph.cls == "Sequential":
        expect_sequential_edges(graph)
    graph.sort_edges()
    return graph


def _default_model(state: ModelState) -> str | None:
    """The last model created that has layers (the outermost, for nested models)."""
    candidates = [
        name
        for name, flags in state.models.items()
        if _model_layer_names(state, name) and flags.delegate_of not in state.models
    ]
    nested = {member for name in candidates for member in _model_layer_names(state, name)}
    outer = [name for name in candidates if name not in nested]
    chosen = outer or candidates
    return chosen[-1] if chosen else None


def _model_layer_names(state: ModelState, model: str) -> list[str]:
    """``model.layers`` as the trace knows it, with the input a Sequential made itself.

    While a Sequential is being built its hidden ``InputLayer`` exists before the graph
    is mapped; it is shown from the moment it exists.
    """
    flags = state.models[model]
    # The mapped graph, and a layer being added to it (Sequential.add) before it is mapped.
    listed = flags.mapped + [name for name in flags.members if name not in flags.mapped]
    names = [n for n in listed if n in state.layers]
    inferred = [
        layer.name
        for layer in state.layers.values()
        if layer.inferred_by == model and layer.name not in names
    ]
    # An input the Sequential made and then replaced (a rebuild for a new shape) is gone.
    if inferred and any(state.layers[n].cls == "InputLayer" for n in names):
        inferred = []
    return inferred[-1:] + names


def wrapped_class(cls: str, config: dict[str, Any]) -> str:
    """``TimeDistributed(Dense)`` for a wrapper, as Keras's ``plot_model`` labels it."""
    inner = config.get("layer")
    if isinstance(inner, dict) and isinstance(inner.get("class_name"), str):
        return f"{cls}({inner['class_name']})"
    return cls


def _inside_a_model(state: ModelState, layer: str) -> bool:
    return any(layer in flags.layers for flags in state.models.values())


def _graph_layer(
    state: ModelState, name: str, focus: str | None, outer: frozenset[str] = frozenset()
) -> GraphLayer:
    layer = state.layers[name]
    config = layer.config
    built = layer.built
    graph_layer = GraphLayer(
        name=name,
        cls=wrapped_class(layer.cls, config),
        built=built,
        input_shape=_input_shape(state, layer),
        output_shape=layer.output_shape,
        params=layer.params if (built or layer.weights) else None,
        trainable_params=layer.trainable_params if (built or layer.weights) else None,
        dtype=config.get("dtype") if isinstance(config.get("dtype"), str) else None,
        activation=layer.activation,
        trainable=config.get("trainable") if isinstance(config.get("trainable"), bool) else None,
        is_input=layer.is_input or layer.cls == "InputLayer",
        inferred_by=layer.inferred_by,
        focus=name == focus,
    )
    if name in state.models and name not in outer:
        graph_layer.nested = graph_from_state(state, name, outer=outer)
        graph_layer.built = state.models[name].built
        graph_layer.params = graph_layer.nested.params
        graph_layer.trainable_params = graph_layer.nested.trainable_params
    if graph_layer.is_input and graph_layer.output_shape is None:
        graph_layer.output_shape = _tuple(config.get("batch_input_shape"))
    if graph_layer.is_input:
        graph_layer.input_shape = graph_layer.output_shape
    return graph_layer


def _input_shape(state: ModelState, layer: LayerState) -> Any:
    """What the layer was built for, else what its inbound layers produce."""
    if layer.build_input_shape is not None:
        return layer.build_input_shape
    # A mutated or partial trace may name an inbound layer the fold never saw created.
    sources = [state.layers.get(source) for source in layer.inbound]
    shapes = [source.output_shape if source is not None else None for source in sources]
    if not shapes or any(shape is None for shape in shapes):
        return None
    return shapes[0] if len(shapes) == 1 else shapes


def expect_sequential_edges(graph: ModelGraph) -> None:
    """Dashed edges between consecutive layers of a Sequential not yet wired together."""
    connected = {(edge.source, edge.target) for edge in graph.edges}
    has_input = any(layer.is_input for layer in graph.layers)
    graph.awaiting_input = not has_input and bool(graph.layers)
    for before, after in zip(graph.layers, graph.layers[1:]):
        if (before.name, after.name) not in connected and not any(
            edge.target == after.name for edge in graph.edges
        ):
            graph.edges.append(GraphEdge(before.name, after.name, known=False))


def _tuple(shape: Any) -> Any:
    return tuple(shape) if isinstance(shape, list) else shape
