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


def lesson_on(trace: Path, folder: Path) -> Path:
    """A two-step lesson replaying ``trace`` (a lesson may name a trace, not a script)."""
    path = folder / "snapshot-lesson.toml"
    path.write_text(
        f'title = "Where the first kernel comes from"\n'
        f'trace = "{trace.name}"\n\n'
        "[[step]]\n"
        'stop = { kind = "call", name = "Dense.build", layer = "dense" }\n'
        'text = "`{layer}` is built for inputs of shape {input_shape}."\n'
        'question = "What shape will its kernel have?"\n'
        'answer = "(784, 512): one row per input number, one column per unit."\n\n'
        "[[step]]\n"
        'stop = { kind = "add_weight", layer = "dense", weight = "kernel" }\n'
        'text = "There it is: {shape}, {params} numbers."\n',
        encoding="utf-8",
    )
    return path


def lesson_loaded(app: BuildTraceApp) -> Callable[[Pilot[int]], object]:
    """A ``run_before`` that waits until the trace is read and the lesson has its steps."""

    async def wait(pilot: Pilot[int]) -> None:
        while not (app.finished and app.lesson is not None and app.lesson.complete):
            await pilot.pause(0.02)
        await pilot.pause()

    return wait


def test_lesson_with_its_answer_revealed(seed_trace: Path, snap_compare: SnapCompare) -> None:
    from buildtrace.lessons.walkthrough import load_lesson
    from tui.lesson_mode import create_lesson_app

    app = create_lesson_app(load_lesson(str(lesson_on(seed_trace, seed_trace.parent))))
    assert snap_compare(app, press=["space"], terminal_size=SIZE, run_before=lesson_loaded(app))


def test_presenter_mode_in_a_lesson(seed_trace: Path, snap_compare: SnapCompare) -> None:
    from buildtrace.lessons.walkthrough import load_lesson
    from tui.lesson_mode import create_lesson_app

    lesson = load_lesson(str(lesson_on(seed_trace, seed_trace.parent)))
    app = create_lesson_app(lesson, presenting=True)
    keys = ["pagedown", "pagedown"]  # the answer, then step 2: the kernel is made
    assert snap_compare(app, press=keys, terminal_size=SIZE, run_before=lesson_loaded(app))


def test_presenter_mode_small_without_a_lesson(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False, presenting=True)
    keys = ["b", "b", "w"]  # the first add_weight, as on a zoomed-in terminal
    assert snap_compare(app, press=keys, terminal_size=(72, 24), run_before=loaded(app))


# An 80×24 terminal (the size many open at): the explanation first, tabs for the rest.
TERMINAL = (80, 24)


def test_main_screen_at_80x24(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    keys = ["b"]  # Sequential.build: its explanation whole, the timeline a strip above
    assert snap_compare(app, press=keys, terminal_size=TERMINAL, run_before=loaded(app))


def test_model_tab_at_80x24(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    keys = ["b", "b", "w", "4"]  # the first kernel, seen in the model's tab
    assert snap_compare(app, press=keys, terminal_size=TERMINAL, run_before=loaded(app))


def test_zoom_at_80x24(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    keys = ["b", "z"]  # all of what Sequential.build does, and its source, scrollable
    assert snap_compare(app, press=keys, terminal_size=TERMINAL, run_before=loaded(app))


def test_training_tab_at_80x24(fit_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(fit_trace, follow=False)
    keys = ["end", "6"]  # the figures, and the line that says whose data they are
    assert snap_compare(app, press=keys, terminal_size=TERMINAL, run_before=loaded(app))


def test_lesson_at_80x24(seed_trace: Path, snap_compare: SnapCompare) -> None:
    from buildtrace.lessons.walkthrough import load_lesson
    from tui.lesson_mode import create_lesson_app

    app = create_lesson_app(load_lesson(str(lesson_on(seed_trace, seed_trace.parent))))
    assert snap_compare(app, press=["space"], terminal_size=TERMINAL, run_before=lesson_loaded(app))


def test_main_screen_at_100x30(seed_trace: Path, snap_compare: SnapCompare) -> None:
    app = create_app(seed_trace, follow=False)
    keys = ["b"]  # the wide layout's smallest size: the explanation before the source
    assert snap_compare(app, press=keys, terminal_size=SMALL, run_before=loaded(app))
