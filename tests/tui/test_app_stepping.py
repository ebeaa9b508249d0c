"""Pilot tests: the keys move the cursor, and every panel follows it, back and forth."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from tui.app import BuildTraceApp, create_app
from tui.commands import KeyCommands
from tui.widgets import ModelPanel, StackPanel, TimelineView, TopologyPanel

#: The ``wait_for`` fixture (see conftest.py).
WaitFor = Callable[..., Awaitable[None]]

SIZE = (120, 36)


def text_of(widget: Static) -> str:
    """What a panel shows, as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


def index_of(app: BuildTraceApp, name: str, layer: str | None = None, kind: str = "call") -> int:
    return next(
        i
        for i, e in enumerate(app.store.events)
        if e["kind"] == kind and e["name"].endswith(name) and (layer is None or e["layer"] == layer)
    )


@pytest.mark.asyncio
async def test_next_previous_and_jumps(seed_trace: Path, wait_for: WaitFor) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        assert app.cursor == 0
        await pilot.press("n", "n", "right")
        assert app.cursor == 3
        await pilot.press("p", "left")
        assert app.cursor == 1
        await pilot.press("b")
        assert app.cursor == index_of(app, "Sequential.build")
        await pilot.press("b")
        assert app.cursor == index_of(app, "Dense.build", "dense")
        await pilot.press("w")
        assert app.store.events[app.cursor]["kind"] == "add_weight"
        weight = app.cursor
        await pilot.press("W")  # no add_weight before the first one: the cursor stays
        assert app.cursor == weight
        await pilot.press("B")
        assert app.cursor == index_of(app, "Dense.build", "dense")
        await pilot.press("B")
        assert app.cursor == index_of(app, "Sequential.build")
        await pilot.press("end")
        assert app.cursor == app.store.last
        await pilot.press("home")
        assert app.cursor == 0


@pytest.mark.asyncio
async def test_into_over_out_and_back(seed_trace: Path, wait_for: WaitFor) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        call = index_of(app, "Layer.__call__", "dense")
        app.cursor = call
        await pilot.press("o")
        assert app.cursor == app.store.end[call] + 1
        await pilot.press("O")
        assert app.cursor == call
        await pilot.press("s")
        assert app.cursor == call + 1
        await pilot.press("u")
        assert app.cursor == app.store.end[call]  # out of __call__: its return
        await pilot.press("U")
        assert app.cursor == app.store.parent[call]


@pytest.mark.asyncio
async def test_panels_show_the_state_as_of_the_cursor(seed_trace: Path, wait_for: WaitFor) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        built = next(
            i
            for i, e in enumerate(app.store.events)
            if e["kind"] == "set" and e["layer"] == "dense" and e["value"] is True
        )
        app.cursor = built - 1
        await pilot.pause()
        assert "dense ✗" in text_of(app.query_one(ModelPanel))
        await pilot.press("n")
        model = text_of(app.query_one(ModelPanel))
        assert "dense ✓" in model and "+ kernel" in model and "+ bias" in model
        assert "Layer.build" in text_of(app.query_one(StackPanel))
        await pilot.press("p")  # back: exactly as before
        assert "dense ✗" in text_of(app.query_one(ModelPanel))
        await pilot.press("end")
        model = text_of(app.query_one(ModelPanel))
        assert "built ✓" in model and "_graph_initialized ✓" in model
        assert "407,050 parameters" in model
        assert app.query_one(TopologyPanel)._groups  # three levels of boxes
        assert [len(group) for group in app.query_one(TopologyPanel)._groups] == [1, 1, 1]


@pytest.mark.asyncio
async def test_the_timeline_folds_and_the_mouse_selects(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        timeline = app.query_one(TimelineView)
        shown = len(timeline.rows)
        assert shown == len(app.store)  # everything unfolded, nothing filtered
        await pilot.press("enter")  # fold Dense.__init__ at the cursor
        assert len(timeline.rows) == shown - 4
        await pilot.press("down")
        assert app.cursor == app.store.end[0] + 1  # the folded call is one line
        await pilot.press("up", "enter")  # unfold it again
        assert len(timeline.rows) == shown
        await pilot.click(TimelineView, offset=(20, 5))
        assert app.cursor == timeline.rows[int(timeline.scroll_y) + 5]


@pytest.mark.asyncio
async def test_filter_by_kind_and_search(seed_trace: Path, wait_for: WaitFor) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("k")
        await pilot.pause()
        screen = app.screen
        selection = screen.query_one("#choice-list")
        selection.deselect("return")  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert app.stepper.hidden == frozenset({"return"})
        timeline = app.query_one(TimelineView)
        assert all(app.store.events[i]["kind"] != "return" for i in timeline.rows)
        await pilot.press("n")
        while app.cursor < 40:
            assert app.store.events[app.cursor]["kind"] != "return"
            await pilot.press("n")
        await pilot.press("slash")
        await pilot.press(*"_graph_init", "enter")
        found = app.store.events[app.cursor]
        assert found.get("attr") == "_graph_initialized" and found.get("value") is True
        # Every matching line is marked, and the words lit where the line shows them.
        timeline = app.query_one(TimelineView)
        line = timeline._label(app.cursor)
        assert line.plain.startswith("›") and "_graph_init" in line.plain
        lit = [line.plain[span.start : span.end] for span in line.spans]
        assert "_graph_init" in lit
        first = app.store.events[timeline.rows[0]]
        assert not timeline._label(timeline.rows[0]).plain.startswith("›"), first
        await pilot.press("escape", "m")  # the next match wraps around to the first write
        found = app.store.events[app.cursor]
        assert found.get("attr") == "_graph_initialized" and found.get("value") is False


@pytest.mark.asyncio
async def test_help_palette_and_panel_toggles(seed_trace: Path, wait_for: WaitFor) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert type(app.screen).__name__ == "Screen"
        commands = [hit.text async for hit in KeyCommands(app.screen).discover()]
        assert "Step over: past this call" in commands and "Next add_weight" in commands
        for key in "123456":
            await pilot.press(key)
        assert not app.query_one("#right").display and not app.query_one("#left").display
        for key in "123456":
            await pilot.press(key)
        assert app.query_one("#right").display and app.query_one("#model").display
        await pilot.press("t")  # a recorded trace: nothing to pause, and no crash
        await pilot.press("g")
