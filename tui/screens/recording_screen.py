"""While compare mode runs a script under two engines: each run's progress, live.

The mini-Keras records the seed example in a second; the real tf-keras spends several
importing TensorFlow before its first event. This screen says, four times a second,
what each run is doing (``tf-keras: importing TensorFlow … 6 s``, then its events as
they are written), so that the wait never looks like a frozen screen. When both runs
are over, the app compares their traces (in a thread) and shows the compare screen;
a run that fails is said here, with its last error line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static

from tui.compare.recording import EngineRun

#: Seconds between progress updates.
TICK = 0.25


class RecordingScreen(Screen[None]):
    """The runs' progress; calls ``finished`` once every run is over.

    Args:
        script_name: the script, as the screen names it.
        runs: the engines' runs (started when the screen is mounted).
        finished: called (on the app's thread) when every run is over.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "quit", "quit")]

    def __init__(
        self, script_name: str, runs: Sequence[EngineRun], finished: Callable[[], None]
    ) -> None:
        super().__init__()
        self.script_name = script_name
        self.runs = runs
        self.finished = finished
        self._reported = False

    def compose(self) -> ComposeResult:
        with Vertical(id="recording"):
            engines = " and ".join(run.engine for run in self.runs)
            until = self.runs[0].until if self.runs else "build"
            yield Static(
                Text.assemble(
                    ("Compare mode", "bold"),
                    f": running {self.script_name} under {engines}, each in its own "
                    f"process, until {until}.",
                ),
                id="recording-title",
            )
            for number, _run in enumerate(self.runs):
                yield Static(id=f"recording-{number}", classes="recording-run")
            yield LoadingIndicator(id="recording-spinner")
            yield Static("q quits", id="recording-hint")

    def on_mount(self) -> None:
        for run in self.runs:
            run.start()
        self.set_interval(TICK, self._tick)
        self._tick()

    def _tick(self) -> None:
        for number, run in enumerate(self.runs):
            run.poll()
            line = self.query_one(f"#recording-{number}", Static)
            line.set_class(bool(run.error), "-failed")
            line.update(run.progress())
        if self._reported or not all(run.done for run in self.runs):
            return
        self._reported = True
        failed = [run for run in self.runs if run.error]
        self.query_one(LoadingIndicator).display = not failed
        if failed:
            self.query_one("#recording-hint", Static).update(
                "the comparison needs both traces: fix the script (or install the engine), "
                "then try again · q quits"
            )
            return
        self.query_one("#recording-hint", Static).update("comparing the two traces …")
        self.finished()

    def action_quit(self) -> None:
        for run in self.runs:
            run.stop()
        failed = any(run.error for run in self.runs)
        self.app.exit(return_code=2 if failed else 0)
