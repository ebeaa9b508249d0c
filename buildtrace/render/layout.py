"""Packing the build diagram's stage boxes into rows, so the picture fits a screen.

Graphviz stacks clusters joined by edges one under the other. The stages of a build
differ wildly in size (the input-shape check is one box, the layer calls a wide tree,
``_init_graph_network`` a tall thin one), so a plain stack makes a tall narrow picture
that a projector shrinks until nothing is readable. Instead the stages flow like
text: left to right in rows, rows top to bottom, in their order. The row breaks are
chosen to make the picture's shape as close as possible to a screen's (16:10), from
rough size estimates made while drawing.

Example:
    >>> pack_rows([(266, 173), (1324, 960), (612, 689)])
    [[0], [1, 2]]
"""

from __future__ import annotations

import itertools
import math

#: The shape the packing aims for: width / height of a typical projector or screen.
TARGET_RATIO = 1.6

#: Up to this many boxes every way of breaking them into rows is tried (2^(n-1) ways);
#: beyond, rows are filled greedily to the width that suits the shape.
EXHAUSTIVE = 12


def pack_rows(sizes: list[tuple[float, float]], ratio: float = TARGET_RATIO) -> list[list[int]]:
    """Split boxes, in order, into rows; returns the indexes of each row.

    Args:
        sizes: ``(width, height)`` of each box, in any unit (the same for both).
        ratio: the width / height of the whole picture to aim for.
    """
    if not sizes:
        return []
    if len(sizes) <= EXHAUSTIVE:
        options = (_rows_at(breaks, len(sizes)) for breaks in _all_breaks(len(sizes)))
    else:
        options = (_greedy(sizes, limit) for limit in _limits(sizes))
    # Ties go to fewer rows, then to fuller rows first (text-like: the last row is short).
    return min(
        options,
        key=lambda rows: (
            round(_misfit(sizes, rows, ratio), 9),
            len(rows),
            [-len(r) for r in rows],
        ),
    )


def _misfit(sizes: list[tuple[float, float]], rows: list[list[int]], ratio: float) -> float:
    """How badly ``rows`` fill a screen: how far the picture's shape is from ``ratio``
    (1:2 and 2:1 count alike), plus the share of the picture left empty (so rows come out
    even rather than ragged)."""
    width = max(sum(sizes[i][0] for i in row) for row in rows)
    height = sum(max(sizes[i][1] for i in row) for row in rows)
    width, height = max(width, 1e-9), max(height, 1e-9)
    empty = 1 - sum(w * h for w, h in sizes) / (width * height)
    return abs(math.log(width / height / ratio)) + empty


def _all_breaks(count: int) -> list[tuple[int, ...]]:
    """Every set of row breaks between ``count`` boxes (positions 1..count-1)."""
    positions = range(1, count)
    return [c for r in range(count) for c in itertools.combinations(positions, r)]


def _rows_at(breaks: tuple[int, ...], count: int) -> list[list[int]]:
    edges = [0, *breaks, count]
    return [list(range(a, b)) for a, b in itertools.pairwise(edges)]


def _limits(sizes: list[tuple[float, float]]) -> list[float]:
    """Row widths worth trying: from the widest box to all boxes in one row."""
    widest = max(w for w, _ in sizes)
    total = sum(w for w, _ in sizes)
    steps = 24
    return [widest + (total - widest) * k / steps for k in range(steps + 1)]


def _greedy(sizes: list[tuple[float, float]], limit: float) -> list[list[int]]:
    """Rows filled left to right until the next box would pass ``limit``."""
    rows: list[list[int]] = [[]]
    width = 0.0
    for index, (box_width, _) in enumerate(sizes):
        if rows[-1] and width + box_width > limit:
            rows.append([])
            width = 0.0
        rows[-1].append(index)
        width += box_width
    return rows
