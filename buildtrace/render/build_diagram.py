"""The build-trace diagram: the whole build as one picture, stage by stage.

Each stage of :func:`~buildtrace.state.build_stages.build_stages` is a numbered box
(a Graphviz cluster), joined to the next by a bold arrow. The boxes read like text, in
the order the stages happened: left to right in rows, rows top to bottom, the rows
chosen so the picture has a screen's shape (:mod:`buildtrace.render.layout`).
Inside, the calls of the teaching set are drawn as a tree (a call points to the calls
it makes), with:

* each weight ``add_weight`` created, as a green box hanging from the ``build`` that
  created it;
* each flag written (``built``, ``_graph_initialized``), as a yellow line inside the call
  that wrote it (pale when the value did not change: ``built`` True again);
* an error, red, where it started.

Repeated detail is collapsed so that a 20-layer model stays legible: the first
``detail`` layer builds are drawn call by call, the others as one compact box each
(name, shapes, weights, flags), in a grid; a recursion such as ``_build_map_helper``
shows its first calls and then "… × n".

Example:
    >>> print(build_source(events))  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import graphviz

from buildtrace.render import build_labels as labels
from buildtrace.render import style
from buildtrace.render.layout import pack_rows
from buildtrace.state.build_stages import (
    ADD_WEIGHT,
    Stage,
    Step,
    build_stages,
    is_change,
    is_layer_call,
)
from buildtrace.trace import Event

#: Stage kinds that build one layer each, so long runs of them collapse.
REPEATING = ("call", "add")


# Rough sizes, in points, for packing the stage boxes into rows (dot measures the real
# ones later; these only need to be in proportion).
CHAR_WIDTH = 8.0
LINE_HEIGHT = 17.0
NODE_MARGIN = 16.0
NODE_GAP = 18.0
RANK_GAP = 26.0
CLUSTER_MARGIN = 40.0


@dataclass(frozen=True)
class _Box:
    """A stage's cluster as drawn: its name, top and bottom nodes, estimated size."""

    cluster: str
    top: str
    bottom: str
    size: tuple[float, float]


@dataclass(frozen=True)
class BuildOptions:
    """How much the build diagram shows.

    Attributes:
        detail: layer builds drawn call by call; the others are compact boxes.
        chain: nested calls of one function (a recursion) drawn before "… × n".
        per_row: compact boxes per row of their grid.
        dpi: resolution of PNG output.
    """

    detail: int = 2
    chain: int = 3
    per_row: int = 4
    dpi: int = 96


def build_graph(events: Iterable[Event], options: BuildOptions | None = None) -> graphviz.Digraph:
    """The DOT graph of every build in ``events`` (the events up to the step to draw)."""
    return _Drawer(options or BuildOptions()).draw(build_stages(events))


def build_source(events: Iterable[Event], options: BuildOptions | None = None) -> str:
    """The DOT text of :func:`build_graph`."""
    return str(build_graph(events, options).source)


class _Drawer:
    """Draws stages into one Digraph; remembers each cluster's top and bottom node."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.dot = graphviz.Digraph(name="build")
        self.deepest: tuple[int, str] = (-1, "")
        #: Per depth of the box being drawn: (total width, tallest height) of its nodes.
        self.levels: dict[int, tuple[float, float]] = {}

    def draw(self, stages: list[Stage]) -> graphviz.Digraph:
        dot = self.dot
        dot.attr(
            rankdir="TB",
            compound="true",
            newrank="true",
            dpi=str(self.options.dpi),
            fontname=style.FONT,
            bgcolor="white",
            labelloc="t",
            nodesep="0.25",
            ranksep="0.35",
            pad="0.3",
        )
        dot.attr(
            "node",
            shape="box",
            style="rounded,filled",
            fillcolor="white",
            fontname=style.FONT,
            fontsize=str(style.LABEL_SIZE),
            fontcolor=style.TEXT,
            color=style.CALL.border,
            margin="0.10,0.05",
        )
        dot.attr("edge", color=style.EDGE, arrowsize="0.7", penwidth="1.2")
        dot.attr(label=labels.title(stages))
        if not stages:
            dot.node("nothing", "no build in this trace (yet)", **style.node_style(style.GHOST))
            return dot
        boxes: list[_Box] = []
        for group in _groups(stages, self.options.detail):
            cluster = f"cluster_stage{group[0].number}"
            with dot.subgraph(name=cluster) as box:
                self.deepest, self.levels = (-1, ""), {}
                top = self.stage(box, group[0]) if len(group) == 1 else self.repeated(box, group)
            boxes.append(_Box(cluster, top, self.deepest[1] or top, self.size()))
        self.arrange(boxes)
        return dot

    def arrange(self, boxes: list[_Box]) -> None:
        """Lay the stage boxes out in rows (see :mod:`buildtrace.render.layout`) and join
        each to the next with a bold arrow."""
        rows = pack_rows([box.size for box in boxes])
        then = {"penwidth": "3", "color": style.STAGE_BORDER, "arrowsize": "1.1"}
        for number, row in enumerate(rows):
            with self.dot.subgraph(name=f"stage_row{number}") as line:
                line.attr(rank="same")
                for index in row:
                    line.node(boxes[index].top)
            # A flat edge (both ends on one rank) also puts its tail left of its head; from
            # side to side, or dot may draw it as two curves.
            for left, right in itertools.pairwise(boxes[i] for i in row):
                self.dot.edge(left.top, right.top, tailport="e", headport="w", **then)
            if number + 1 < len(rows):
                below = boxes[rows[number + 1][0]]
                for index in row:  # the next row goes under every box of this one
                    self.dot.edge(boxes[index].bottom, below.top, style="invis", weight="0")
                last = boxes[row[-1]]
                self.dot.edge(
                    last.bottom,
                    below.top,
                    ltail=last.cluster,
                    lhead=below.cluster,
                    constraint="false",
                    **then,
                )

    # ------------------------------------------------------------------ stages
    def stage(self, box: graphviz.Digraph, stage: Stage) -> str:
        title = f"{stage.number} · {stage.title}"
        labels.cluster_look(box, stage.number, title, style.text(stage.detail))
        if stage.path:
            return self.trigger(box, stage)
        rows, drawn = _split(stage.steps)
        top = self.call(box, stage.header, 0, rows, look=style.MODEL)
        calls = 0
        children = []
        for step in drawn:
            if is_layer_call(step):
                calls += 1
                if calls > self.options.detail:
                    continue
            children.append(self.step(box, step, 1))
            self.link(box, top, children[-1])
        self.in_order(box, top, children)
        rest = [s for s in stage.layer_calls if s is not stage.header][self.options.detail :]
        if rest:
            self.compact_grid(box, top, rest, f"stage{stage.number}")
        if stage.after:
            # Written once the header returned: in a row below everything it did.
            depth, bottom = self.deepest
            nodes = [
                self.leaf(
                    box,
                    step,
                    depth + 1,
                    labels.flag_label(step.event, f"back in {caller.short}"),
                    style.FLAG,
                )
                for step, caller in zip(stage.after, stage.written_in)
            ]
            for node in nodes:
                box.edge(bottom, node, style="invis")
        return top

    def trigger(self, box: graphviz.Digraph, stage: Stage) -> str:
        """The chain of calls that led to a deferred build, with what they did on the way
        (each call's children in the order they ran, so the picture reads left to right)."""
        nodes = [self.call(box, step, depth, []) for depth, step in enumerate(stage.path)]
        for depth, step in enumerate(stage.path):
            following = stage.path[depth + 1] if depth + 1 < len(stage.path) else None
            children = []
            for child in step.children:
                if child is following:
                    children.append(nodes[depth + 1])
                elif any(child is side for side in stage.steps):
                    children.append(self.step(box, child, depth + 1))
                else:
                    continue
                self.link(box, nodes[depth], children[-1])
            self.in_order(box, nodes[depth], children)
        return nodes[0]

    def repeated(self, box: graphviz.Digraph, group: list[Stage]) -> str:
        """Several stages of the same kind (one per layer) as one box of compact boxes."""
        first, last = group[0].number, group[-1].number
        names = ", ".join(
            str(s.owner if s.key == "call" else s.header.event.get("added")) for s in group
        )
        title = f"{first}–{last} · the same again for {len(group)} more layers"
        labels.cluster_look(box, first, title, labels.wrap(names, 70))
        calls: list[Step] = []
        for stage in group:
            calls.extend(stage.layer_calls or [stage.header])
        return self.compact_grid(box, None, calls, f"stage{first}", regraph=group[0].key == "add")

    # ------------------------------------------------------------------- steps
    def step(self, box: graphviz.Digraph, step: Step, depth: int, run: int = 0) -> str:
        """Draw ``step`` and what it contains; returns its node."""
        if step.kind == "raise":
            return self.leaf(box, step, depth, labels.error_label(step.event), style.ERROR)
        if step.kind == "set":
            return self.leaf(box, step, depth, labels.flag_label(step.event), style.FLAG)
        if step.kind == "add_weight" or step.name == ADD_WEIGHT:
            event = next((s.event for s in step.walk() if s.kind == "add_weight"), step.event)
            return self.leaf(box, step, depth, labels.weight_label(event), style.WEIGHT)
        rows, drawn = _split(step.children)
        node = self.call(box, step, depth, rows)
        children = []
        for child in drawn:
            if child.name == step.name and run + 1 >= self.options.chain:
                more = sum(1 for s in child.walk() if s.name == step.name)
                label = style.table(
                    [
                        f"… × {more} more",
                        style.font(labels.tensor_note(child) or "", size=style.SMALL_SIZE),
                    ]
                )
                children.append(self.leaf(box, child, depth + 1, label, style.GHOST))
            else:
                same = run + 1 if child.name == step.name else 0
                children.append(self.step(box, child, depth + 1, same))
            self.link(box, node, children[-1])
        self.in_order(box, node, children)
        return node

    def in_order(self, box: graphviz.Digraph, parent: str, children: list[str]) -> None:
        """Keep the calls ``parent`` made left to right in the order they ran.

        (Graphviz's ``ordering=out`` is not honoured inside clusters; a row of the
        children with invisible edges between them is.)
        """
        if len(children) < 2:
            return
        with box.subgraph(name=f"order_{parent}") as row:
            row.attr(rank="same")
            for child in children:
                row.node(child)
        for left, right in itertools.pairwise(children):
            box.edge(left, right, style="invis")

    def call(
        self,
        box: graphviz.Digraph,
        step: Step,
        depth: int,
        rows: list[Step],
        look: style.Look = style.CALL,
    ) -> str:
        """A call's box; ``rows`` are the flags and small calls listed inside it."""
        node = f"e{step.seq}"
        label = labels.call_label(step, rows)
        box.node(node, label=label, **style.node_style(look))
        self.mark(depth, node, label)
        return node

    def leaf(
        self, box: graphviz.Digraph, step: Step, depth: int, label: str, look: style.Look
    ) -> str:
        node = f"e{step.seq}"
        box.node(node, label=label, **style.node_style(look))
        self.mark(depth, node, label)
        return node

    def compact_grid(
        self,
        box: graphviz.Digraph,
        parent: str | None,
        calls: list[Step],
        prefix: str,
        *,
        regraph: bool = False,
    ) -> str:
        """Compact boxes in rows of ``per_row``; returns the first box."""
        per_row = max(1, self.options.per_row)
        rows = [calls[i : i + per_row] for i in range(0, len(calls), per_row)]
        # Hanging from ``parent`` the grid starts one rank below it, beside its other calls.
        base = 1 if parent is not None else 0
        first_nodes: list[str] = []
        previous: list[str] = []
        for number, row in enumerate(rows):
            nodes = []
            for step in row:
                node = f"c{step.seq}"
                label = labels.compact_label(step, regraph)
                box.node(node, label=label, **style.node_style(style.BUILT))
                self.mark(base + number, node, label)
                nodes.append(node)
            with box.subgraph(name=f"{prefix}_row{number}") as line:
                line.attr(rank="same")
                for node in nodes:
                    line.node(node)
            for left, right in itertools.pairwise(nodes):
                box.edge(left, right, style="invis")
            # Each box under the one above it: straight columns.
            for above, below in zip(previous, nodes):
                box.edge(above, below, style="invis")
            previous = nodes
            first_nodes.append(nodes[0])
        if parent is not None:
            self.link(
                box,
                parent,
                first_nodes[0],
                label=f"{len(calls)} more: the same steps",
                style="dashed",
            )
        return first_nodes[0]

    def link(self, box: graphviz.Digraph, tail: str, head: str, **attributes: str) -> None:
        if "label" in attributes:
            attributes["fontsize"] = str(style.SMALL_SIZE)
            attributes["fontcolor"] = style.MUTED
        box.edge(tail, head, **attributes)

    def mark(self, depth: int, node: str, label: str) -> None:
        """Remember the deepest node of the current box (the next row goes below it) and
        how much room its label takes (for :meth:`size`)."""
        if depth >= self.deepest[0]:
            self.deepest = (depth, node)
        lines = labels.plain_lines(label)
        width = max(len(line) for line in lines) * CHAR_WIDTH + NODE_MARGIN
        height = len(lines) * LINE_HEIGHT + NODE_MARGIN
        widths, tallest = self.levels.get(depth, (0.0, 0.0))
        self.levels[depth] = (widths + width + NODE_GAP, max(tallest, height))

    def size(self) -> tuple[float, float]:
        """Estimated (width, height) in points of the box drawn last."""
        if not self.levels:
            return (200.0, 100.0)
        width = max(w for w, _ in self.levels.values()) + CLUSTER_MARGIN
        height = sum(h + RANK_GAP for _, h in self.levels.values()) + CLUSTER_MARGIN * 2
        return (width, height)


def _split(steps: list[Step]) -> tuple[list[Step], list[Step]]:
    """The steps listed as lines of their caller's box (flags, and calls that did nothing
    to see: no flag change, weight or error inside) and those drawn as boxes."""
    rows: list[Step] = []
    drawn: list[Step] = []
    for step in steps:
        (rows if step.kind == "set" or _is_plain(step) else drawn).append(step)
    return rows, drawn


def _is_plain(step: Step) -> bool:
    """A call with nothing inside worth a box of its own."""
    if step.kind != "call" or step.name == ADD_WEIGHT or is_layer_call(step):
        return False
    if (step.end or {}).get("kind") == "raise":
        return False
    return all(c.kind == "set" and not is_change(c.event) for c in step.children)


def _groups(stages: list[Stage], detail: int) -> list[list[Stage]]:
    """One stage per group, except that a run of one-layer stages (``call``, ``add``)
    past the first ``detail`` of their kind becomes one group, drawn compactly."""
    groups: list[list[Stage]] = []
    seen = dict.fromkeys(REPEATING, 0)
    collapsing = False  # whether the last group gathers stages past the detailed ones
    for stage in stages:
        beyond = stage.key in REPEATING and seen[stage.key] >= detail
        if stage.key in REPEATING:
            seen[stage.key] += 1
        if beyond and collapsing and groups[-1][0].key == stage.key:
            groups[-1].append(stage)
            continue
        groups.append([stage])
        collapsing = beyond
    return groups


__all__ = ["BuildOptions", "build_graph", "build_source"]
