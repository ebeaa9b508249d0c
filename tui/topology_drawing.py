"""The model's graph drawn in the terminal: layers as boxes, top to bottom.

Layers are placed by depth (inputs first, each layer one level below its deepest
input); layers of one level stand side by side. Layers not yet connected (a Sequential
before its graph exists) follow in creation order, joined by a dashed line. A built
layer's box is filled; the layer being built is highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text

from buildtrace.render.tree import format_shape
from buildtrace.state.model_state import LayerState, ModelState


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


def levels(state: ModelState) -> list[list[LayerState]]:
    """Layers grouped by level; unconnected layers each get a level of their own."""
    layers = ordered_layers(state)
    level: dict[str, int] = {}
    for layer in layers:  # creation order is a topological order of the graph
        sources = [level[s] for s in layer.inbound if s in level]
        if sources:
            level[layer.name] = max(sources) + 1
        elif layer.is_input or layer.cls == "InputLayer":
            level[layer.name] = 0
    deepest = max(level.values(), default=-1)
    for layer in layers:
        if layer.name not in level:
            deepest += 1
            level[layer.name] = deepest
    grouped: list[list[LayerState]] = [[] for _ in range(deepest + 1)]
    for layer in layers:
        grouped[level[layer.name]].append(layer)
    return [group for group in grouped if group]


@dataclass(frozen=True)
class Box:
    """What one layer's box shows (a snapshot: model states change as the cursor moves)."""

    name: str
    cls: str
    built: bool
    shape: str
    connected: bool


def snapshot(state: ModelState) -> tuple[list[list[Box]], str | None]:
    """The boxes of ``state`` by level, and the layer being built."""
    grouped = [
        [
            Box(
                layer.name,
                layer.cls,
                layer.built,
                format_shape(layer.output_shape).replace(", ", ",")
                if layer.output_shape is not None
                else "?",
                bool(layer.inbound),
            )
            for layer in group
        ]
        for group in levels(state)
    ]
    return grouped, state.focus()


@dataclass
class TopologyDrawing:
    """A rich renderable of the graph as of a model state.

    Args:
        groups: the boxes by level (see :func:`snapshot`).
        focus: the layer being built, highlighted.
        width: columns available.
        box_lines: lines per box: 3 (a framed box), 2 (name, then shape) or 1.
        styles: plain, filled, focus and line styles.

    Example:
        >>> groups, focus = snapshot(ModelState())
        >>> Console().print(TopologyDrawing(groups, focus, width=30))  # doctest: +SKIP
    """

    groups: list[list[Box]]
    focus: str | None
    width: int
    box_lines: int = 3
    styles: TopologyStyles = field(default_factory=TopologyStyles)

    def height(self) -> int:
        """Lines the drawing takes."""
        return max(len(self.groups) * (self.box_lines + 1) - 1, 1)

    def _style(self, box: Box) -> Style:
        if box.name == self.focus:
            return self.styles.focus
        return self.styles.filled if box.built else self.styles.plain

    def _box(self, box: Box, width: int) -> list[Text]:
        style = self._style(box)
        name = f"{box.name} {'✓' if box.built else '✗'}"
        inner = width - 2
        if self.box_lines == 1:
            body = f"{name} {box.shape}"
            if len(body) > inner:  # the fill already tells built from not built
                body = f"{box.name} {box.shape}"
            return [Text(f" {body[:inner]:<{inner}} ", style=style)]
        if self.box_lines == 2:
            return [
                Text(f" {name[:inner]:<{inner}} ", style=style),
                Text(f" {(box.cls + ' ' + box.shape)[:inner]:<{inner}} ", style=style),
            ]
        title = f" {name} "[:inner]
        top = "╭" + title + "─" * (inner - len(title)) + "╮"
        middle = f"│{(' ' + box.cls + ' ' + box.shape)[:inner]:<{inner}}│"
        bottom = "╰" + "─" * inner + "╯"
        return [Text(top, style=style), Text(middle, style=style), Text(bottom, style=style)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.groups:
            yield Text("no layers yet", style=self.styles.line)
            return
        width = max(self.width, 12)
        for number, group in enumerate(self.groups):
            count = len(group)
            box_width = max(min(28, (width - (count - 1)) // count), 8)
            row_width = box_width * count + count - 1
            pad = " " * max((width - row_width) // 2, 0)
            if number:
                glyph = "│" if any(box.connected for box in group) else "┊"
                arrow = " ".join(f"{glyph:^{box_width}}" for _ in group)
                yield Text(pad + arrow, style=self.styles.line)
            boxes = [self._box(box, box_width) for box in group]
            for line in range(len(boxes[0])):
                row = Text(pad)
                for i, drawn in enumerate(boxes):
                    if i:
                        row.append(" ")
                    row.append_text(drawn[line])
                yield row
