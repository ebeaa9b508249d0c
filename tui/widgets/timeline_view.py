"""The event timeline: a collapsible call tree over every event, drawn line by line.

A Line API widget (``ScrollView`` + ``render_line``): it keeps only the list of rows
shown (event indexes, in order) and draws the few lines on screen, so a 100,000-event
trace costs a list of ints, not 100,000 widgets. Events arrive in the order of the
tree (calls nest like the lines of a depth-first listing), so a new event is at most
one appended row: nothing is ever rebuilt per event. Collapsing or expanding a node
splices the rows of its subtree; epochs start collapsed, so training's thousands of
batches are one line each until opened.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from tui.breakpoints import Breakpoints
from tui.event_store import EventStore
from tui.labels import Palette, counted, event_text, logs_text, search_text
from tui.panel_spec import Moment, PanelSpec
from tui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from tui.app import BuildTraceApp

#: Columns per nesting level (with a guide line), and the narrower fallback (spaces).
INDENT = 2
NARROW_INDENT = 1

#: Below this width, levels indent by one column: deep builds keep room for their names.
WIDE = 60

#: Rows kept between the cursor and the top or bottom edge when scrolling to it.
MARGIN = 3


class TimelineView(ScrollView, can_focus=True, inherit_bindings=False):
    """Every event as a line of a collapsible call tree, with a cursor.

    It has no keys of its own (a scroll view's arrows and Home/End would shadow the
    app's stepping keys); the app moves its cursor, the mouse wheel scrolls it.

    Example:
        >>> view = TimelineView(EventStore(), Breakpoints())
        >>> view.rows
        []
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--cursor",
        "timeline--guide",
        "timeline--layer",
        "timeline--detail",
        "timeline--flag",
        "timeline--weight",
        "timeline--error",
        "timeline--training",
        "timeline--breakpoint",
        "timeline--match",
    }

    class Selected(Message):
        """The user clicked an event's line."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    def __init__(
        self, store: EventStore, breakpoints: Breakpoints, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.breakpoints = breakpoints
        #: Event indexes of the lines shown, ascending.
        self.rows: list[int] = []
        #: Groups (calls, epochs) shown folded.
        self.collapsed: set[int] = set()
        #: Kinds hidden by the filter.
        self.hidden: frozenset[str] = frozenset()
        self.cursor = -1
        self._labels: dict[int, Text] = {}
        #: Drawn lines by event, then (is the cursor's, width): a redraw is a lookup.
        self._strips: dict[int, dict[tuple[bool, int], Strip]] = {}
        self._base: Style | None = None
        self._palette = Palette()
        #: The search (lower case): lines that match it are marked, the words lit.
        self.searched = ""

    # ------------------------------------------------------------------ rows
    def _kind_shown(self, index: int) -> bool:
        return self.store.events[index].get("kind") not in self.hidden

    def _folded(self, index: int) -> bool:
        """A group whose subtree is hidden (a group hidden by the filter never folds)."""
        return index in self.collapsed and self._kind_shown(index)

    def _ancestors_open(self, index: int) -> bool:
        parent = self.store.parent[index]
        while parent >= 0:
            if self._folded(parent):
                return False
            parent = self.store.parent[parent]
        return True

    def _rows_in(self, first: int, last: int) -> list[int]:
        """The rows between event indexes ``first`` and ``last``, folds respected."""
        rows: list[int] = []
        store = self.store
        index = first
        while index <= last:
            if self._kind_shown(index):
                rows.append(index)
            if self._folded(index) and store.is_opener(index):
                index = store.subtree_end(index) + 1
            else:
                index += 1
        return rows

    def add_events(self, new: range) -> None:
        """Show the events just appended to the store (one row each at most).

        Only lines on screen that changed are redrawn: while training streams hundreds
        of batches a second into folded epochs, that is one line (the epoch's), if any.
        """
        store = self.store
        count = len(self.rows)
        changed: set[int] = set()
        for index in new:
            event = store.events[index]
            kind = event.get("kind")
            if kind == "epoch_begin":
                self.collapsed.add(index)
            elif kind in ("return", "raise", "epoch_end", "batch_end"):
                # The line of the group it closes (or sits in) now reads differently.
                parent = store.parent[index]
                if parent >= 0:
                    self._forget(parent)
                    changed.add(parent)
            if self._kind_shown(index) and self._ancestors_open(index):
                self.rows.append(index)
        if len(self.rows) != count:
            self.virtual_size = Size(self.size.width, len(self.rows))
        top = int(self.scroll_y)
        bottom = top + self.scrollable_content_region.height
        for row in range(max(count, top), min(len(self.rows), bottom)):
            self.refresh_line(row)
        for parent in changed:
            row = bisect_left(self.rows, parent)
            if top <= row < bottom and row < len(self.rows) and self.rows[row] == parent:
                self.refresh_line(row)

    def rebuild(self) -> None:
        """Recompute every row (after the kind filter changed)."""
        self.rows = self._rows_in(0, self.store.last)
        self._resize()

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))
        self.refresh()

    def set_folded(self, group: int, folded: bool) -> None:
        """Fold or unfold the group opened at ``group``."""
        store = self.store
        if not store.is_opener(group) or (group in self.collapsed) == folded:
            return
        if folded:
            self.collapsed.add(group)
        else:
            self.collapsed.discard(group)
        self._forget(group)
        end = store.subtree_end(group)
        lo, hi = bisect_left(self.rows, group + 1), bisect_right(self.rows, end)
        shown = self._ancestors_open(group + 1) if group + 1 <= store.last else False
        self.rows[lo:hi] = self._rows_in(group + 1, end) if shown and not folded else []
        self._resize()

    def toggle(self, group: int) -> None:
        """Fold an unfolded group, unfold a folded one."""
        self.set_folded(group, group not in self.collapsed)

    def reveal(self, index: int) -> None:
        """Unfold every group around ``index`` so that its line shows."""
        chain: list[int] = []
        parent = self.store.parent[index] if 0 <= index <= self.store.last else -1
        while parent >= 0:
            chain.append(parent)
            parent = self.store.parent[parent]
        for group in reversed(chain):
            if group in self.collapsed:
                self.set_folded(group, False)

    # ------------------------------------------------------------------ cursor
    def row_of(self, index: int) -> int:
        """The row showing ``index``, or the row of the last shown event before it."""
        return max(bisect_right(self.rows, index) - 1, 0)

    def move_cursor(self, index: int) -> None:
        """Put the cursor on ``index``, unfolding and scrolling so that it shows.

        Without a scroll only the two lines that change are redrawn: a step costs two
        lines of the timeline, not the whole panel.
        """
        self.reveal(index)
        old = self.cursor
        self.cursor = index
        if not self.rows:
            return
        if self._scroll_to_cursor():
            # Rows just added are not scrollable to until the next layout: try again then.
            self.call_after_refresh(self._scroll_to_cursor)
        else:
            if old >= 0:
                self.refresh_line(self.row_of(old))
            self.refresh_line(self.row_of(index))

    def _scroll_to_cursor(self) -> bool:
        """Scroll so that the cursor's row shows; True if it had to scroll."""
        row = self.row_of(self.cursor)
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        margin = min(MARGIN, max(height - 1, 0) // 2)  # a strip of a few rows: less
        if row < top + margin:
            target = max(row - margin, 0)
        elif row >= top + height - margin:
            target = row - height + margin + 1
        else:
            return False
        target = min(target, max(len(self.rows) - height, 0))
        if target == top:
            return False
        self.scroll_to(y=target, animate=False, immediate=True)
        self.refresh()
        return True

    def set_query(self, query: str) -> None:
        """Mark the lines matching ``query`` (lower case; empty: none)."""
        if query != self.searched:
            self.searched = query
            self.invalidate()

    def invalidate(self) -> None:
        """Forget cached lines (breakpoints or theme changed)."""
        self._forget_all()
        self._palette = self._make_palette()
        self.refresh()

    # ------------------------------------------------------------------ drawing
    def _make_palette(self) -> Palette:
        def style(name: str) -> Style:
            return self.get_component_rich_style(f"timeline--{name}", partial=True)

        return Palette(
            name=Style(),
            layer=style("layer"),
            detail=style("detail"),
            flag=style("flag"),
            weight=style("weight"),
            error=style("error"),
            training=style("training"),
        )

    def on_mount(self) -> None:
        self._palette = self._make_palette()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.invalidate())

    @property
    def indent(self) -> int:
        """Columns per level at the current width."""
        return INDENT if self.scrollable_content_region.width >= WIDE else NARROW_INDENT

    def _label(self, index: int) -> Text:
        """The event's line: breakpoint mark, indentation, fold mark, then its text."""
        cached = self._labels.get(index)
        if cached is not None:
            return cached
        store = self.store
        event = store.events[index]
        end_index = store.end.get(index)
        end = store.events[end_index] if end_index is not None else None
        if event.get("kind") == "epoch_begin":
            body = self._epoch_text(index)
        else:
            body = event_text(event, end, self._palette)
        text = Text()
        match = bool(self.searched) and self.searched in search_text(event)
        if self.breakpoints and self.breakpoints.matches(event):
            text.append("●", style=self.get_component_rich_style("timeline--breakpoint"))
        elif match:  # the search may match a field the line does not show: mark the line
            text.append("›", style=self.get_component_rich_style("timeline--match"))
        else:
            text.append(" ", style=self.get_component_rich_style("timeline--breakpoint"))
        guide = self.get_component_rich_style("timeline--guide", partial=True)
        level = store.level[index]
        text.append("│ " * level if self.indent == INDENT else " " * level, style=guide)
        if store.is_opener(index):
            folded = index in self.collapsed
            text.append("▸ " if folded else "▾ ", style=guide)
        else:
            text.append("  ")
        text.append_text(body)
        if store.is_opener(index) and index in self.collapsed:
            hidden = store.subtree_end(index) - index
            text.append(f"  (+{hidden:,})", style=self._palette.detail)
        if match:
            text.highlight_words(
                [self.searched],
                self.get_component_rich_style("timeline--match"),
                case_sensitive=False,
            )
        self._labels[index] = text
        return text

    def on_resize(self) -> None:
        self._forget_all()  # the indentation depends on the width
        self._resize()
        # A smaller window may hide the cursor's line: bring it back now, not at the
        # next key (once the new size is laid out, when scrolling to it can work).
        if self.cursor >= 0 and self.rows:
            self.call_after_refresh(self._scroll_to_cursor)

    def _epoch_text(self, index: int) -> Text:
        """``epoch 2/5 · 120/469 batches · loss 0.0521 · accuracy 0.9843`` (live)."""
        store = self.store
        event = store.events[index]
        epoch, total = event.get("epoch"), event.get("epochs")
        number = f"{epoch + 1}" if isinstance(epoch, int) else "?"
        last = store.subtree_end(index)
        batches = store.count("batch_end", last) - store.count("batch_end", index)
        steps = store.training.steps
        words = [f"epoch {number}" + (f"/{total}" if isinstance(total, int) else "")]
        words.append(f"{batches:,}/{steps:,} batches" if steps else counted(batches, "batch", "es"))
        end = store.end.get(index)
        logs = store.events[end].get("logs") if end is not None else None
        if logs is None and batches:
            latest = next(store.indices_before(["batch_end"], last), None)
            logs = store.events[latest].get("logs") if latest is not None else None
        if logs:
            words.append(logs_text(logs))
        return Text(" · ".join(words), style=self._palette.training)

    def _forget(self, index: int) -> None:
        """Drop the cached line of ``index`` (its text changed)."""
        self._labels.pop(index, None)
        self._strips.pop(index, None)

    def _forget_all(self) -> None:
        self._labels.clear()
        self._strips.clear()
        self._base = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = int(self.scroll_y) + y
        if self._base is None:
            self._base = self.rich_style
        base = self._base
        if row >= len(self.rows):
            return Strip.blank(width, base)
        index = self.rows[row]
        is_cursor = index == self.cursor
        drawn = self._strips.get(index)
        strip = drawn.get((is_cursor, width)) if drawn is not None else None
        if strip is None:
            if len(self._strips) > 4096:  # a long scroll: start over rather than grow
                self._strips.clear()
            text = self._label(index).copy()
            text.truncate(width, overflow="ellipsis", pad=True)
            if is_cursor:
                text.stylize(self.get_component_rich_style("timeline--cursor"))
            strip = Strip(list(text.render(self.app.console, end="")))
            strip = strip.apply_style(base).crop_extend(0, width, base)
            self._strips.setdefault(index, {})[(is_cursor, width)] = strip
        return strip

    # ------------------------------------------------------------------ mouse
    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y
        if not 0 <= row < len(self.rows):
            return
        index = self.rows[row]
        expander = 1 + self.indent * self.store.level[index]
        if self.store.is_opener(index) and expander <= event.x < expander + 2:
            self.toggle(index)
            return
        self.post_message(self.Selected(index))


def _compose(app: BuildTraceApp) -> Iterable[Widget]:
    # The timeline owns the left column: the search bar opens below it (key /).
    yield TimelineView(app.store, app.breakpoints, id="timeline")
    yield SearchBar(id="search")


def _refresh(timeline: TimelineView, app: object, moment: Moment) -> None:
    timeline.move_cursor(moment.index)


PANEL = PanelSpec(
    "timeline", "left", 10, "1", "the timeline",
    compose=_compose, refresh=_refresh, lesson_names=("build",), selector="#left",
    css=Path(__file__).with_suffix(".tcss"),
)  # fmt: skip
