"""Compare mode's screen: the verdict, the aligned rows of A and B, and each side's event.

From top to bottom: the verdict line (and where the cursor is), the two panes' titles,
the aligned rows (:class:`~tui.compare.aligned_view.AlignedView`), one line on the row
under the cursor (what differs, or which known difference it is and why), each side's
event field by field (:class:`~tui.compare.detail.EventDetail`), and the keys. One
cursor steps both traces with the normal viewer's keys (:mod:`tui.compare.keymap`).

Example:
    >>> from buildtrace.engines.compare import compare
    >>> screen = CompareScreen(compare([], [], known=[]), "A", "B")
    >>> screen.cursor.step(0, "next") is None
    True
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from buildtrace.engines.compare import Comparison, Row
from tui.compare.aligned_view import DIVIDER, AlignedView, mark_of
from tui.compare.cursor import MOTIONS, AlignedRows
from tui.compare.detail import EventDetail
from tui.compare.keymap import COMPARE_FOOTER_DROP_ORDER, compare_bindings
from tui.widgets import KeyFooter

#: What to say when a motion has nowhere to go.
NOWHERE = {
    "next": "this is the last row",
    "prev": "this is the first row",
    "into": "no call after this row",
    "back_into": "no call before this row",
    "over": "nothing after this call at its level",
    "back_over": "this is the first row",
    "out": "no row after the enclosing call (or no call around this row)",
    "up": "already at the top level: no call around this row",
    "next_difference": "no difference after this row",
    "prev_difference": "no difference before this row",
}

#: What each mark means, said on the line under the rows.
MEANING = {
    "changed": "the two steps differ",
    "a_only": "only in A",
    "b_only": "only in B",
}


def row_note(comparison: Comparison, row: Row) -> str:
    """One line on a row: the same, how it differs, or which known difference it is.

    A known difference's reason is said here only when both sides have a step; when
    one has none, its detail pane says it, with more room (a classroom's 24 rows).
    """
    if row.known is not None:
        note = f"known difference {row.known} (not counted)"
        if row.a is not None and row.b is not None:
            note += f": {comparison.known[row.known].reason}"
        return note
    if row.op == "equal":
        return "the same in A and B"
    return MEANING[row.op]


class CompareScreen(Screen[None]):
    """Two traces' aligned teaching views, stepped with one cursor.

    Args:
        comparison: the aligned rows and the verdict (``engines.compare.compare``).
        a_title: what pane A shows (``mini: seed.py``).
        b_title: what pane B shows.
    """

    BINDINGS: ClassVar[list[BindingType]] = compare_bindings()

    def __init__(self, comparison: Comparison, a_title: str, b_title: str) -> None:
        super().__init__()
        self.comparison = comparison
        self.titles = (a_title, b_title)
        self.cursor = AlignedRows(comparison.rows)
        self.row = 0

    def compose(self) -> ComposeResult:
        yield Static(id="compare-verdict")
        yield Static(id="compare-titles")
        yield AlignedView(self.comparison.rows, id="compare-rows")
        yield Static(id="compare-note")
        with Horizontal(id="compare-details"):
            yield EventDetail(id="detail-a", classes="panel")
            yield EventDetail(id="detail-b", classes="panel")
        yield KeyFooter(drop_order=COMPARE_FOOTER_DROP_ORDER)

    def on_mount(self) -> None:
        self.query_one("#detail-a").border_title = f"A · {self.titles[0]}"
        self.query_one("#detail-b").border_title = f"B · {self.titles[1]}"
        self.query_one(AlignedView).focus()
        self._show()
        self.call_after_refresh(self._show_titles)  # once the panes have their width

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_titles)

    # ------------------------------------------------------------------ actions
    def action_step(self, motion: str) -> None:
        """Move the one cursor by ``motion`` (see :data:`tui.compare.cursor.MOTIONS`)."""
        if motion not in MOTIONS:
            return
        target = self.cursor.step(self.row, motion)
        if target is None:
            self.notify(NOWHERE.get(motion, "nowhere to go"), timeout=2)
            return
        self.go(target)

    def action_row(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows (kept within the rows)."""
        if self.comparison.rows:
            self.go(min(max(self.row + delta, 0), len(self.comparison.rows) - 1))

    def action_help(self) -> None:
        from tui.compare.keymap import COMPARE_GROUPS, COMPARE_INTRO, COMPARE_KEYMAP
        from tui.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(COMPARE_KEYMAP, COMPARE_GROUPS, COMPARE_INTRO))

    def on_aligned_view_selected(self, message: AlignedView.Selected) -> None:
        self.go(message.row)

    async def action_quit(self) -> None:
        """Quit compare mode (the app's exit status says whether the traces differ)."""
        await self.app.action_quit()

    def go(self, row: int) -> None:
        """Put the cursor on ``row``: both panes, the note, the details, the verdict."""
        self.row = row
        self.query_one(AlignedView).move_cursor(row)
        self._show()

    # ------------------------------------------------------------------ drawing
    def _show(self) -> None:
        comparison, rows = self.comparison, self.comparison.rows
        verdict = comparison.verdict("A", "B")
        position = f"{self.row + 1}/{len(rows)}" if rows else "no teaching steps"
        status = self.query_one("#compare-verdict", Static)
        # The stylesheet colours the line by whether the traces differ.
        status.set_class(not comparison.same, "-different")
        status.update(Text.assemble(f"{position} · ", (verdict, "bold")))
        if not rows:
            self.query_one("#compare-note", Static).update("")
            return
        row = rows[self.row]
        self.query_one("#compare-note", Static).update(
            f"{mark_of(row)} {row_note(comparison, row)}"
        )
        # A side with no step here has room to say why, when a known difference does.
        why = comparison.known[row.known].reason if row.known is not None else ""
        self.query_one("#detail-a", EventDetail).show(row.a, "B", why)
        self.query_one("#detail-b", EventDetail).show(row.b, "A", why)

    def _show_titles(self) -> None:
        view = self.query_one(AlignedView)
        pane = view.pane_width()
        a, b = (f"{side} {title}" for side, title in zip("AB", self.titles, strict=True))
        a = a if len(a) <= pane else a[: pane - 1] + "…"
        self.query_one("#compare-titles", Static).update(
            Text.assemble("  ", (f"{a:<{pane}}", "bold"), f" {DIVIDER} ", (b, "bold"))
        )
