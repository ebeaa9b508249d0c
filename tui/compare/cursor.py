"""Where each stepping key goes in compare mode: a debugger's motions over aligned rows.

The normal viewer steps over events; compare mode steps over the rows of a
:class:`~buildtrace.engines.compare.Comparison`, each row holding a teaching step of A,
of B, or of both. There are no ``return`` rows in a teaching view, so a call's extent is
read from depths: the rows after a call that are deeper than it are inside it. A row's
depth is its A step's (B's when A has none), so both sides move together.

Example:
    >>> from buildtrace.engines.compare import compare
    >>> call = {"kind": "call", "name": "keras.engine.base_layer.Layer.build", "depth": 0,
    ...         "layer": "dense", "cls": "Dense", "seq": 0}
    >>> rows = AlignedRows(compare([call], [call], known=[]).rows)
    >>> rows.step(0, "next") is None, rows.step(0, "home")
    (True, 0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from buildtrace.engines.compare import Row

#: The motions :meth:`AlignedRows.step` knows, as the normal stepper names them.
MOTIONS = (
    "next", "prev", "into", "back_into", "over", "back_over", "out", "up", "home", "end",
    "next_difference", "prev_difference",
)  # fmt: skip


def row_depth(row: Row) -> int:
    """The row's nesting among teaching calls (A's, or B's when A has no step here)."""
    item = row.a if row.a is not None else row.b
    return item.depth if item is not None else 0


def is_call(row: Row) -> bool:
    """Whether either side of the row is a call (a step into has somewhere to go)."""
    return any(item is not None and item.step[0] == "call" for item in (row.a, row.b))


def is_difference(row: Row) -> bool:
    """Whether the row differs, known or not (``d`` stops at both, known ones named)."""
    return row.op != "equal"


class AlignedRows:
    """Computes the target row of every motion; ``None`` when there is nowhere to go.

    Args:
        rows: the comparison's rows, in order.
    """

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = rows
        self.depths = [row_depth(row) for row in rows]

    def __len__(self) -> int:
        return len(self.rows)

    def _first(self, candidates: Iterable[int], test: Callable[[int], bool]) -> int | None:
        return next((i for i in candidates if test(i)), None)

    def _after(self, start: int, test: Callable[[int], bool]) -> int | None:
        return self._first(range(max(start, 0), len(self.rows)), test)

    def _before(self, stop: int, test: Callable[[int], bool]) -> int | None:
        return self._first(range(min(stop, len(self.rows) - 1), -1, -1), test)

    def step(self, cursor: int, motion: str) -> int | None:
        """The row ``motion`` goes to from ``cursor`` (see :data:`MOTIONS`)."""
        if not self.rows:
            return None
        if motion == "home":
            return 0
        if motion == "end":
            return len(self.rows) - 1
        if not 0 <= cursor < len(self.rows):
            return 0 if motion in ("next", "into", "over", "next_difference") else None
        depth, depths, rows = self.depths[cursor], self.depths, self.rows
        handlers: dict[str, Callable[[], int | None]] = {
            "next": lambda: cursor + 1 if cursor + 1 < len(rows) else None,
            "prev": lambda: cursor - 1 if cursor > 0 else None,
            "into": lambda: self._after(cursor + 1, lambda i: is_call(rows[i])),
            "back_into": lambda: self._before(cursor - 1, lambda i: is_call(rows[i])),
            # Past this call: the next row no deeper than it (its subtree skipped).
            "over": lambda: self._after(cursor + 1, lambda i: depths[i] <= depth),
            # The previous row at this level, or the call around it.
            "back_over": lambda: self._before(cursor - 1, lambda i: depths[i] <= depth),
            # Out of the enclosing call: the first row after its subtree.
            "out": lambda: self._out(cursor),
            "up": lambda: self._before(cursor - 1, lambda i: depths[i] < depth),
            "next_difference": lambda: self._next_difference(cursor),
            "prev_difference": lambda: self._prev_difference(cursor),
        }
        return handlers[motion]()

    def _out(self, cursor: int) -> int | None:
        depth = self.depths[cursor]
        if depth == 0:
            return None
        return self._after(cursor + 1, lambda i: self.depths[i] < depth)

    def _next_difference(self, cursor: int) -> int | None:
        """The first row of the next stretch of differences (not the rest of this one)."""
        rows = self.rows
        start = cursor + 1
        while start < len(rows) and is_difference(rows[cursor]) and is_difference(rows[start]):
            start += 1  # still inside the stretch the cursor is on
        return self._after(start, lambda i: is_difference(rows[i]))

    def _prev_difference(self, cursor: int) -> int | None:
        """The first row of the previous stretch of differences."""
        rows = self.rows
        end = self._before(cursor - 1, lambda i: is_difference(rows[i]))
        if end is None:
            return None
        while end > 0 and is_difference(rows[end - 1]):
            end -= 1  # back to the stretch's first row (the cursor's own, when inside one)
        return end
