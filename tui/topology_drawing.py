"""The model's graph drawn in the terminal: layers in rows by depth, tensors as lines.

The graph is :func:`buildtrace.render.graph.graph_from_state`'s, the one the Graphviz
topology draws, so the two diagrams always agree. Layers sit in rows by depth (inputs on
top, each layer one row below its deepest input; layers of one row side by side) and the
tensors between them are box-drawing lines (laid out by :mod:`tui.topology_layout`)::

           pixels ✓
         ┌─────┴─────┐          a fork: one output feeds several layers
     wide ✓      deep_1 ✓
         │           │
         │       deep_2 ✓       wide's output skips a row in a column of its own
         └─────┬─────┘          a merge: merge takes two inputs
           merge ✓
               │
           digits ✓

Layers not connected yet (the layers of a Sequential before its build) follow in the
order they were made, joined by a dotted ``┊``. A built layer's box is filled; the layer
being built is highlighted.

A picture that does not fit the panel is never squeezed: when the names do not fit side
by side, or the rows do not fit the height, a branching model is listed instead, one
layer a line with its inputs named (``merge ✓ ← wide, deep_2``). A chain keeps its
picture (cut at the bottom when too long): one box a row is already a list.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text

from buildtrace.render.graph import ModelGraph, graph_from_state
from buildtrace.state.model_state import LayerState, ModelState
from buildtrace.trace.shapes import format_shape
from tui.topology_layout import Layout, Link, Node, Unfit, depths


@dataclass
class TopologyStyles:
    """How boxes look: plain (not built), filled (built), focus (being built)."""

    plain: Style = field(default_factory=lambda: Style(dim=True))
    filled: Style = field(default_factory=lambda: Style(color="black", bgcolor="green"))
    focus: Style = field(default_factory=lambda: Style(color="black", bgcolor="yellow", bold=True))
    line: Style = field(default_factory=lambda: Style(dim=True))


def ordered_layers(state: ModelState) -> list[LayerState]:
    """Input layers first, then the other (non-model) layers in creation order."""
    layers = state.plain_layers
    inputs = [layer for layer in layers if layer.is_input or layer.cls == "InputLayer"]
    return inputs + [layer for layer in layers if layer not in inputs]


# ------------------------------------------------------------------------ the snapshot
@dataclass(frozen=True)
class Box:
    """What one layer's box shows (a snapshot: model states change as the cursor moves)."""

    name: str
    cls: str
    built: bool
    shape: str


@dataclass(frozen=True)
class Topology:
    """What the panel draws: boxes in rows by depth, the links between them, the focus.

    ``drawable`` is False when the links go round in a circle (a layer called on its own
    output), which no top-to-bottom picture can show: such a model is listed.

    Example:
        >>> Topology().levels
        ()
    """

    levels: tuple[tuple[Box, ...], ...] = ()
    links: tuple[Link, ...] = ()
    focus: str | None = None
    drawable: bool = True

    @property
    def is_chain(self) -> bool:
        """One layer a row, each fed by the row above only (a Sequential)."""
        row = {box.name: number for number, level in enumerate(self.levels) for box in level}
        return all(len(level) == 1 for level in self.levels) and all(
            row[link.target] == row[link.source] + 1 for link in self.links
        )


def snapshot(state: ModelState) -> Topology:
    """The topology of the model ``state`` is building (see ``graph_from_state``)."""
    graph = graph_from_state(state)
    made = {name: layer.created_seq for name, layer in state.layers.items()}
    # Creation order, so that a row keeps its left-to-right order when keras.Model maps
    # the graph and reorders model.layers.
    layers = sorted(graph.layers, key=lambda layer: made.get(layer.name, 0))
    links = tuple(Link(edge.source, edge.target, edge.known) for edge in graph.edges)
    inputs = {layer.name for layer in layers if layer.is_input}
    rows, drawable = depths([layer.name for layer in layers], links, inputs)
    levels: list[list[Box]] = [[] for _ in range(max(rows.values(), default=-1) + 1)]
    for layer in layers:
        shape = layer.output_shape
        text = format_shape(shape).replace(", ", ",") if shape is not None else "?"
        levels[rows[layer.name]].append(Box(layer.name, layer.cls, layer.built, text))
    return Topology(tuple(map(tuple, levels)), links, _focus(graph), drawable)


def _focus(graph: ModelGraph) -> str | None:
    """The layer being built, or the nested model that holds it."""
    for layer in graph.layers:
        if layer.focus or (layer.nested is not None and _focus(layer.nested)):
            return layer.name
    return None


# -------------------------------------------------------------------------- the boxes
@dataclass
class _Labels:
    """What boxes of ``width`` columns and ``box_lines`` lines say.

    Each box has labels from the fullest to the barest (``dense ✓ (None,64)``, then
    ``dense (None,64)``, ``dense ✓``, ``dense``: the fill already tells built from not
    built); a box shows the first that fits, from ``first`` on, else the barest cut.
    """

    box_lines: int
    width: int
    first: int = 0

    def choices(self, box: Box) -> list[list[str]]:
        name = f"{box.name} {'✓' if box.built else '✗'}"
        details = [f"{box.cls} {box.shape}", box.shape]
        if self.box_lines == 1:
            return [[f"{name} {box.shape}"], [f"{box.name} {box.shape}"], [name], [box.name]]
        if self.box_lines == 2:
            return [[name, detail] for detail in details]
        return [[f" {name} ", f" {detail}"] for detail in details]

    def fitting(self, box: Box) -> int:
        """The first of ``box``'s labels that fits, or :class:`Unfit`."""
        # Text may run into a box's right margin: one more cell can show a shape in full.
        room = self.width - (2 if self.box_lines == 3 else 1)
        for index, texts in enumerate(self.choices(box)):
            if all(len(text) <= room for text in texts):
                return index
        raise Unfit

    def lines(self, box: Box) -> list[str]:
        """The box, line by line."""
        choices = self.choices(box)
        try:
            texts = choices[max(self.fitting(box), self.first)]
        except Unfit:  # (a chain's box) line by line, the first that fits, else cut
            room = self.width - (2 if self.box_lines == 3 else 1)
            texts = [
                next((texts[line] for texts in choices if len(texts[line]) <= room), text)
                for line, text in enumerate(choices[-1])
            ]
        if self.box_lines < 3:
            return [f" {text[: self.width - 1]:<{self.width - 1}}" for text in texts]
        inner = self.width - 2
        title, detail = (text[:inner] for text in texts)
        return [
            "╭" + title + "─" * (inner - len(title)) + "╮",
            f"│{detail:<{inner}}│",
            "╰" + "─" * inner + "╯",
        ]


# ------------------------------------------------------------------------- the drawing
@dataclass
class TopologyDrawing:
    """A rich renderable of a topology, the biggest that fits ``width`` × ``height``.

    Boxes take three lines (framed) when there is room, then two, then one; a branching
    model that does not fit even so is listed, one layer a line with its inputs.

    Args:
        topology: what to draw (see :func:`snapshot`).
        width, height: the room there is.
        styles: plain, filled, focus and line styles.

    Example:
        >>> drawing = TopologyDrawing(snapshot(ModelState()), width=30, height=10)
        >>> Console().print(drawing)  # doctest: +SKIP
        no layers yet
    """

    topology: Topology
    width: int
    height: int
    styles: TopologyStyles = field(default_factory=TopologyStyles)
    #: What was drawn: ``graph`` (with ``box_lines`` lines a box), ``listing`` or ``empty``.
    form: str = field(init=False, default="empty")
    box_lines: int = field(init=False, default=0)
    _drawn: list[Text] | None = field(init=False, default=None, repr=False)

    def lines(self) -> list[Text]:
        """The drawing, line by line (at most ``height`` lines; worked out once)."""
        if self._drawn is None:
            self._drawn = self._draw()
        return self._drawn

    def _draw(self) -> list[Text]:
        if not self.topology.levels:
            self.form = "empty"
            return [Text("no layers yet", style=self.styles.line)]
        height = max(self.height, 1)
        picture = self._picture(height)
        if picture is not None:
            return picture
        self.form, self.box_lines = "listing", 0
        return self._listing(height)

    def _picture(self, height: int) -> list[Text] | None:
        """The picture with the biggest boxes that fit; None if none does."""
        levels, chain = self.topology.levels, self.topology.is_chain
        # A row of boxes and a line under it at the least: no use laying out what won't fit.
        if not self.topology.drawable or (not chain and 2 * len(levels) - 1 > height):
            return None
        names = [[box.name for box in level] for level in levels]
        try:
            layout = Layout(names, self.topology.links, max(self.width, 12), strict=not chain)
        except Unfit:
            return None
        for box_lines in (3, 2, 1):
            last = chain and box_lines == 1  # a chain is drawn, cut at the bottom if need be
            if len(levels) * (box_lines + 1) - 1 > height and not last:
                continue
            try:
                drawn = self._graph(layout, box_lines, strict=not chain, limit=height)
            except Unfit:
                continue
            if len(drawn) <= height or last:
                self.form, self.box_lines = "graph", box_lines
                return drawn[:height]
        return None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines()

    # ----------------------------------------------------------------------- graph
    def _graph(self, layout: Layout, box_lines: int, *, strict: bool, limit: int) -> list[Text]:
        """The picture, up to a line past ``limit``; ``strict``: raise :class:`Unfit`
        rather than cut a name or a shape."""
        labels = _Labels(box_lines, layout.box_width)
        boxes = {box.name: box for level in self.topology.levels for box in level}
        if strict:  # one kind of label for all boxes: a picture reads more easily so
            labels.first = max(labels.fitting(box) for box in boxes.values())
        drawn: list[Text] = []
        for number, row in enumerate(layout.rows):
            if number:
                drawn.extend(Text(line, style=self.styles.line) for line in layout.band(number))
            drawn.extend(self._row(row, boxes, labels, layout.width))
            if len(drawn) > limit:
                break
        return drawn

    def _row(
        self, row: list[Node], boxes: dict[str, Box], labels: _Labels, width: int
    ) -> Iterator[Text]:
        """A row of boxes, and the lines that pass between them."""
        drawn = {
            node.name: [Text(text, style=self._style(boxes[node.name]))
                        for text in labels.lines(boxes[node.name])]
            for node in row
            if node.name is not None
        }  # fmt: skip
        for line in range(labels.box_lines):
            text, at = Text(), 0
            for node in sorted(row, key=lambda n: n.x):
                left = node.x if node.name is None else node.x - (labels.width - 1) // 2
                text.append(" " * (left - at))
                if node.name is None:
                    text.append("│" if node.known else "┊", style=self.styles.line)
                    at = left + 1
                else:
                    text.append_text(drawn[node.name][line])
                    at = left + labels.width
            text.append(" " * (width - at))
            yield text

    def _style(self, box: Box) -> Style:
        if box.name == self.topology.focus:
            return self.styles.focus
        return self.styles.filled if box.built else self.styles.plain

    # --------------------------------------------------------------------- listing
    def _listing(self, limit: int) -> list[Text]:
        """One layer a line, in rows' order: ``merge ✓ (None,128) ← wide, deep_2``."""
        width = max(self.width, 12)
        sources: dict[str, list[Link]] = {}
        for link in self.topology.links:
            sources.setdefault(link.target, []).append(link)
        drawn: list[Text] = []
        for box in itertools.islice(itertools.chain(*self.topology.levels), limit):
            head = f" {box.name} {'✓' if box.built else '✗'} "[:width]
            links = sources.get(box.name, [])
            arrow = "← " if all(link.known for link in links) else "⇠ "
            inputs = arrow + ", ".join(link.source for link in links) if links else ""
            room = width - len(head)
            options = [f"{box.shape} {inputs}", inputs] if inputs else [box.shape, ""]
            tail = next((text for text in options if len(text) <= room), None)
            if tail is None:  # cut short: say so
                tail = options[-1][: room - 1] + "…" if room > 1 else ""
            line = Text(head, style=self._style(box))
            line.append(tail, style=self.styles.line)
            drawn.append(line)
        return drawn
