"""The viewer's lesson and presenter actions: a clicker's next/back, and the big-type view.

A lesson (``buildtrace lesson NAME``) puts a :class:`~tui.lesson_run.LessonRun` in the
viewer: space or PageDown first reveals a step's answer, then moves the cursor to the
next step's event; PageUp goes back; every other key still works, so a student can
wander off through the events and press ``r`` to come back to the step.

Presenter mode (F5 or P, or ``--presenter``) shows only the narration, the model and
its diagram, in large type, for a room. With a lesson it steps the lesson; without one
it steps event by event. Presentation clickers send PageDown/PageUp (some send space),
and F5 to start presenting, so those are the keys.

These live apart from :mod:`tui.app` to keep each module readable;
:class:`~tui.app.BuildTraceApp` is the only class that uses them.
"""

from __future__ import annotations

from dataclasses import replace

from buildtrace.state.model_state import ModelState
from tui.find_actions import FindActions
from tui.labels import seq_of
from tui.lesson_run import LessonRun
from tui.panels import PANEL_SPECS
from tui.theme_styles import ThemeStyles
from tui.widgets.explain_panel import ExplainPanel
from tui.widgets.lesson_panel import LessonPanel, LessonView
from tui.widgets.panel_tabs import PanelTabs

#: A lesson step's ``show`` names the panels that matter at that step; these are their
#: widgets here (``build``, the build so far, is the timeline; ``source`` is in "what
#: this step does"). Those panels get an accent border while the step is shown.
_PANELS_OF = {name: f"#{spec.name}" for spec in PANEL_SPECS for name in spec.lesson_names}

#: Actions that exist only in a lesson, or while presenting: with neither, their keys
#: fall through to the viewer's own bindings (space: breakpoint, PageDown: scroll).
_LESSON_ONLY = frozenset({"to_stop"})
_LESSON_OR_PRESENTING = frozenset({"forward", "backward"})


class LessonActions(FindActions):
    """Next/back through a lesson, back to its stop, and presenter mode."""

    # Provided by the viewer (see tui.app.BuildTraceApp).
    lesson: LessonRun | None
    presenting: bool
    theme_styles: ThemeStyles
    finished: bool

    def action_step(self, motion: str) -> None:
        """Step (the viewer's)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ bindings
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Lesson keys work only in a lesson or while presenting; else the key falls through."""
        if action in _LESSON_ONLY:
            return self.lesson is not None
        if action in _LESSON_OR_PRESENTING:
            return self.lesson is not None or self.presenting
        return True

    # ------------------------------------------------------------------ lesson
    def action_forward(self) -> None:
        """Lesson: reveal the answer, then go to the next step. Presenting: next event."""
        run = self.lesson
        if run is None:
            self.action_step("next")
            return
        over = run.walk is not None and run.walk.finished  # said once is enough
        move = run.forward()
        if move == "wait":
            self.lesson_update()
        elif move == "step":
            self._to_stop()
        elif move == "end" and run.error is None and not over:
            self.notify(f"the end of “{run.lesson.title}” (q quits)", timeout=4)
        self.show_lesson()

    def action_backward(self) -> None:
        """Lesson: the previous step. Presenting: the previous event."""
        run = self.lesson
        if run is None:
            self.action_step("prev")
            return
        if run.backward():
            self._to_stop()
        self.show_lesson()

    def action_to_stop(self) -> None:
        """Lesson: back to the current step's event (after exploring)."""
        self._to_stop()

    def lesson_update(self) -> None:
        """Resolve the lesson's steps against the events so far (called on the tick).

        Only while something depends on it: before the first stop is seen, while the
        student waits for the next one, and once at the end of the script (to find a
        stop that never came, and say so).
        """
        run = self.lesson
        if run is None or run.complete or run.error is not None:
            return
        if run.walk is not None and not run.waiting and not self.finished:
            return
        had_first = run.walk is not None
        run.update(self.store.events, finished=self.finished)
        if run.walk is not None and not had_first:
            self._to_stop()  # the lesson starts at its first stop
        elif run.arrived():
            self._to_stop()
        if run.error is not None:
            self.notify(run.error, title="this lesson cannot go on", severity="error", timeout=15)
        self.show_lesson()

    def _to_stop(self) -> None:
        run = self.lesson
        step = run.current if run is not None else None
        if step is None:
            return
        self.follow = False
        self._cancel_motions()
        if self.cursor == step.index:
            self._show_cursor()
        self.cursor = step.index

    # ------------------------------------------------------------------ presenting
    def action_presenter(self) -> None:
        """Presenter mode: only the narration, the model and its diagram, in large type."""
        self.set_presenting(not self.presenting)

    def set_presenting(self, presenting: bool) -> None:
        """Enter or leave presenter mode (the panels come back as they were)."""
        if presenting == self.presenting:
            return
        self.presenting = presenting
        self.apply_layout(replace(self.layout, presenting=presenting))
        self.screen_of_panels.set_class(presenting, "-presenting")
        self.refresh_bindings()
        self._show_cursor()

    # ------------------------------------------------------------------ drawing
    def show_lesson(self, state: ModelState | None = None) -> None:
        """Redraw the lesson panel for the lesson and the cursor.

        ``state``: the model as of the cursor, when the caller has folded it already
        (presenting, the narration needs it; folding it twice would slow every step).
        """
        panel = self.query_one(LessonPanel)
        if not panel.display:
            return
        view = self.lesson_view(state)
        panel.show(view, self.theme_styles, presenting=self.presenting)
        shown = view.step.show if view.step is not None else ()
        matter = {_PANELS_OF.get(name) for name in shown}
        for selector in set(_PANELS_OF.values()):
            self.query_one(selector).set_class(selector in matter, "-matters")
        # On a small screen the tabs say it (the panels there have no title rule).
        self.query_one(PanelTabs).mark({str(selector).lstrip("#") for selector in matter})

    def lesson_view(self, state: ModelState | None = None) -> LessonView:
        """What the lesson panel shows now (``state``: the model as of the cursor)."""
        index = self.cursor
        event = self.store.events[index] if 0 <= index < len(self.store) else None
        narration = None
        if self.presenting and event is not None:
            if state is None:
                state = self.store.model_at(index)
            narration = self.query_one(ExplainPanel).explainer.explain(event, state)
        run = self.lesson
        if run is None:
            return LessonView(narration=narration, event_seq=seq_of(event, index))
        step = run.current
        return LessonView(
            title=run.lesson.title,
            step=step,
            number=run.number,
            total=run.total,
            revealed=run.revealed,
            at_stop=step is None or step.index == index,
            waiting=run.waiting,
            error=run.error,
            finished=run.at_end,
            narration=narration,
        )
