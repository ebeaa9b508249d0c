"""Compare mode's app: two traces (or one script under two engines) stepped together.

:func:`create_compare_app` makes it for two trace files;
:func:`create_engines_app` for a script, which it first runs under each engine (with
their progress on screen, :class:`~tui.screens.recording_screen.RecordingScreen`).
Either way the traces are compared by :func:`buildtrace.engines.compare.compare`, the
same comparison ``buildtrace diff`` prints, and shown by
:class:`~tui.screens.compare_screen.CompareScreen`. Quitting returns the diff's exit
status: 0 the same, 1 different (2: a run failed).

Example:
    >>> app = create_compare_app("a.jsonl", "b.jsonl")  # doctest: +SKIP
    >>> app.run()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App
from textual.command import Provider

from buildtrace.engines.compare import Comparison, compare
from buildtrace.trace import Event, read_trace
from tui.commands import KeyCommands
from tui.compare.keymap import COMPARE_KEYMAP
from tui.compare.recording import EngineRun
from tui.keymap import Key
from tui.screens.compare_screen import CompareScreen
from tui.screens.recording_screen import RecordingScreen

HERE = Path(__file__).resolve().parent


class CompareCommands(KeyCommands):
    """The command palette in compare mode: its keys, run on the compare screen."""

    def keys(self) -> Sequence[Key]:
        return COMPARE_KEYMAP

    def _command(self, key: Key) -> tuple[str, object, str]:  # type: ignore[override]
        title, _run, help_text = super()._command(key)
        # The actions are the compare screen's (the palette's own screen is gone by then).
        return title, lambda: self.app.run_action(f"screen.{key.action}"), help_text


class CompareApp(App[None]):
    """Compare mode. Build it with :func:`create_compare_app` or :func:`create_engines_app`.

    Args:
        titles: what panes A and B show.
        comparison: the comparison, when the traces are already there.
        runs: else, the engines' runs that record them.
        script_name: the script the runs run.
    """

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        HERE.parent / "app.tcss",
        HERE / "compare.tcss",
    ]
    TITLE = "buildtrace · compare"
    # Compare mode's keys by name, then Textual's own commands (themes...), as in the viewer.
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {
        CompareCommands
    }
    # Taller terminals give the event details more room (compare.tcss).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012 (as Textual types it)

    def __init__(
        self,
        titles: tuple[str, str],
        *,
        comparison: Comparison | None = None,
        runs: Sequence[EngineRun] = (),
        script_name: str = "",
    ) -> None:
        super().__init__()
        self.titles = titles
        self.comparison = comparison
        self.runs = list(runs)
        self.script_name = script_name
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def on_mount(self) -> None:
        if self.comparison is not None:
            self.push_screen(CompareScreen(self.comparison, *self.titles))
        else:
            self.push_screen(RecordingScreen(self.script_name, self.runs, self._recorded))

    def _recorded(self) -> None:
        """Both runs are over: compare their traces (off the app's thread), then show."""
        self.run_worker(self._compare_runs, thread=True, name="compare", exit_on_error=False)

    def _compare_runs(self) -> None:
        loaded = [list(read_trace(run.trace).events) for run in self.runs]
        engines = (self.runs[0].engine, self.runs[1].engine)
        comparison = compare(loaded[0], loaded[1], engines=engines)
        self.call_from_thread(self._show, comparison)

    def _show(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.switch_screen(CompareScreen(comparison, *self.titles))

    @property
    def status(self) -> int:
        """The diff's exit status: 0 the same, 1 different (2: nothing to compare)."""
        if self.comparison is None:
            return 2
        return 0 if self.comparison.same else 1

    async def action_quit(self) -> None:
        self.exit(return_code=self.status)

    def on_unmount(self) -> None:
        for run in self.runs:
            run.stop()
        if self._folder is not None:
            self._folder.cleanup()


class TraceProblem(ValueError):
    """A file given to compare mode cannot be read as a trace (the message says why)."""


def load_events(path: Path) -> list[Event]:
    """A trace's events; :class:`TraceProblem` when it has none to compare."""
    read = read_trace(path)
    if read.error is not None and not read.events:
        raise TraceProblem(f"{path} is not a buildtrace trace: {read.error.reason}")
    return list(read.events)


def create_compare_app(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> CompareApp:
    """Compare mode on two recorded traces (raises :class:`TraceProblem`)."""
    paths = (Path(a), Path(b))
    comparison = compare(load_events(paths[0]), load_events(paths[1]))
    return CompareApp((paths[0].name, paths[1].name), comparison=comparison)


def create_engines_app(
    script: str | os.PathLike[str], engines: tuple[str, str], until: str = "build"
) -> CompareApp:
    """Compare mode on ``script`` run under two engines, each in its own process."""
    path = Path(script)
    folder = tempfile.TemporaryDirectory(prefix="buildtrace-compare-")
    runs = [
        EngineRun(path, engine, until, Path(folder.name) / f"{number}-{engine}.jsonl")
        for number, engine in enumerate(engines)
    ]
    titles = (f"{engines[0]}: {path.name}", f"{engines[1]}: {path.name}")
    app = CompareApp(titles, runs=runs, script_name=path.name)
    app._folder = folder
    return app
