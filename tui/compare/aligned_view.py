"""Both traces' teaching views side by side, one row per aligned pair, with one cursor.

A Line API widget (``ScrollView`` + ``render_line``) like the timeline: it draws only
the rows on screen, so a comparison of a whole fit (thousands of rows) steps as fast as
a build's. Each line is ``mark │ A's step │ B's step``; the two halves are the two panes,
drawn by one widget so that they can never scroll apart.

Example:
    >>> AlignedView([]).cursor
    0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from buildtrace.engines.compare import MARKS, Item, Row, describe

#: Rows kept between the cursor and the top or bottom edge when scrolling to it.
MARGIN = 2

#: What separates the panes.
DIVIDER = "│"


def mark_of(row: Row) -> str:
    """The row's mark: `` `` same, ``~`` changed, ``<``/``>`` one side only, ``=`` known."""
    return "=" if row.known is not None else MARKS[row.op]


def cell(item: Item | None, width: int) -> str:
    """A side's step in ``width`` cells (cut with an ellipsis; blank when absent)."""
    text = describe(item) if item is not None else ""
    if cell_len(text) > width:
        text = text[: max(width - 1, 0)] + "…"
    return text + " " * max(width - cell_len(text), 0)


class AlignedView(ScrollView, can_focus=True, inherit_bindings=False):
    """The aligned rows of a comparison: a mark, then A's step and B's step.

    It has no keys of its own (the screen steps the cursor); the mouse wheel scrolls it.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "aligned--cursor",
        "aligned--changed",
        "aligned--only",
        "aligned--known",
        "aligned--divider",
    }

    class Selected(Message):
        """The user clicked a row."""

        def __init__(self, row: int) -> None:
            self.row = row
            super().__init__()

    def __init__(self, rows: Sequence[Row], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows
        self.cursor = 0

    def on_mount(self) -> None:
        self.virtual_size = Size(0, len(self.rows))

    def on_resize(self) -> None:
        # Lines are cut to the width, never scrolled sideways: the width is not virtual.
        self.virtual_size = Size(0, len(self.rows))
        self.call_after_refresh(self._scroll_to_cursor)

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y
        if 0 <= row < len(self.rows):
            self.post_message(self.Selected(row))

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row``; redraw only the two lines that change, or scroll."""
        old, self.cursor = self.cursor, row
        if not self._scroll_to_cursor():
            self.refresh_line(old)
            self.refresh_line(row)

    def _scroll_to_cursor(self) -> bool:
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        margin = min(MARGIN, max(height - 1, 0) // 2)
        if self.cursor < top + margin:
            target = max(self.cursor - margin, 0)
        elif self.cursor >= top + height - margin:
            target = self.cursor - height + margin + 1
        else:
            return False
        target = min(target, max(len(self.rows) - height, 0))
        if target == top:
            return False
        self.scroll_to(y=target, animate=False, immediate=True)
        self.refresh()
        return True

    def pane_width(self) -> int:
        """Cells of A's side: half of what is left after the mark and the divider."""
        return max((self.scrollable_content_region.width - 5) // 2, 4)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self.rows):
            return Strip([Segment(" " * width, base)], width)
        row = self.rows[index]
        style = base
        if row.known is not None:
            style = base + self.get_component_rich_style("aligned--known")
        elif row.op == "changed":
            style = base + self.get_component_rich_style("aligned--changed")
        elif row.op != "equal":
            style = base + self.get_component_rich_style("aligned--only")
        if index == self.cursor:
            style = style + self.get_component_rich_style("aligned--cursor")
        divider = style + self.get_component_rich_style("aligned--divider")
        pane = self.pane_width()
        text = Text.assemble(
            (f"{mark_of(row)} ", style + Style(bold=True)),
            (cell(row.a, pane), style),
            (f" {DIVIDER} ", divider),
            (cell(row.b, width - pane - 5), style),
        )
        segments = list(text.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, base)
