"""The viewer's finding actions: breakpoints, the kind filter and search.

They live apart from :mod:`tui.app` to keep each module readable;
:class:`~tui.app.BuildTraceApp` is the only class that uses them, and provides the
state they work on (declared below).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from buildtrace.trace.events import short_name
from tui.breakpoints import Breakpoints
from tui.event_store import EventStore
from tui.labels import search_text, seq_of
from tui.panel_actions import PanelActions
from tui.screens.choice_screen import ChoiceScreen
from tui.stepper import Stepper
from tui.widgets import SearchBar, TimelineView

#: A search for ``seq 24`` (or ``#24``) goes to that event instead.
GOTO_SEQ = re.compile(r"(?:seq\s*|#)(\d+)")


class FindActions(PanelActions):
    """Actions to set breakpoints, filter the timeline by kind, and search it.

    Example:
        >>> FindActions.action_match.__doc__.split(",")[0]
        'Go to the next (or previous) event matching the search'
    """

    # Provided by the viewer (see tui.app.BuildTraceApp).
    store: EventStore
    stepper: Stepper
    breakpoints: Breakpoints
    cursor: int
    follow: bool
    _query: str
    _haystack: list[str]

    @property
    def timeline(self) -> TimelineView:
        """The timeline widget."""
        return self.query_one(TimelineView)

    def _show_status(self) -> None:
        """Redraw the status bar (the viewer's)."""
        raise NotImplementedError

    def _cancel_motions(self) -> None:
        """Forget motions waiting for events (the viewer's)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ breakpoints
    def action_toggle_breakpoint(self) -> None:
        """Set or clear a breakpoint on the current function (or the event's kind)."""
        index = self.cursor
        if index < 0:
            return
        event = self.store.events[index]
        call = index if event.get("kind") == "call" else self.store.enclosing(index)
        if event.get("kind") in ("return", "raise") and self.store.closes(index):
            call = self.store.parent[index]
        if call >= 0 and self.store.events[call].get("kind") == "call":
            sort, value = "function", str(self.store.events[call].get("name"))
        else:
            sort, value = "kind", str(event.get("kind"))
        now = self.breakpoints.toggle(sort, value)
        label = short_name(value) if sort == "function" else f"kind {value}"
        self.notify(f"breakpoint {'set on' if now else 'removed from'} {label}", timeout=2)
        self.timeline.invalidate()
        self._show_status()

    def action_breakpoints(self) -> None:
        """Choose breakpoints by kind, function or layer."""
        store, points = self.store, self.breakpoints
        options = [
            (f"kind      {k}", f"kind:{k}", k in points.kinds) for k in sorted(store.kinds())
        ]
        options += [
            (f"function  {short_name(f)}", f"function:{f}", f in points.functions)
            for f in store.functions_seen
        ]
        options += [(f"layer     {n}", f"layer:{n}", n in points.layers) for n in store.layers_seen]

        def apply(chosen: list[str] | None) -> None:
            if chosen is not None:
                points.replace_all([tuple(v.split(":", 1)) for v in chosen])  # type: ignore[misc]
                self.timeline.invalidate()
                self._show_status()

        hint = "Tick where `c` stops: every event of a kind, the entry of a function, a layer."
        self.push_screen(ChoiceScreen("breakpoints", hint, options), apply)

    # ------------------------------------------------------------------ finding
    def action_filter_kinds(self) -> None:
        """Choose which event kinds the timeline shows (stepping skips the others)."""
        counts = self.store.kinds()
        for kind in self.stepper.hidden:
            counts.setdefault(kind, 0)
        hidden = self.stepper.hidden
        options = [(f"{k}  ({n:,})", k, k not in hidden) for k, n in sorted(counts.items())]

        def apply(shown: list[str] | None) -> None:
            if shown is None:
                return
            hidden = frozenset(counts) - set(shown)
            self.stepper.hidden = self.timeline.hidden = hidden
            self.timeline.rebuild()
            if 0 <= self.cursor < len(self.store) and not self.stepper.shown(self.cursor):
                target = self.stepper.backward(self.cursor) or self.stepper.forward(self.cursor)
                if isinstance(target, int):
                    self.cursor = target
            self._show_cursor()

        hint = "Tick the kinds to show. Stepping lands only on shown kinds; panels use all."
        self.push_screen(ChoiceScreen("show event kinds", hint, options), apply)

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        bar.display = True
        bar.focus()

    def on_search_bar_closed(self) -> None:
        self.query_one(SearchBar).display = False
        self.timeline.focus()

    def on_input_submitted(self, message: SearchBar.Submitted) -> None:
        query = message.value.strip().lower()
        seq = GOTO_SEQ.fullmatch(query)
        if seq is not None:  # "seq 24": the event a lesson, a handout or --at names
            self.go_to_seq(int(seq.group(1)))
            return
        self._query = query
        self.timeline.set_query(self._query)  # every matching line is marked
        if self._query:
            self.action_match(False)

    def go_to_seq(self, seq: int) -> None:
        """Put the cursor on the event numbered ``seq`` (its trace's own numbering)."""
        events = self.store.events
        if 0 <= seq < len(events) and seq_of(events[seq], seq) == seq:
            found: int | None = seq  # the usual trace: an event's seq is its place
        else:
            found = next((i for i, e in enumerate(events) if seq_of(e, i) == seq), None)
        if found is None:
            last = seq_of(events[-1], len(events) - 1) if events else None
            have = f"the trace goes up to seq {last}" if last is not None else "no events yet"
            self.notify(f"no event with seq {seq}: {have}", timeout=3)
            return
        self.follow = False
        self._cancel_motions()
        self.cursor = found

    def action_match(self, backward: bool) -> None:
        """Go to the next (or previous) event matching the search, wrapping around."""
        if not self._query:
            self.action_search()
            return
        store, haystack = self.store, self._haystack
        haystack.extend(search_text(e) for e in store.events[len(haystack) :])
        count, start = len(store), max(self.cursor, 0)
        order: Iterable[int] = (
            ((start - k) % count for k in range(1, count + 1))
            if backward
            else ((start + k) % count for k in range(1, count + 1))
        )
        for index in order:
            if self._query in haystack[index] and self.stepper.shown(index):
                self.follow = False
                self._cancel_motions()
                self.cursor = index
                return
        self.notify(f"nothing matches “{self._query}”", timeout=2)
