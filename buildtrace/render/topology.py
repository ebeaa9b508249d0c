"""The topology diagram: a model's layers and the tensors between them, as Graphviz DOT.

What ``keras.utils.plot_model`` draws, with its options (:class:`TopologyOptions` keeps
their names: ``show_shapes``, ``show_dtype``, ``show_layer_names``, ``rankdir``,
``expand_nested``, ``show_layer_activations``, ``show_trainable``, ``dpi``), and what it
leaves out: parameters per layer and in total, the ``InputLayer`` a ``Sequential`` made
itself (dashed, marked *inferred*), and each layer's state at the step drawn (built, not
built, being built; see :mod:`buildtrace.render.style` for the colours). It draws
unbuilt models too: what is known (class, configuration) is shown, the rest is marked
unknown.

Example:
    >>> from buildtrace.render.graph import graph_from_state
    >>> graph = graph_from_state(state)  # doctest: +SKIP
    >>> dot = topology_graph(graph, TopologyOptions(rankdir="LR"))  # doctest: +SKIP
    >>> print(dot.source)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import graphviz

from buildtrace.render import style
from buildtrace.render.escape import dot_id
from buildtrace.render.graph import GraphEdge, GraphLayer, ModelGraph
from buildtrace.trace.shapes import format_shape

#: The node that stands for a Sequential's input before it has one.
AWAITING_INPUT = "__awaiting_input__"

#: Shapes shorter than this share one line: ``(None, 784) → (None, 512)``.
ONE_LINE_SHAPES = 40


@dataclass(frozen=True)
class TopologyOptions:
    """What the topology shows. The first eight mirror ``keras.utils.plot_model``.

    Attributes:
        show_shapes: input and output shapes of each layer.
        show_dtype: each layer's dtype.
        show_layer_names: the layer's name above its class.
        rankdir: ``TB`` (top to bottom) or ``LR`` (left to right).
        expand_nested: draw a model used as a layer with its own layers inside.
        show_layer_activations: the activation of layers that have one.
        show_trainable: whether each layer is trainable.
        dpi: resolution of PNG output.
        show_params: parameters per layer and in total (not in ``plot_model``).
        show_state: built / not built / being built, in words and colours.
        legend: a key to the colours under the title (when more than one state shows).
    """

    show_shapes: bool = True
    show_dtype: bool = False
    show_layer_names: bool = True
    rankdir: str = "TB"
    expand_nested: bool = False
    show_layer_activations: bool = True
    show_trainable: bool = False
    dpi: int = 96
    show_params: bool = True
    show_state: bool = True
    legend: bool = True

    def __post_init__(self) -> None:
        if self.rankdir not in ("TB", "LR", "BT", "RL"):
            raise ValueError(
                f"rankdir must be TB, LR, BT or RL. Received: rankdir={self.rankdir!r}"
            )
        if self.dpi <= 0:
            raise ValueError(f"dpi must be a positive number. Received: dpi={self.dpi}")


def topology_graph(graph: ModelGraph, options: TopologyOptions | None = None) -> graphviz.Digraph:
    """The DOT graph of ``graph`` (render it with :mod:`buildtrace.render.output`)."""
    options = options or TopologyOptions()
    dot = graphviz.Digraph(name=_graph_id(graph))
    dot.attr(
        rankdir=options.rankdir,
        dpi=str(options.dpi),
        fontname=style.FONT,
        bgcolor="white",
        labelloc="t",
        labeljust="c",
        nodesep="0.35",
        ranksep="0.45",
        pad="0.3",
    )
    dot.attr(
        "node",
        shape="box",
        fontname=style.FONT,
        fontsize=str(style.LABEL_SIZE),
        fontcolor=style.TEXT,
        margin="0.12,0.06",
    )
    dot.attr("edge", color=style.EDGE, penwidth="1.6", arrowsize="0.8")
    dot.attr(label=_title(graph, options))
    if graph.awaiting_input:
        dot.node(AWAITING_INPUT, **_awaiting_input_node())
    ends = _add_layers(dot, graph, options)
    if graph.awaiting_input and graph.layers:
        for head in ends[graph.layers[0].name][0]:
            dot.edge(AWAITING_INPUT, head, style="dashed", color=style.GHOST.border)
    _add_edges(dot, graph.edges, ends)
    return dot


def topology_source(graph: ModelGraph, options: TopologyOptions | None = None) -> str:
    """The DOT text of ``graph``."""
    return str(topology_graph(graph, options).source)


# ---------------------------------------------------------------------------- nodes
#: For each drawn layer: the DOT nodes its inbound edges reach and its outbound edges
#: leave (itself, or the inputs and outputs of an expanded nested model).
Ends = dict[str, tuple[list[str], list[str]]]


def _add_layers(dot: graphviz.Digraph, graph: ModelGraph, options: TopologyOptions) -> Ends:
    ends: Ends = {}
    for layer in graph.layers:
        if layer.nested is not None and options.expand_nested and layer.nested.layers:
            ends[layer.name] = _add_nested(dot, layer, options)
            continue
        node = node_id(layer.name)
        dot.node(node, label=layer_label(layer, options), **_node_look(layer, options))
        ends[layer.name] = ([node], [node])
    return ends


def _add_nested(
    dot: graphviz.Digraph, layer: GraphLayer, options: TopologyOptions
) -> tuple[list[str], list[str]]:
    """A nested model as a cluster of its own layers; returns its entry and exit nodes."""
    nested = layer.nested
    assert nested is not None
    with dot.subgraph(name=f"cluster_{node_id(layer.name)}") as cluster:
        look = style.BEING_BUILT if layer.focus else style.MODEL
        cluster.attr(
            label=style.table([_name_markup(layer, options)]),
            style="rounded,dashed",
            color=look.border,
            penwidth="1.5",
            fontname=style.FONT,
        )
        ends = _add_layers(cluster, nested, options)
        _add_edges(cluster, nested.edges, ends)
    targets = {edge.target for edge in nested.edges}
    sources = {edge.source for edge in nested.edges}
    entry = [n for lay in nested.layers if lay.name not in targets for n in ends[lay.name][0]]
    exit_ = [n for lay in nested.layers if lay.name not in sources for n in ends[lay.name][1]]
    return entry, exit_


def _add_edges(dot: graphviz.Digraph, edges: list[GraphEdge], ends: Ends) -> None:
    for edge in edges:
        if edge.source not in ends or edge.target not in ends:
            continue
        attributes = {} if edge.known else {"style": "dashed", "color": style.GHOST.border}
        for tail in ends[edge.source][1]:
            for head in ends[edge.target][0]:
                dot.edge(tail, head, **attributes)


def _node_look(layer: GraphLayer, options: TopologyOptions) -> dict[str, str]:
    return style.node_style(layer_look(layer) if options.show_state else style.BUILT)


def layer_look(layer: GraphLayer) -> style.Look:
    """The colours of a layer's box: being built, inferred input, input, built, not built."""
    if layer.focus:
        return style.RUNNING if layer.built else style.BEING_BUILT
    if layer.is_input:
        return style.INFERRED_INPUT if layer.inferred_by else style.INPUT
    if layer.nested is not None:
        return style.MODEL if layer.built else style.NOT_BUILT
    return style.BUILT if layer.built else style.NOT_BUILT


def layer_label(layer: GraphLayer, options: TopologyOptions) -> str:
    """The HTML-like label of a layer's box, one row per thing shown."""
    rows = [_name_markup(layer, options)]
    if options.show_layer_activations and layer.activation:
        rows.append(
            style.font(f"activation: {style.text(layer.activation)}", size=style.SMALL_SIZE)
        )
    if options.show_shapes:
        rows.extend(_shape_rows(layer))
    if options.show_params and not layer.is_input:
        rows.append(_params_row(layer))
    if options.show_dtype and layer.dtype:
        rows.append(style.font(f"dtype: {style.text(layer.dtype)}", size=style.SMALL_SIZE))
    if options.show_trainable and layer.trainable is not None:
        rows.append(
            style.font(f"trainable: {'yes' if layer.trainable else 'no'}", size=style.SMALL_SIZE)
        )
    if options.show_state:
        rows.append(_state_row(layer))
    return style.table(rows)


def _name_markup(layer: GraphLayer, options: TopologyOptions) -> str:
    cls = style.text(layer.cls)
    if not options.show_layer_names:
        return f"<B>{cls}</B>"
    return f"<B>{style.text(layer.name)}</B>  " + style.font(cls, color=style.MUTED)


def _shape_rows(layer: GraphLayer) -> list[str]:
    def shape(value: object) -> str:
        return "?" if value is None else format_shape(value)

    small = {"size": style.SMALL_SIZE, "face": style.MONO}
    if layer.is_input:
        return [style.font(style.text(shape(layer.output_shape)), **small)]  # type: ignore[arg-type]
    if layer.input_shape is None and layer.output_shape is None:
        return [style.font("shapes not known yet", size=style.SMALL_SIZE, color=style.MUTED)]
    inbound, outbound = shape(layer.input_shape), shape(layer.output_shape)
    if len(inbound) + len(outbound) <= ONE_LINE_SHAPES:
        return [style.font(style.text(f"{inbound} → {outbound}"), **small)]  # type: ignore[arg-type]
    # Too long for one line (a merge's several inputs): the arrow starts the second.
    return [
        style.font(style.text(inbound), **small),  # type: ignore[arg-type]
        style.font(style.text(f"→ {outbound}"), **small),  # type: ignore[arg-type]
    ]


def _params_row(layer: GraphLayer) -> str:
    if layer.params is None:
        return style.font("no weights yet", size=style.SMALL_SIZE, color=style.MUTED)
    words = style.plural(layer.params, "param")
    frozen = layer.non_trainable_params
    if frozen:
        words += f" ({style.format_count(frozen)} non-trainable)"
    return style.font(words, size=style.SMALL_SIZE)


def _state_row(layer: GraphLayer) -> str:
    if layer.focus:
        words = "◆ being built" if not layer.built else "◆ running"
    elif layer.is_input and layer.inferred_by:
        words = f"inferred: made by {layer.inferred_by}"
    elif layer.built:
        words = "✓ built"
    else:
        words = "○ not built"
    return style.font(style.text(words), size=style.SMALL_SIZE, color=style.MUTED)


def _awaiting_input_node() -> dict[str, str]:
    label = style.table(
        [
            "<I>input</I>",
            style.font("shape not known until built", size=style.SMALL_SIZE, color=style.MUTED),
        ]
    )
    return {"label": label, **style.node_style(style.GHOST), "fontcolor": style.MUTED}


# ---------------------------------------------------------------------------- title
def _legend_entries(graph: ModelGraph) -> list[tuple[str, style.Look]]:
    """The key to the colours: only the states some box of ``graph`` is in."""
    layers = _all_layers(graph)
    entries = [
        ("built", style.BUILT, any(x.built and not x.is_input and not x.focus for x in layers)),
        ("not built", style.NOT_BUILT, any(not x.built and not x.focus for x in layers)),
        ("being built", style.BEING_BUILT, any(x.focus and not x.built for x in layers)),
        ("running (built)", style.RUNNING, any(x.focus and x.built for x in layers)),
        ("input", style.INPUT, any(x.is_input and not x.inferred_by for x in layers)),
        ("inferred input", style.INFERRED_INPUT, any(x.inferred_by for x in layers)),
    ]
    return [(label, look) for label, look, shown in entries if shown]


def _all_layers(graph: ModelGraph) -> list[GraphLayer]:
    layers = list(graph.layers)
    for layer in graph.layers:
        if layer.nested is not None:
            layers.extend(_all_layers(layer.nested))
    return layers


def _title(graph: ModelGraph, options: TopologyOptions) -> str:
    """The title above the diagram: model, state, parameters, the step, the colour key."""
    if graph.name is None:
        headline = "<B>layers so far</B>  " + style.font("(no model yet)", color=style.MUTED)
    else:
        headline = f"<B>{style.text(graph.name)}</B>  " + style.font(
            style.text(f"({graph.cls})"), color=style.MUTED
        )
    facts: list[str] = []
    if options.show_state and graph.name is not None:
        facts.append("built" if graph.built else "not built")
    weighted = [layer for layer in graph.layers if not layer.is_input]
    if options.show_params and not any(layer.params is not None for layer in weighted):
        facts.append("no weights yet")
    elif options.show_params:
        facts.append(style.plural(graph.params, "param"))
        frozen = graph.params - graph.trainable_params
        if frozen:
            facts.append(f"{style.format_count(frozen)} non-trainable")
    rows = [style.font(headline, size=style.TITLE_SIZE)]
    if facts:
        rows.append(style.font(" · ".join(facts), size=style.LABEL_SIZE))
    if graph.step:
        rows.append(style.font(style.text(graph.step), size=style.LABEL_SIZE, face=style.MONO))
    entries = _legend_entries(graph) if options.legend and options.show_state else []
    if len(entries) > 1:
        rows.append(_legend_row(entries))
    return style.table(rows, padding=2)


def _legend_row(entries: list[tuple[str, style.Look]]) -> str:
    cells = "".join(
        f'<TD BGCOLOR="{look.fill}" COLOR="{look.border}" BORDER="1" STYLE="rounded">'
        f"{style.font(label, size=style.SMALL_SIZE)}</TD>"
        for label, look in entries
    )
    return f'<TABLE BORDER="0" CELLSPACING="6" CELLPADDING="3"><TR>{cells}</TR></TABLE>'


def node_id(name: str) -> str:
    """The DOT id of a layer's node: its name when Keras made it (``dense_1``), else a
    safe id standing for it (see :func:`~buildtrace.render.escape.dot_id`): a layer may be
    named anything, and its name must never be read as DOT."""
    return dot_id(name)


def _graph_id(graph: ModelGraph) -> str:
    return dot_id(graph.name or "layers")
