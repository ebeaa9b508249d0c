"""The buildtrace viewer: step through a Keras build while training runs live.

:func:`create_app` makes the app for a script (run in a child process, see
:mod:`tui.child_run`) or for a trace file (recorded, or still being written); tests
use the same factory. The app reads events through a :class:`~tui.trace_reader.TraceReader`
in a worker thread and keeps them in an :class:`~tui.event_store.EventStore`; a
cursor walks the store, and every panel shows the state as of the cursor.

Example:
    >>> app = create_app("samples/seed.py", lockstep=True)  # doctest: +SKIP
    >>> app.run()  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widget import Widget

from buildtrace.lessons.walkthrough import Lesson
from buildtrace.state.model_state import ModelState
from tui.breakpoints import Breakpoints
from tui.child_run import ChildRun
from tui.commands import KeyCommands
from tui.event_store import EventStore
from tui.keymap import FOOTER_DROP_ORDER, bindings
from tui.labels import seq_of
from tui.lesson_run import LessonRun
from tui.motion_actions import Motion
from tui.panel_layout import TABS, PanelLayout, is_compact
from tui.panel_spec import Moment, PanelSpec
from tui.panels import PANEL_SPECS, in_place
from tui.run_actions import RunActions
from tui.screens.help_screen import HelpScreen
from tui.screens.zoom_screen import ZoomScreen
from tui.stepper import Outcome, Stepper
from tui.theme_styles import ThemeStyles
from tui.trace_reader import TraceReader
from tui.widgets import ExplainPanel, KeyFooter, LessonPanel, PanelTabs, StatusBar

#: Seconds between refreshes of what changes by itself (status, follow); the curves
#: redraw every other tick. Watching must cost training little: its CPU is shared.
TICK = 0.25


class BuildTraceApp(RunActions):
    """The viewer. Build it with :func:`create_app`.

    Args:
        trace_path: the JSON Lines trace to read.
        run: the child writing it, when the viewer runs the script itself.
        follow_file: keep reading the file after its end (a trace still being written).
        source_name: what the status bar calls the source.
        lesson: a lesson to follow (its script is what ``run`` runs).
        presenting: start in presenter mode.
    """

    # Absolute, so that subclasses elsewhere (benchmarks) find it too.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        Path(__file__).with_name("app.tcss"),
        *(spec.css for spec in PANEL_SPECS if spec.css is not None),
    ]
    TITLE = "buildtrace"
    # The command palette offers every key (tui.commands), then Textual's own commands.
    COMMANDS = RunActions.COMMANDS | {KeyCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings()
    # Presenter mode on a zoomed-in terminal (a projector) has few rows: the screen
    # gets -short below 30 rows, and the stylesheet drops the large digits there.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012 (as Textual types it)

    # `var`, not `reactive`: a change must not repaint the whole screen (the panels
    # that change redraw themselves; a full repaint per step would triple its cost).
    cursor: var[int] = var(-1, init=False)
    follow: var[bool] = var(False, init=False)

    def __init__(
        self,
        trace_path: Path,
        *,
        run: ChildRun | None = None,
        follow_file: bool = True,
        source_name: str | None = None,
        lesson: Lesson | None = None,
        presenting: bool = False,
    ) -> None:
        super().__init__()
        self.trace_path = trace_path
        self.child = run
        self.source_name = source_name or trace_path.name
        self.store = EventStore()
        self.stepper = Stepper(self.store)
        self.breakpoints = Breakpoints()
        self.reader = TraceReader(trace_path, self.post_message, run=run, follow=follow_file)
        self.theme_styles = ThemeStyles.from_variables({})
        self.projector_styles = self.theme_styles.for_projector()
        self._panels: list[tuple[PanelSpec, Widget]] = []
        self._moment = Moment(-1, None, ModelState(), self.theme_styles)
        #: Whether the source is over, and the child's exit status if there was one.
        self.finished = False
        self.exit_code: int | None = None
        self.failure = ""
        self._pending: Callable[[], Outcome] | None = None
        self._queued: list[tuple[str, Motion]] = []
        self._waiting_for = ""
        self._query = ""
        self._haystack: list[str] = []
        self._live_dirty = False
        self._curves_dirty = False
        self._ticks = 0
        self.lesson = LessonRun(lesson) if lesson is not None else None
        self.presenting = False
        self._start_presenting = presenting
        #: The name of the data training runs on, once the trace or the script says it.
        self.data_label = ""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        # The panels go where they declare (tui.panels); the shell holds the places.
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                for spec in in_place("left"):
                    yield from spec.widgets(self)
            with Vertical(id="right"):
                yield LessonPanel(id="lesson")
                yield PanelTabs(TABS, id="tabs")
                for spec in in_place("right"):
                    yield from spec.widgets(self)
                for row in ("middle", "bottom"):
                    with Horizontal(id=row):
                        for spec in in_place(row):
                            yield from spec.widgets(self)
                for spec in in_place("below"):
                    yield from spec.widgets(self)
        yield KeyFooter(drop_order=FOOTER_DROP_ORDER)

    def on_mount(self) -> None:
        self._panels = [
            (spec, self.query_one(f"#{spec.name}")) for spec in PANEL_SPECS if spec.refresh
        ]
        self._restyle()
        self.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())
        if self.child is not None:
            self.child.start()
        self.run_worker(self.reader.run, name="trace reader", thread=True, exit_on_error=False)
        self.set_interval(TICK, self._tick)
        self.timeline.focus()
        compact = is_compact(self.size.width, self.size.height)
        self.apply_layout(PanelLayout(compact=compact, lesson=self.lesson is not None))
        if self.lesson is not None:
            self.screen.add_class("-lesson")
        if self._start_presenting:
            self.set_presenting(True)
        self._show_cursor()

    def _restyle(self) -> None:
        self.theme_styles = ThemeStyles.from_variables(self.get_css_variables())
        self.projector_styles = self.theme_styles.for_projector()
        self._show_cursor()

    def on_unmount(self) -> None:
        self.reader.stop.set()
        if self.child is not None:
            self.child.stop()
            self.child.cleanup()

    def _tick(self) -> None:
        if not self.is_running:
            return  # shutting down: the widgets are gone
        if not self.finished and self.child is None:
            self.stepper.live = self.reader.live
        if self.follow:
            last = self.stepper.step(-1, "end")
            if isinstance(last, int) and last != self.cursor:
                self.cursor = last
        self._ticks += 1
        self.lesson_update()
        if self._live_dirty:
            self._live_dirty, self._curves_dirty = False, True
            self._show_status()
        if self._curves_dirty and self._ticks % 2 == 0:
            self._curves_dirty = False
            self._show_live()

    # ------------------------------------------------------------------ cursor
    def watch_cursor(self) -> None:
        self._show_cursor()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self._cancel_motions()
            self._tick()
        self._show_status()

    def _show_cursor(self) -> None:
        """Redraw every panel for the cursor (each by its own ``refresh``)."""
        index, store = self.cursor, self.store
        event = store.events[index] if 0 <= index < len(store) else None
        state = store.model_at(index) if event is not None else ModelState()
        zoom = self.screen if isinstance(self.screen, ZoomScreen) else None
        self._moment = Moment(index, event, state, self.theme_styles, zoomed=zoom is not None)
        for spec, widget in self._panels:
            spec.refresh(widget, self, self._moment)  # type: ignore[misc]
        if zoom is not None:
            seq = seq_of(event, index)
            title = "what this step does" + (f" · seq {seq}" if seq is not None else "")
            zoom.show(title, self.query_one(ExplainPanel).whole())
        self._show_status()
        self.show_lesson(state)

    def _show_live(self) -> None:
        """Redraw the panels that follow a live run (the curves), at the same cursor."""
        moment = replace(self._moment, moved=False)
        for spec, widget in self._panels:
            if spec.live:
                spec.refresh(widget, self, moment)  # type: ignore[misc]

    def action_help(self) -> None:
        self.push_screen(HelpScreen())


def create_app(
    target: str | os.PathLike[str],
    script_args: Sequence[str] = (),
    *,
    lockstep: bool = False,
    follow: bool = True,
    trace_output: str | os.PathLike[str] | None = None,
    app_class: type[BuildTraceApp] = BuildTraceApp,
    presenting: bool = False,
) -> BuildTraceApp:
    """The viewer for a script (``.py``, run in a child) or a trace (``.jsonl``).

    Args:
        target: the Keras script to run, or the trace file to open.
        script_args: the script's arguments.
        lockstep: the script waits at each build event until the student steps.
        follow: keep reading a trace file after its end (it may still grow).
        trace_output: where the script's trace is written (default: a temporary file).
        app_class: the app to make (a subclass, for benchmarks that instrument it).
        presenting: start in presenter mode.
    """
    path = Path(target)
    if path.suffix == ".py":
        run = ChildRun(path, script_args, lockstep=lockstep, trace_path=trace_output)
        return app_class(run.trace_path, run=run, source_name=path.name, presenting=presenting)
    return app_class(path, follow_file=follow, source_name=path.name, presenting=presenting)
