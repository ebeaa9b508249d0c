"""Where a layered graph's nodes go in the terminal, and the lines between its rows.

The geometry under :mod:`tui.topology_drawing`: layers in rows by depth (:func:`depths`),
a pass-through node on every row a link skips, each row ordered to cross few lines
(barycentre sweeps) and each node placed under its inputs and over its outputs where it
can be, in slots of a box's width. Between two rows, :func:`lines_between` draws the links
with box-drawing characters: a fork (``┌──┴──┐``), a merge (``└──┬──┘``), straight lines,
and, where two nets overlap, one track (line) each. Whatever cannot be drawn so that it
reads one way only raises :class:`Unfit`, and the caller shows something else.

Example:
    >>> layout = Layout([["x"], ["a", "b"]], [Link("x", "a"), Link("x", "b")], 24)
    >>> layout.band(1)
    ['     ┌─────┴─────┐     ']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    """A tensor from ``source`` into ``target``; not ``known`` while only expected (the
    layers of an unbuilt Sequential will be joined, but no tensor joins them yet)."""

    source: str
    target: str
    known: bool = True


def depths(
    names: Sequence[str], links: Sequence[Link], inputs: set[str]
) -> tuple[dict[str, int], bool]:
    """Each layer's row: one below its deepest input (longest path from the inputs), and
    whether the links make no cycle (a layer called on its own output makes one).

    Layers with no link at all follow the deepest row, one a row, in ``names``' order;
    so do layers on a cycle.
    """
    parents: dict[str, list[str]] = {name: [] for name in names}
    children: dict[str, list[str]] = {name: [] for name in names}
    for link in links:
        parents[link.target].append(link.source)
        children[link.source].append(link.target)
    waiting = {name: len(parents[name]) for name in names}
    ready = [name for name in names if not waiting[name] and (children[name] or name in inputs)]
    row: dict[str, int] = {}
    while ready:  # Kahn's topological sort, deepest parent first
        name = ready.pop(0)
        row[name] = max((row[parent] + 1 for parent in parents[name]), default=0)
        for child in children[name]:
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    linked = [name for name in names if name not in row and (parents[name] or children[name])]
    deepest = max(row.values(), default=-1)
    for name in names:
        if name not in row:
            deepest += 1
            row[name] = deepest
    return row, not linked


# -------------------------------------------------------------------------- the layout
class Unfit(Exception):
    """The picture cannot be drawn cleanly at this size."""


@dataclass(eq=False)
class Node:
    """A layer's box, or (``name`` None) a point of a row that a link skipping that row
    passes through."""

    name: str | None
    known: bool = True  # for a pass-through: whether its link is made yet
    ups: list[Node] = field(default_factory=list)
    downs: list[Node] = field(default_factory=list)
    expected: set[int] = field(default_factory=set)  # ids of ups whose link is not made yet
    pos: float = 0.0  # in slots (a box's width and a gap)
    x: int = 0  # the column its lines leave and enter by


def _rows(levels: Sequence[Sequence[str]], links: Sequence[Link]) -> list[list[Node]]:
    """The nodes by row, with a pass-through node on every row a link skips."""
    rows = [[Node(name) for name in level] for level in levels]
    where = {node.name: (number, node) for number, row in enumerate(rows) for node in row}
    for link in links:
        (top, upper), (bottom, lower) = where[link.source], where[link.target]
        for number in range(top + 1, bottom):
            through = Node(None, link.known)
            rows[number].append(through)
            _join(upper, through, link.known)
            upper = through
        _join(upper, lower, link.known)
    return rows


def _join(upper: Node, lower: Node, known: bool) -> None:
    upper.downs.append(lower)
    lower.ups.append(upper)
    if not known:
        lower.expected.add(id(upper))


class Layout:
    """Where the nodes of ``levels`` go in ``width`` columns, and the lines between rows.

    Boxes are ``box_width`` columns wide, a column apart, 28 at most. ``strict``: raise
    :class:`Unfit` if they would be narrower than 4; else (a chain, whose labels may be
    cut) they are 8 at least.
    """

    def __init__(
        self,
        levels: Sequence[Sequence[str]],
        links: Sequence[Link],
        width: int,
        *,
        strict: bool = True,
    ) -> None:
        self.rows = _rows(levels, links)
        slots = 1  # a chain is one column: nothing to order or place
        if any(len(row) > 1 for row in self.rows):
            _order(self.rows)
            slots = _place(self.rows)
        box_width = min(28, (width - (slots - 1)) // slots)
        if box_width % 2 == 0 and any(node.pos % 1 for row in self.rows for node in row):
            box_width -= 1  # an even step, so a node half a slot along sits in the middle
        if not strict:  # a chain: as narrow as it must, its labels cut if need be
            box_width = max(box_width, 8)
        elif box_width < 4:
            raise Unfit
        total = box_width * slots + slots - 1
        pad = max((width - total) // 2, 0)
        for row in self.rows:
            for node in row:
                node.x = pad + math.floor(node.pos * (box_width + 1) + 0.5) + (box_width - 1) // 2
        self.box_width, self.width = box_width, pad + total
        self._bands: dict[int, list[str]] = {}

    def band(self, number: int) -> list[str]:
        """The lines between row ``number - 1`` and row ``number`` (worked out once)."""
        if number not in self._bands:
            nets = _nets(self.rows[number - 1], self.rows[number])
            self._bands[number] = lines_between(nets, self.width)
        return self._bands[number]


def _crossings(rows: list[list[Node]]) -> int:
    """How many pairs of lines cross between consecutive rows, in the rows' order."""
    total = 0
    for upper, lower in itertools.pairwise(rows):
        left = {id(node): index for index, node in enumerate(upper)}
        right = {id(node): index for index, node in enumerate(lower)}
        pairs = [(left[id(a)], right[id(b)]) for a in upper for b in a.downs]
        total += sum((a - c) * (b - d) < 0 for a, b in pairs for c, d in pairs) // 2
    return total


def _order(rows: list[list[Node]]) -> None:
    """Order each row to cross as few lines as it can (barycentre sweeps, down and up)."""

    def sweep(numbers: range, before: int, across: Callable[[Node], list[Node]]) -> None:
        for number in numbers:
            index = {id(node): i for i, node in enumerate(rows[number + before])}
            weights = {
                id(node): _mean([index[id(other)] for other in across(node)], here)
                for here, node in enumerate(rows[number])
            }
            rows[number].sort(key=lambda node: weights[id(node)])

    best, fewest = [list(row) for row in rows], _crossings(rows)
    for _ in range(4):
        if not fewest:
            break
        sweep(range(1, len(rows)), -1, lambda node: node.ups)
        sweep(range(len(rows) - 2, -1, -1), 1, lambda node: node.downs)
        crossings = _crossings(rows)
        if crossings < fewest:
            best, fewest = [list(row) for row in rows], crossings
    rows[:] = best


def _place(rows: list[list[Node]]) -> int:
    """Each node's position in slots, under its inputs and over its outputs where it can
    be; returns the slots the widest row needs."""
    slots = max(len(row) for row in rows)
    for row in rows:
        for index, node in enumerate(row):
            node.pos = (slots - len(row)) / 2 + index

    def pull(row: list[Node], across: Callable[[Node], list[Node]]) -> None:
        # Half slots at most, so boxes of one row stay a whole slot apart.
        wanted = [_half(_mean([o.pos for o in across(node)], node.pos)) for node in row]
        for index in range(len(row)):
            wanted[index] = max(wanted[index], wanted[index - 1] + 1 if index else 0.0)
        for index in reversed(range(len(row))):
            last = index == len(row) - 1
            wanted[index] = min(wanted[index], slots - 1 if last else wanted[index + 1] - 1)
        for node, pos in zip(row, wanted):
            node.pos = pos

    for _ in range(3):
        for row in rows[1:]:
            pull(row, lambda node: node.ups)
        for row in reversed(rows[:-1]):
            pull(row, lambda node: node.downs)
    return slots


def _mean(values: list[int] | list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _half(value: float) -> float:
    return math.floor(value * 2 + 0.5) / 2


# --------------------------------------------------------------------------- the lines
# The ways a cell's line goes, as bits: a cell's character is the union of its net's.
UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
VERTICAL, HORIZONTAL = UP | DOWN, LEFT | RIGHT
_GLYPHS = {
    VERTICAL: "│", HORIZONTAL: "─", UP: "│", DOWN: "│", LEFT: "─", RIGHT: "─",
    UP | RIGHT: "└", UP | LEFT: "┘", DOWN | RIGHT: "┌", DOWN | LEFT: "┐",
    VERTICAL | RIGHT: "├", VERTICAL | LEFT: "┤", DOWN | HORIZONTAL: "┬",
    UP | HORIZONTAL: "┴", VERTICAL | HORIZONTAL: "┼",
}  # fmt: skip
_DOTTED = {VERTICAL: "┊", HORIZONTAL: "┄"}


@dataclass(eq=False)
class Net:
    """Lines drawn as one, by the columns they come down from (``tops``) and go on down
    to (``bottoms``): a fork (one top), a merge (one bottom), or one straight line. With
    no top, a stub: a layer not connected yet."""

    tops: list[int]
    bottoms: list[int]
    known: bool
    track: int = 0

    @property
    def span(self) -> tuple[int, int]:
        xs = self.tops + self.bottoms
        return min(xs), max(xs)

    @property
    def straight(self) -> bool:
        low, high = self.span
        return low == high


def _nets(upper: list[Node], lower: list[Node]) -> list[Net]:
    """The nets between two rows: a merge per node with several inputs, a fork per node
    feeding the others. A node both feeding a merge and feeding something else would make
    a junction that reads both ways: that is not drawn."""
    nets: list[Net] = []
    merged: set[int] = set()
    for node in lower:
        if len(node.ups) > 1:
            known = len(node.expected) < len(node.ups)
            nets.append(Net([up.x for up in node.ups], [node.x], known))
            merged.update(id(up) for up in node.ups)
        elif node.name is not None and not node.ups and upper:
            nets.append(Net([], [node.x], known=False))  # not connected yet: a dotted stub
    for node in upper:
        rest = [down for down in node.downs if len(down.ups) == 1]
        # A node both feeding a merge and feeding something else, or feeding two merges,
        # would make a junction that reads both ways.
        if (rest and id(node) in merged) or sum(len(d.ups) > 1 for d in node.downs) > 1:
            raise Unfit
        if rest:
            known = any(id(node) not in down.expected for down in rest)
            nets.append(Net([node.x], [down.x for down in rest], known))
    return nets


def lines_between(nets: list[Net], width: int) -> list[str]:
    """The lines between two rows: one line, or one per track when nets overlap.

    Example:
        >>> lines_between([Net([2], [0, 4], known=True)], 6)  # a fork
        ['┌─┴─┐ ']
    """
    crossing = [net for net in nets if not net.straight and net.tops]
    # A net whose line comes down where another's goes on down must lie above it.
    above = {
        id(net): [o for o in crossing if o is not net and set(o.tops) & set(net.bottoms)]
        for net in crossing
    }
    placed: list[Net] = []
    pending = sorted(crossing, key=lambda net: net.span)
    while pending:
        net = next((n for n in pending if all(o in placed for o in above[id(n)])), None)
        if net is None:
            raise Unfit
        track = max((o.track + 1 for o in above[id(net)]), default=0)
        while any(o.track == track and _overlap(o.span, net.span) for o in placed):
            track += 1
        net.track = track
        placed.append(net)
        pending.remove(net)
    height = max((net.track + 1 for net in placed), default=1)
    cells: dict[tuple[int, int], dict[int, int]] = {}

    def mark(line: int, x: int, owner: int, dirs: int) -> None:
        if not 0 <= x < width:
            raise Unfit
        owners = cells.setdefault((line, x), {})
        owners[owner] = owners.get(owner, 0) | dirs

    for owner, net in enumerate(nets):
        if net.straight or not net.tops:
            for line in range(height):
                mark(line, net.bottoms[0], owner, VERTICAL)
            continue
        low, high = net.span
        for x in range(low, high + 1):
            mark(net.track, x, owner, (LEFT if x > low else 0) | (RIGHT if x < high else 0))
        for x in net.tops:
            for line in range(net.track):
                mark(line, x, owner, VERTICAL)
            mark(net.track, x, owner, UP)
        for x in net.bottoms:
            for line in range(net.track + 1, height):
                mark(line, x, owner, VERTICAL)
            mark(net.track, x, owner, DOWN)
    lines = [[" "] * width for _ in range(height)]
    for (line, x), owners in cells.items():
        lines[line][x] = _glyph(owners, nets)
    return ["".join(line) for line in lines]


def _overlap(one: tuple[int, int], other: tuple[int, int]) -> bool:
    return one[0] <= other[1] and other[0] <= one[1]


def _glyph(owners: dict[int, int], nets: list[Net]) -> str:
    """One cell's character. Two nets may only cross: the one going down is drawn whole
    and the other broken, so that a crossing never looks like a junction (``┼``)."""
    if len(owners) == 2 and sorted(owners.values()) == [VERTICAL, HORIZONTAL]:
        owners = {owner: dirs for owner, dirs in owners.items() if dirs == VERTICAL}
    if len(owners) != 1:
        raise Unfit
    [(owner, dirs)] = owners.items()
    if not nets[owner].known and dirs in _DOTTED:
        return _DOTTED[dirs]
    return _GLYPHS[dirs]
