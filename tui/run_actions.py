"""The viewer and its source: events arriving, the run's end, lockstep, pause, the status.

The trace reader (a worker thread, :class:`~tui.trace_reader.TraceReader`) posts what it
reads as messages; these handlers add the events to the store and the timeline, the
script's output to its panel, and say when the run ended or failed. The status bar
says where the run is; keys g and t release a lockstep child and pause its training.

These live apart from :mod:`tui.app` to keep the shell small;
:class:`~tui.app.BuildTraceApp` is the only class that uses them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from rich.style import Style

from buildtrace.trace.events import TRAINING_KINDS, Event, short_name
from tui.child_run import ChildRun, exit_description
from tui.data_label import label_in_output, label_of_event
from tui.labels import counted, seq_of
from tui.motion_actions import MotionActions
from tui.stepper import Outcome
from tui.trace_reader import EventsArrived, OutputArrived, SourceEnded, TraceFailed
from tui.widgets import Status, StatusBar
from tui.widgets.log_panel import ScriptOutput
from tui.widgets.training_panel import UNNAMED_DATA


class RunActions(MotionActions):
    """Take in what the source sends; release, pause, and say how the run is going.

    Example:
        >>> RunActions.action_pause.__doc__.split(" (")[0]
        'Pause or resume training'
    """

    # Provided by the viewer (see tui.app.BuildTraceApp).
    child: ChildRun | None
    source_name: str
    finished: bool
    exit_code: int | None
    failure: str
    data_label: str
    _live_dirty: bool
    _pending: Callable[[], Outcome] | None
    _waiting_for: str

    # ------------------------------------------------------------------ ingestion
    def on_events_arrived(self, message: EventsArrived) -> None:
        if not self.is_running:
            return  # shutting down: the widgets are gone
        new = self.store.extend(message.events)
        # Events live as long as the viewer: keep them out of the garbage collector's
        # full sweeps, whose pauses would otherwise show up as slow keys on long runs.
        gc.freeze()
        self.timeline.add_events(new)
        self._live_dirty = True
        events = self.store.events
        for index in new:
            label = label_of_event(events[index])
            if label:
                self.data_label = label
        if self._pending is not None:
            self._resolve_pending()
        elif self.cursor < 0 and not self.follow:
            first = self.stepper.step(-1, "home")
            if isinstance(first, int):
                self.cursor = first

    def on_output_arrived(self, message: OutputArrived) -> None:
        if not self.is_running:
            return  # shutting down: the widgets are gone
        self.query_one(ScriptOutput).write(message.text)
        label = label_in_output(message.text)
        if label and not self.data_label:  # a field of the trace says it better
            self.data_label = label
            self._live_dirty = True

    def on_source_ended(self, message: SourceEnded) -> None:
        if not self.is_running:
            return  # shutting down: the widgets are gone
        self.stepper.live = False
        self.finished, self.exit_code = True, message.returncode
        last = self.store.events[-1] if self.store.events else {}
        if message.returncode not in (None, 0):
            if not (last.get("kind") == "raise" and last.get("uncaught")):
                # Killed, or died before it could say why: the last event says it.
                self._add_exit_event(message.returncode)
                last = self.store.events[-1]
            self.failure = f"{last.get('error_type')}: {last.get('message')}"
            self.notify(self.failure, title="the script failed", severity="error", timeout=10)
            self.show_panel("log")
        if self._pending is not None:
            self._resolve_pending()
        self.lesson_update()
        self._live_dirty = True

    def _add_exit_event(self, code: int | None) -> None:
        lines = self.child.log_tail(3) if self.child is not None else []
        event: Event = {
            "v": 1, "seq": len(self.store), "t": 0.0, "kind": "raise", "name": "<script>",
            "depth": 0, "layer": None, "error_type": "ChildExited", "origin": True,
            "uncaught": True, "message": f"{exit_description(code)}. " + " ".join(lines),
        }  # fmt: skip
        self.timeline.add_events(self.store.extend([event]))

    def on_trace_failed(self, message: TraceFailed) -> None:
        if not self.is_running:
            return  # shutting down: the widgets are gone
        self.stepper.live = False
        self.failure = message.error
        self.notify(message.error, title="cannot read the trace", severity="error", timeout=10)
        self._live_dirty = True

    # ------------------------------------------------------------------ status
    def _show_status(self) -> None:
        store, index = self.store, self.cursor
        status = Status(source=self.source_name)
        status.run, status.run_style = self._run_state()
        if 0 <= index < len(store):
            event = store.events[index]
            name = short_name(str(event.get("name", ""))) if event.get("kind") == "call" else ""
            status.position = f"seq {seq_of(event, index)}"
            status.what = f"{event.get('kind')} {name}".rstrip()
        training = sum(store.count(kind) for kind in TRAINING_KINDS)
        if len(store):
            build = len(store) - training
            counts = f"build {build:,} · training {counted(training, 'event')}"
            status.counts = counts if training else f"build {counted(build, 'event')}"
        layout = self.layout
        figures = layout.shows("training") and not layout.presenting
        if store.count("train_begin") and (figures or store.count("train_begin", index)):
            status.data = self.data_label or UNNAMED_DATA  # training figures: say whose
        flags = []
        if self.follow:
            flags.append("following")
        if self.child is not None and self.child.lockstep and not self.finished:
            flags.append("lockstep")
        if self.child is not None and self.child.paused:
            flags.append("training paused")
        if self.breakpoints:
            flags.append(f"{len(self.breakpoints)} breakpoint" + "s" * (len(self.breakpoints) > 1))
        if self.stepper.hidden:
            flags.append("filtered")
        if self._pending is not None:
            flags.append(f"waiting for {self._waiting_for}")
        status.flags = tuple(flags)
        status.error = self.failure
        self.query_one(StatusBar).show(status)

    def _run_state(self) -> tuple[str, Style]:
        styles = self.theme_styles
        if self.failure:
            return "failed", styles.palette.error
        if self.finished:
            return ("finished" if self.child is not None else "recorded"), styles.palette.weight
        if self.child is not None:
            return "running", styles.current
        return ("live" if self.stepper.live else "recorded"), styles.current

    # ------------------------------------------------------------------ run
    def action_release(self) -> None:
        """Lockstep: let the script run freely (the rest of the build, then training)."""
        if self.child is None or not self.child.lockstep:
            self.notify("not in lockstep (start with --lockstep to step the live engine)")
            return
        self.child.release()
        self._cancel_motions()  # the student lets it run: nothing to wait for any more
        self.notify("lockstep off: the build runs to its end and training starts", timeout=3)
        self._show_status()

    def action_pause(self) -> None:
        """Pause or resume training (the child waits at its next batch)."""
        if self.child is None:
            self.notify("nothing to pause: this is a recorded trace, not a running script")
            return
        if not self.child.running:
            ended = "failed" if self.failure else "finished"
            self.notify(f"the script has {ended}: there is no training left to pause")
            return
        paused = not self.child.paused
        self.child.set_paused(paused)
        self.notify("training paused" if paused else "training resumed", timeout=2)
        self._live_dirty = True
        self._show_status()
