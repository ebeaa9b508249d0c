"""One picture for every frame: the topology laid out once, each frame a few changes.

Drawing each frame whole (the frames page did) costs a layout and a picture per build
step: a 100-layer model's page took 80 s and weighed 402 MB, though each frame differs
from the one before in a box or two. Here the frames share their pictures' parts:

* every *slot* (a layer's box, the "input" placeholder) is placed once, by one ``dot``
  layout of all the boxes and arrows any frame shows, each box as large as its largest
  look (so that nothing moves while stepping);
* every distinct *look* of a box (its label and colours at some step: not built, being
  built, built with 272 params...) and every distinct title is drawn once, at its slot's
  size, as an SVG group the page keeps in ``<defs>``;
* a frame is then which look each slot shows (or none), which arrows show (solid, or
  dashed while not known), and which title: :class:`FrameChanges`, only what changed
  since the frame before. The page's own script applies them (:mod:`frames_html`).

Looks and titles are the topology's own (:func:`~buildtrace.render.topology.layer_label`,
the same colours and title), escaped as everywhere; the changes are numbers only, so
nothing from a trace reaches the script. A model drawn with nested models expanded
(clusters) is not drawn this way (:func:`shared_picture` returns None).

Example:
    >>> picture = shared_picture(frames)  # doctest: +SKIP
    >>> picture.changes[3]  # doctest: +SKIP
    FrameChanges(nodes=[(7, 12)], edges=[(6, 1)], title=3)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from buildtrace.render import style
from buildtrace.render.frames import Frame
from buildtrace.render.graph import GraphLayer, ModelGraph
from buildtrace.render.output import render, render_many
from buildtrace.render.topology import (
    AWAITING_INPUT,
    TopologyOptions,
    _awaiting_input_node,
    _node_look,
    _title,
    layer_label,
    node_id,
)

#: Edge states in :class:`FrameChanges`: hidden, drawn, drawn dashed (not known yet).
HIDDEN, KNOWN, UNKNOWN = 0, 1, 2

_VIEWBOX = re.compile(r'viewBox="0\.00 0\.00 ([\d.]+) ([\d.]+)"')
_TRANSLATE = re.compile(
    r'class="graph" transform="scale\([^)]*\) rotate\([^)]*\) translate\(([-\d.]+) ([-\d.]+)\)"'
)
_BACKGROUND = re.compile(r'<polygon fill="white" stroke="transparent"[^>]*/>\n?')
_GRAPH_BODY = re.compile(
    r'<g id="[^"]*" class="graph"[^>]*>\n<title>[^<]*</title>\n(.*)</g>\n</svg>', re.S
)
_IDS = re.compile(r' id="[^"]*"')
_EDGE = re.compile(
    r'<g id="[^"]*" class="edge">\n<title>s(\d+)&#45;&gt;s(\d+)</title>\n(.*?)</g>\n', re.S
)


@dataclass
class FrameChanges:
    """What a frame changes in the picture of the frame before it.

    Attributes:
        nodes: ``(slot, look)`` pairs; look -1 hides the slot.
        edges: ``(edge, state)`` pairs (:data:`HIDDEN`, :data:`KNOWN`, :data:`UNKNOWN`).
        title: the title shown.
    """

    nodes: list[tuple[int, int]] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    title: int = 0


@dataclass
class SharedPicture:
    """Everything the page needs to show any frame.

    Attributes:
        defs: the SVG groups of every look (``look-N``) and title (``title-N``), each
            centred on its origin.
        slots: each slot's centre, in the picture's coordinates.
        edges: each arrow's SVG (path and head), in the picture's coordinates.
        width, height: the picture's size in points.
        title_y: where titles are centred.
        changes: one per frame, in order.
    """

    defs: list[str]
    slots: list[tuple[float, float]]
    edges: list[str]
    width: float
    height: float
    title_y: float
    changes: list[FrameChanges]


@dataclass
class _Scenes:
    """The frames as slots, looks, arrows and titles (before anything is drawn)."""

    slots: dict[str, int] = field(default_factory=dict)
    looks: dict[tuple[int, str, tuple[tuple[str, str], ...]], int] = field(default_factory=dict)
    titles: dict[str, int] = field(default_factory=dict)
    edges: dict[tuple[int, int], int] = field(default_factory=dict)
    shown: list[tuple[dict[int, int], dict[int, int], int]] = field(default_factory=list)

    def look(self, slot: str, label: str, attributes: dict[str, str]) -> tuple[int, int]:
        number = self.slots.setdefault(slot, len(self.slots))
        key = (number, label, tuple(sorted(attributes.items())))
        return number, self.looks.setdefault(key, len(self.looks))


def shared_picture(
    frames: list[Frame], options: TopologyOptions | None = None
) -> SharedPicture | None:
    """The frames' shared picture, or None when some frame draws clusters.

    Raises:
        DotMissing: Graphviz's ``dot`` is not installed.
    """
    options = options or TopologyOptions()
    scenes = _scenes(frames, options)
    if scenes is None:
        return None
    return _draw(scenes, options)


def _scenes(frames: list[Frame], options: TopologyOptions) -> _Scenes | None:
    scenes = _Scenes()
    previous: dict[str, tuple[GraphLayer, tuple[int, int]]] = {}
    for frame in frames:
        graph = frame.graph
        nodes: dict[int, int] = {}
        if graph.awaiting_input:
            look = _awaiting_input_node()
            label = look.pop("label")
            slot, number = scenes.look(AWAITING_INPUT, label, look)
            nodes[slot] = number
        for layer in graph.layers:
            if layer.nested is not None and options.expand_nested and layer.nested.layers:
                return None  # a cluster: drawn frame by frame instead
            name = node_id(layer.name)
            known = previous.get(name)
            if known is not None and known[0] == layer:
                slot, number = known[1]  # the same look as the frame before (most are)
            else:
                slot, number = scenes.look(
                    name, layer_label(layer, options), _node_look(layer, options)
                )
                previous[name] = (layer, (slot, number))
            nodes[slot] = number
        title = scenes.titles.setdefault(_title(graph, options), len(scenes.titles))
        scenes.shown.append((nodes, _edges(scenes, graph, nodes), title))
    return scenes


def _edges(scenes: _Scenes, graph: ModelGraph, nodes: dict[int, int]) -> dict[int, int]:
    """The arrows of ``graph`` (as :func:`topology_graph` draws them), by edge number."""
    drawn: dict[int, int] = {}

    def add(source: str, target: str, state: int) -> None:
        tail, head = scenes.slots.get(source), scenes.slots.get(target)
        if tail is None or head is None or tail not in nodes or head not in nodes:
            return
        number = scenes.edges.setdefault((tail, head), len(scenes.edges))
        drawn.setdefault(number, state)

    if graph.awaiting_input and graph.layers:
        add(AWAITING_INPUT, node_id(graph.layers[0].name), UNKNOWN)
    for edge in graph.edges:
        add(node_id(edge.source), node_id(edge.target), KNOWN if edge.known else UNKNOWN)
    return drawn


def _header(options: TopologyOptions, name: str) -> str:
    """A graph with the topology's node and edge defaults, drawn at 72 dpi, no margin."""
    return (
        f"digraph {name} {{\ngraph [dpi=72 pad=0 rankdir={options.rankdir} nodesep=0.35 "
        f'ranksep=0.45 fontname="{style.FONT}" bgcolor=white labelloc=t labeljust=c]\n'
        f'node [shape=box fontname="{style.FONT}" fontsize={style.LABEL_SIZE} '
        f'fontcolor="{style.TEXT}" margin="0.12,0.06"]\n'
        f'edge [color="{style.EDGE}" penwidth=1.6 arrowsize=0.8]\n'
    )


def _node(name: str, label: str, attributes: dict[str, str], extra: str = "") -> str:
    pairs = " ".join(f'{key}="{value}"' for key, value in sorted(attributes.items()))
    return f"{name} [label={label} {pairs}{extra}]\n"


def _stand_in(scenes: _Scenes) -> tuple[int, int] | None:
    """``(placeholder, input)``: the "input" placeholder of an unbuilt Sequential and the
    input layer that later replaces it, to be drawn in one place (never shown together,
    feeding the same layer); None when there is no such pair."""
    placeholder = scenes.slots.get(AWAITING_INPUT)
    if placeholder is None:
        return None
    heads = {head for tail, head in scenes.edges if tail == placeholder}
    together: set[int] = set()
    for nodes, _, _ in scenes.shown:
        if placeholder in nodes:
            together |= set(nodes)
    found = {tail for tail, head in scenes.edges if head in heads and tail not in together}
    return (placeholder, found.pop()) if len(found) == 1 else None


def _draw(scenes: _Scenes, options: TopologyOptions) -> SharedPicture:
    looks = list(scenes.looks)
    stand_in = _stand_in(scenes)
    # 1. Every look's natural size, by one layout of them all (no edges).
    measure = _header(options, "looks")
    for number, (_, label, attributes) in enumerate(looks):
        measure += _node(f"v{number}", label, dict(attributes))
    sizes = _plain_sizes(render(measure + "}\n", "plain").decode("utf-8"))
    widest: dict[int, tuple[float, float]] = {}
    for number, (slot, _, _) in enumerate(looks):
        width, height = sizes[f"v{number}"]
        known = widest.get(slot, (0.0, 0.0))
        widest[slot] = (max(known[0], width), max(known[1], height))
    if stand_in is not None:  # one place, as large as the larger of the two
        sizes_of = [widest[slot] for slot in stand_in]
        both = (max(w for w, _ in sizes_of), max(h for _, h in sizes_of))
        widest[stand_in[0]] = widest[stand_in[1]] = both
    # 2. One run draws every look at its slot's size, every title, and the layout of
    # all slots and arrows.
    sources = []
    for slot, label, attributes in looks:
        width, height = widest[slot]
        size = f' width="{width}" height="{height}"'
        sources.append(_header(options, "look") + _node("v", label, dict(attributes), size) + "}")
    for title in scenes.titles:
        sources.append(_header(options, "title") + f"label={title}\n}}")
    layout = _header(options, "all")
    layout += 'node [label="" style=invis fixedsize=true]\n'
    placeholder = stand_in[0] if stand_in else None
    for slot in range(len(scenes.slots)):
        width, height = widest.get(slot, (0.5, 0.5))
        if slot != placeholder:
            layout += f's{slot} [width="{width}" height="{height}"]\n'
    for tail, head in scenes.edges:
        if tail != placeholder:
            layout += f"s{tail} -> s{head}\n"
    sources.append(layout + "}")
    pictures = [svg.decode("utf-8") for svg in render_many(sources, "svg")]
    centres = _plain_centres(render(sources[-1], "plain").decode("utf-8"))
    if stand_in is not None:
        centres[1][stand_in[0]] = centres[1][stand_in[1]]
    return _assemble(scenes, pictures, centres, stand_in)


def _plain_sizes(plain: str) -> dict[str, tuple[float, float]]:
    """Each node's width and height, in inches, from ``dot -Tplain``."""
    sizes = {}
    for line in plain.splitlines():
        parts = line.split(" ", 6)
        if parts[0] == "node":
            sizes[parts[1]] = (float(parts[4]), float(parts[5]))
    return sizes


def _plain_centres(plain: str) -> tuple[tuple[float, float], dict[int, tuple[float, float]]]:
    """The layout's size and each slot's centre, in points (y down, as SVG has it)."""
    lines = [line.split(" ", 6) for line in plain.splitlines()]
    width, height = (float(lines[0][2]) * 72, float(lines[0][3]) * 72)
    centres = {
        int(parts[1][1:]): (float(parts[2]) * 72, height - float(parts[3]) * 72)
        for parts in lines
        if parts[0] == "node"
    }
    return (width, height), centres


def _centred(svg: str, name: str) -> tuple[str, float, float]:
    """An SVG document's drawing as a group centred on the origin, with its size."""
    box = _VIEWBOX.search(svg)
    shift = _TRANSLATE.search(svg)
    body = _GRAPH_BODY.search(svg)
    assert box and shift and body, "dot's SVG is not as expected"
    width, height = float(box[1]), float(box[2])
    inner = _IDS.sub("", _BACKGROUND.sub("", body[1], count=1))
    x, y = float(shift[1]) - width / 2, float(shift[2]) - height / 2
    return f'<g id="{name}" transform="translate({x:.2f} {y:.2f})">{inner}</g>', width, height


def _assemble(
    scenes: _Scenes,
    pictures: list[str],
    layout: tuple[tuple[float, float], dict[int, tuple[float, float]]],
    stand_in: tuple[int, int] | None = None,
) -> SharedPicture:
    looks = len(scenes.looks)
    defs = [_centred(svg, f"look-{n}")[0] for n, svg in enumerate(pictures[:looks])]
    title_height = 0.0
    title_width = 0.0
    for number, svg in enumerate(pictures[looks:-1]):
        group, width, height = _centred(svg, f"title-{number}")
        defs.append(group)
        title_width, title_height = max(title_width, width), max(title_height, height)
    (width, height), centres = layout
    margin = 4.0
    page_width = max(width, title_width) + 2 * margin
    left = (page_width - width) / 2
    top = title_height + margin
    slots = [(left + centres[slot][0], top + centres[slot][1]) for slot in range(len(scenes.slots))]
    # Arrows as dot drew them (graph coordinates: y up from the layout's bottom).
    edges: dict[int, str] = {}
    shift = f"translate({left:.2f} {top + height:.2f})"
    for match in _EDGE.finditer(pictures[-1]):
        arrow = scenes.edges.get((int(match[1]), int(match[2])))
        if arrow is not None:
            edges[arrow] = f'<g transform="{shift}">{_IDS.sub("", match[3])}</g>'
    if stand_in is not None:  # the placeholder's arrow is the input's
        placeholder, replaced_by = stand_in
        for (tail, head), arrow in scenes.edges.items():
            same = scenes.edges.get((replaced_by, head))
            if tail == placeholder and same is not None and same in edges:
                edges[arrow] = edges[same]
    changes: list[FrameChanges] = []
    before: tuple[dict[int, int], dict[int, int]] = ({}, {})
    for nodes, arrows, title in scenes.shown:
        changed = FrameChanges(title=title)
        for slot in sorted(set(nodes) | set(before[0])):
            if nodes.get(slot, -1) != before[0].get(slot, -1):
                changed.nodes.append((slot, nodes.get(slot, -1)))
        for edge in sorted(set(arrows) | set(before[1])):
            if arrows.get(edge, HIDDEN) != before[1].get(edge, HIDDEN):
                changed.edges.append((edge, arrows.get(edge, HIDDEN)))
        changes.append(changed)
        before = (nodes, arrows)
    return SharedPicture(
        defs=defs,
        slots=slots,
        edges=[edges.get(n, "<g></g>") for n in range(len(scenes.edges))],
        width=page_width,
        height=top + height + margin,
        title_y=margin + title_height / 2,
        changes=changes,
    )
