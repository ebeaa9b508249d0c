"""SVG snapshots of the main screens at a fixed size (update: pytest --snapshot-update).

Every trace is recorded in the test from a seeded script, and the screens shown come
from finished runs (no clock, no ETA), so the pictures are the same on every run. They
show buildtrace's own narration and source: a change there shows up here, on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from tui.app import BuildTraceApp, create_app

#: pytest-textual-snapshot's ``snap_compare`` fixture.
SnapCompare = Callable[..., bool]

SIZE = (120, 36)
SMALL = (100, 30)


def loaded(app: BuildTraceApp) -> Callable[[Pilot[int]], object]:
    """A ``run_before`` that waits until the whole trace is read."""

    async def wait(pilot: Pilot[int]) -> None:
        while not app.finished:
            await pilot.pause(0.02)
        await pilot.pause()

    return wait


def test_main_screen_at_sequential_build(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=loaded(app))


def test_main_screen_at_the_first_weight(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    assert snap_compare(app, press=["b", "b", "w"], terminal_size=SIZE, run_before=loaded(app))


def test_main_screen_when_the_graph_is_initialized(
    seed_trace: Path, snap_compare: SnapCompare
) -> None:
    app = create_app(seed_trace, follow=False)
    keys = ["end", "F"]  # the last flag change: sequential._graph_initialized = True
    assert snap_compare(app, press=keys, terminal_size=SIZE, run_before=loaded(app))


def test_main_screen_small_and_light(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    app.theme = "textual-light"
    keys = ["b", "b", "f"]  # dense.built = True
    assert snap_compare(app, press=keys, terminal_size=SMALL, run_before=loaded(app))


def test_training_panel_after_a_recorded_fit(fit_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(fit_trace, follow=False)
    keys = ["end", "2", "4", "5"]  # the last event; training gets the room of the others
    assert snap_compare(app, press=keys, terminal_size=SIZE, run_before=loaded(app))


def test_help_screen(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    assert snap_compare(app, press=["question_mark"], terminal_size=SIZE, run_before=loaded(app))


def test_breakpoint_manager(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    keys = ["b", "b", "space", "x"]  # a breakpoint on Dense.build, then the list
    assert snap_compare(app, press=keys, terminal_size=SIZE, run_before=loaded(app))
