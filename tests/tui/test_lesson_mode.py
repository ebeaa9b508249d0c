"""Lessons in the viewer: every built-in lesson from its first step to its last, live.

Each built-in lesson runs its script in a child process, as ``buildtrace lesson NAME``
does on a terminal; the test presses the clicker's key (space, PageDown) through every
step and checks that the cursor stands on each step's event and the panel shows the
step's words. Then: exploring and coming back (``r``), going back (PageUp), a lesson
whose stop never comes (an error naming the line), and presenter mode.
"""

from __future__ import annotations

import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Static

from buildtrace.lessons.walkthrough import list_lessons, load_lesson
from tui.app import BuildTraceApp, create_app
from tui.lesson_mode import create_lesson_app
from tui.widgets import LessonPanel

#: The ``wait_for`` fixture (see conftest.py).
WaitFor = Callable[..., Awaitable[None]]

#: Lessons of one run: a lesson comparing engines is shown as text, not in the viewer.
BUILTIN = sorted(
    info.name
    for info in list_lessons()
    if info.builtin and not (info.lesson is not None and info.lesson.engines)
)


def panel_text(app: BuildTraceApp) -> str:
    """What the lesson panel shows, as plain text."""
    words = app.query_one("#lesson-words", Static).content
    return words.plain if isinstance(words, Text) else str(words)


def test_every_builtin_lesson_is_tested() -> None:
    assert BUILTIN == [
        "deferred-build",
        "errors",
        "functional-branches",
        "input-first",
        "seed-build",
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("name", BUILTIN)
async def test_a_builtin_lesson_runs_start_to_finish(name: str, wait_for: WaitFor) -> None:
    lesson = load_lesson(name)
    app = create_lesson_app(lesson)
    async with app.run_test(size=(120, 36)) as pilot:
        run = app.lesson
        assert run is not None
        await wait_for(pilot, lambda: run.current is not None, timeout=60)
        seen: list[int] = []
        while True:
            step = run.current
            assert step is not None
            await wait_for(pilot, lambda step=step: app.cursor == step.index, timeout=30)
            assert app.store.events[app.cursor] is step.event
            assert step.title in panel_text(app)
            assert f"step {run.number} of {run.total}" in panel_text(app)
            seen.append(run.number)
            if step.question:
                await pilot.press("space")
                assert run.revealed
                await wait_for(pilot, lambda step=step: "Answer:" in panel_text(app), timeout=30)
            if run.at_end:
                break
            await pilot.press("pagedown")
            # the next stop may still be on its way from the script: wait for it
            following = len(seen) + 1
            await wait_for(pilot, lambda n=following: run.number == n, timeout=60)
        assert seen == list(range(1, len(lesson.steps) + 1))
        assert run.error is None
        await pilot.press("space")  # past the last step: the lesson says it is over
        assert run.walk is not None and run.walk.finished
        assert "the end of the lesson" in panel_text(app)


@pytest.mark.asyncio
async def test_explore_then_come_back_and_go_back(wait_for: WaitFor) -> None:
    app = create_lesson_app(load_lesson("seed-build"))
    async with app.run_test(size=(120, 36)) as pilot:
        run = app.lesson
        assert run is not None
        await wait_for(pilot, lambda: run.current is not None, timeout=60)
        first = run.current
        assert first is not None
        await wait_for(pilot, lambda: app.cursor == first.index)
        # The viewer's own keys still work in a lesson: wander off, then come back.
        await pilot.press("n", "n", "s")
        assert app.cursor != first.index
        assert "r: back to this step's event" in panel_text(app)
        await pilot.press("r")
        assert app.cursor == first.index
        assert "r: back" not in panel_text(app)
        # Two presses reach step 2 (the first reveals step 1's answer); PageUp returns.
        await pilot.press("space", "space")
        await wait_for(pilot, lambda: run.number == 2, timeout=30)
        second = run.current
        assert second is not None and app.cursor == second.index
        await pilot.press("pageup")
        assert run.number == 1 and app.cursor == first.index
        assert run.revealed  # its answer was seen: it stays shown


@pytest.mark.asyncio
async def test_a_stop_that_never_comes_names_the_line(tmp_path: Path, wait_for: WaitFor) -> None:
    (tmp_path / "model.py").write_text(
        textwrap.dedent(
            """
            from tensorflow import keras
            model = keras.Sequential([keras.layers.Dense(4)])
            model.build((None, 3))
            """
        ),
        encoding="utf-8",
    )
    lesson_file = tmp_path / "typo.toml"
    lesson_file.write_text(
        textwrap.dedent(
            """
            title = "A lesson with a typo"
            script = "model.py"

            [[step]]
            stop = { kind = "call", name = "Dense.build" }
            text = "Found."

            [[step]]
            stop = { kind = "add_weight", layer = "dens", weight = "kernel" }
            text = "Never found: no layer is called dens."
            """
        ),
        encoding="utf-8",
    )
    app = create_lesson_app(load_lesson(str(lesson_file)))
    async with app.run_test(size=(120, 36)) as pilot:
        run = app.lesson
        assert run is not None
        await wait_for(pilot, lambda: run.current is not None, timeout=60)
        await pilot.press("space")
        await wait_for(pilot, lambda: run.error is not None, timeout=60)
        assert run.error is not None
        assert "typo.toml, line 10" in run.error
        assert "dens" in run.error
        assert "This lesson cannot go on" in panel_text(app)
        assert run.number == 1  # it stays on the last step it could show


@pytest.mark.asyncio
async def test_presenter_mode_shows_only_the_words_the_model_and_its_diagram(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.finished)
        timeline = app.query_one("#left")
        assert timeline.display and not app.query_one(LessonPanel).display
        await pilot.press("b")  # Sequential.build
        at = app.cursor
        # Off presenter mode, space is a breakpoint and PageDown scrolls the timeline.
        await pilot.press("space")
        assert len(app.breakpoints) == 1
        await pilot.press("space")
        assert len(app.breakpoints) == 0

        await pilot.press("f5")
        assert app.presenting
        for hidden in ("#left", "#explain", "#bottom", "#log"):
            assert not app.query_one(hidden).display, hidden
        for shown in ("#lesson", "#model", "#topology"):
            assert app.query_one(shown).display, shown
        assert "Sequential.build" in panel_text(app)  # the narration of the event
        # The clicker's keys step event by event.
        await pilot.press("pagedown")
        assert app.cursor == at + 1
        await pilot.press("space", "space")
        assert app.cursor == at + 3 and not app.breakpoints
        await pilot.press("pageup")
        assert app.cursor == at + 2

        await pilot.press("P")  # the other key for the same thing
        assert not app.presenting
        assert timeline.display and app.query_one("#bottom").display
        assert not app.query_one("#log").display  # hidden before, hidden after


@pytest.mark.asyncio
async def test_a_lesson_starts_in_presenter_mode(wait_for: WaitFor) -> None:
    app = create_lesson_app(load_lesson("input-first"), presenting=True)
    async with app.run_test(size=(100, 40)) as pilot:
        run = app.lesson
        assert run is not None
        await wait_for(pilot, lambda: run.current is not None, timeout=60)
        assert app.presenting and not app.query_one("#left").display
        step = run.current
        assert step is not None
        await wait_for(pilot, lambda: step.title in panel_text(app))
        # The large digits show the step number; the narration is there too.
        digits = app.query_one("#lesson-number")
        assert digits.display and str(getattr(digits, "value", "")) == "1"
        assert step.explanation.title.split(" — ")[0] in panel_text(app)
