"""The viewer's motions: stepping, jumps, breakpoints, and waiting for events to come.

A motion computes where the cursor goes from where it is (see
:class:`~tui.stepper.Stepper`). When its target has not happened yet (the script is
still running, or waits in lockstep), the motion waits and is tried again as events
arrive; keys pressed ahead of a lockstep child queue up behind it.

These live apart from :mod:`tui.app` to keep each module readable;
:class:`~tui.app.BuildTraceApp` is the only class that uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from buildtrace.runner.child import StopRule
from tui.child_run import ChildRun
from tui.lesson_actions import LessonActions
from tui.stepper import JUMPS, Outcome, Wait
from tui.widgets import LessonPanel, TimelineView

#: A motion: from a cursor, where to go (see :class:`~tui.stepper.Stepper`).
Motion = Callable[[int], Outcome]

#: Motions kept while one waits for events (keys pressed ahead of a lockstep child).
MAX_QUEUED = 16

#: What to say when a motion has nowhere to go (the others: "no build of a layer after
#: this one"...). Stepping out or up needs a call around the cursor.
NOWHERE = {
    "out": "already at the top level: no call around this event to step out of",
    "up": "already at the top level: no call around this event",
    "next": "this is the last event",
    "prev": "this is the first event",
    "back over": "this is the first event",
    "back into": "no call before this event",
    "into": "no call after this event",
    "over": "this is the last event",
    "home": "no events yet",
    "end": "no events yet",
}


def nowhere(what: str) -> str:
    """The one line that says a motion ``what`` found nowhere to go."""
    if what in NOWHERE:
        return NOWHERE[what]
    if what.startswith("earlier "):
        return f"no {what[len('earlier ') :]} before this event"
    return f"no {what} after this event"


class MotionActions(LessonActions):
    """Step, jump, continue to breakpoints; wait for what has not happened yet."""

    # Provided by the viewer (see tui.app.BuildTraceApp).
    child: ChildRun | None
    _pending: Callable[[], Outcome] | None
    _queued: list[tuple[str, Motion]]
    _waiting_for: str

    def _go(self, what: str, motion: Motion) -> None:
        """Move the cursor by ``motion``, or wait for the events it needs.

        A motion asked for while another waits for events is queued behind it when a
        child in lockstep is running to it (keys pressed ahead of the child); otherwise
        the run goes on by itself, and the new motion replaces the wait.
        """
        if self._pending is not None:
            if self._in_lockstep():
                if len(self._queued) < MAX_QUEUED:
                    self._queued.append((what, motion))
                return
            self._cancel_motions()
        self.follow = False
        self._run_motion(what, motion)

    def _run_motion(self, what: str, motion: Motion) -> None:
        compute = partial(motion, self.cursor)
        outcome = compute()
        if isinstance(outcome, Wait):
            self._pending, self._waiting_for = compute, what
            self._ask_child(outcome)
            self._show_status()
        elif outcome is None:
            self._cancel_motions()
            self.notify(nowhere(what), timeout=2)
            self._show_status()
        else:
            self._pending = None
            if outcome == self.cursor:
                self._show_cursor()
            self.cursor = outcome
            self._run_queued()

    def _resolve_pending(self) -> None:
        compute = self._pending
        if compute is None:
            return
        outcome = compute()
        if isinstance(outcome, Wait):
            self._ask_child(outcome)
            return
        self._pending = None
        if outcome is None:
            self._cancel_motions()
            self.notify(nowhere(self._waiting_for), timeout=2)
            self._show_status()
        else:
            self.cursor = outcome
            self._run_queued()

    def _run_queued(self) -> None:
        while self._queued and self._pending is None:
            what, motion = self._queued.pop(0)
            self._run_motion(what, motion)

    def _cancel_motions(self) -> None:
        """Forget the motion waiting for events, and those queued after it."""
        self._pending = None
        self._queued.clear()

    def _in_lockstep(self) -> bool:
        run = self.child
        return run is not None and run.lockstep and run.running

    def action_interrupt(self) -> None:
        """Stop waiting for a motion's target (in lockstep: the child stops at once)."""
        if self._pending is None:
            return
        self._cancel_motions()
        if self._in_lockstep():
            self._ask_child(Wait(StopRule()))  # stop at the very next event
        self.notify(f"stopped waiting for {self._waiting_for}", timeout=2)
        self._show_status()

    def _ask_child(self, wait: Wait) -> None:
        """In lockstep, let the child run until the event the motion waits for."""
        run = self.child
        if run is not None and run.lockstep and run.running:
            seen = self.store.events[-1].get("seq", -1) if self.store.events else -1
            run.until(wait.rule, seen=seen if isinstance(seen, int) else -1)

    def action_step(self, motion: str) -> None:
        """Step: next, prev, into, over, out, back_into, back_over, up, home, end."""
        self._go(motion.replace("_", " "), lambda origin: self.stepper.step(origin, motion))

    def action_jump(self, name: str) -> None:
        """Jump to the next event of a sort: build, weight, flag, error."""
        self._go(JUMPS[name].title, lambda origin: self.stepper.jump(origin, name))

    def action_jump_back(self, name: str) -> None:
        """Jump to the previous event of a sort."""
        what = f"earlier {JUMPS[name].title}"
        self._go(what, lambda origin: self.stepper.jump(origin, name, backward=True))

    def action_continue(self, backward: bool) -> None:
        """Run to the next (or previous) breakpoint."""
        if not self.breakpoints:
            self.notify("no breakpoint set: space sets one on the current function, x lists all")
            return
        points = self.breakpoints
        self._go(
            "earlier breakpoint" if backward else "breakpoint",
            lambda origin: self.stepper.to_breakpoint(origin, points, backward=backward),
        )

    def action_row(self, delta: int) -> None:
        """Move the cursor by timeline lines (folded calls count as one line).

        Presenting, there is no timeline: the arrows scroll the words instead.
        """
        if self.presenting:
            self.query_one(LessonPanel).scroll_relative(y=delta, animate=False)
            return
        rows = self.timeline.rows
        if not rows:
            return
        row = min(max(self.timeline.row_of(self.cursor) + delta, 0), len(rows) - 1)
        self.follow = False
        self._cancel_motions()
        self.cursor = rows[row]

    def action_fold(self) -> None:
        """Fold or unfold the call at the cursor (or the one around it)."""
        index = self.cursor
        if index < 0:
            return
        group = index if self.store.is_opener(index) else self.store.parent[index]
        if group >= 0:
            self.timeline.toggle(group)
            if group != index and group in self.timeline.collapsed:
                self.cursor = group

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow

    def on_timeline_view_selected(self, message: TimelineView.Selected) -> None:
        self.follow = False
        self._cancel_motions()
        self.cursor = message.index
