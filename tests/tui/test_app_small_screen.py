"""An 80×24 terminal: the explanation comes first, the other panels take turns, z shows all.

Before, at 80×24 the explanation of ``Sequential.build`` was cut to ``… (z: all)`` after
its title, and z gave it 8 rows that still cut it.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console, RenderableType
from textual.widgets import Static

from tui.app import create_app
from tui.explainer import Explainer
from tui.screens.zoom_screen import ZoomScreen
from tui.widgets import ExplainPanel, PanelTabs, TimelineView
from tui.widgets.key_footer import FooterKey

#: The ``wait_for`` fixture (see conftest.py).
WaitFor = Callable[..., Awaitable[None]]

SMALL = (80, 24)
WIDE = (120, 36)

#: A script that reaches for what buildtrace leaves out on purpose (mixed precision).
UNSUPPORTED = """
    from tensorflow import keras
    from tensorflow.keras import layers

    model = keras.Sequential([layers.Dense(4)])
    keras.mixed_precision.set_global_policy("mixed_float16")
"""


def plain(renderable: RenderableType, width: int = 78) -> str:
    """A renderable as plain text, its words joined by single spaces."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return " ".join(console.export_text().split())


def words_of(text: str) -> str:
    return " ".join(text.replace("`", "").split())


@pytest.mark.asyncio
async def test_at_80x24_the_whole_explanation_of_a_step_shows(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("b")  # Sequential.build: the longest explanation of the build
        event = app.store.events[app.cursor]
        told = Explainer().explain(event, app.store.model_at(app.cursor))
        assert app.screen.has_class("-compact")
        panel = app.query_one(ExplainPanel)
        assert panel.display and panel.size.width >= 76  # the whole width, not 40 columns
        shown = plain(panel.content)
        assert "(z: all)" not in shown
        assert words_of(told.text) in shown and words_of(told.why) in shown
        # The timeline keeps a strip with the cursor's line in it.
        timeline = app.query_one(TimelineView)
        assert timeline.display and 3 <= timeline.scrollable_content_region.height <= 8
        row = timeline.row_of(app.cursor)
        assert timeline.scroll_y <= row < timeline.scroll_y + timeline.size.height


@pytest.mark.asyncio
async def test_on_a_small_screen_the_keys_2_to_7_pick_a_tab(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: app.finished)
        tabs = app.query_one(PanelTabs)
        assert tabs.display and tabs.active == "tab-explain"
        await pilot.press("4")
        assert app.query_one("#model").display and not app.query_one("#explain").display
        assert tabs.active == "tab-model"
        assert not app.query_one("#topology").display  # one panel at a time
        assert app.query_one("#model").size.height >= 12
        await pilot.press("6")
        assert app.query_one("#training").display and not app.query_one("#model").display
        await pilot.click("#tab-explain")  # the mouse picks tabs too
        await pilot.pause()
        assert app.query_one("#explain").display and tabs.active == "tab-explain"
        await pilot.press("1")  # the timeline still hides and shows
        assert not app.query_one("#left").display
        await pilot.press("1")
        assert app.query_one("#left").display


@pytest.mark.asyncio
async def test_resizing_switches_between_the_wide_and_the_small_layout(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("3")  # hide the call stack on the wide screen
        assert not app.screen.has_class("-compact") and not app.query_one(PanelTabs).display
        assert app.query_one("#model").display and app.query_one("#explain").display
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert app.screen.has_class("-compact") and app.query_one(PanelTabs).display
        assert app.query_one("#explain").display and not app.query_one("#model").display
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert not app.screen.has_class("-compact")
        assert app.query_one("#model").display and app.query_one("#explain").display
        assert not app.query_one("#stack").display  # hidden before, hidden after


@pytest.mark.asyncio
async def test_z_shows_the_whole_explanation_and_source_full_screen_and_steps(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("b", "z")
        zoom = app.screen
        assert isinstance(zoom, ZoomScreen)
        words = zoom.query_one("#zoom-words", Static)
        shown = plain(words.content)
        event = app.store.events[app.cursor]
        told = Explainer().explain(event, app.store.model_at(app.cursor))
        assert words_of(told.why) in shown
        assert "def build(self, input_shape" in shown and "Raises:" in shown  # all the source
        assert words.size.height > SMALL[1]  # taller than the screen: it scrolls
        body = zoom.query_one("#zoom-body")
        await pilot.press("pagedown")
        assert body.scroll_y > 0
        at = app.cursor
        await pilot.press("n")  # the stepping keys still step, and the zoom follows
        assert app.cursor == at + 1 and app.screen is zoom
        assert body.scroll_y == 0 and f"seq {at + 1}" in str(body.border_title)
        assert "Sequential.build" not in plain(words.content).split(" — ")[0]
        await pilot.press("z")
        assert not isinstance(app.screen, ZoomScreen)
        await pilot.press("z", "4")  # a panel key closes the zoom and picks its tab
        await wait_for(pilot, lambda: app.query_one("#model").display)
        assert not isinstance(app.screen, ZoomScreen)


@pytest.mark.asyncio
async def test_the_why_of_an_unsupported_feature_error_is_readable_whole(
    make_trace: Callable[..., Path], wait_for: WaitFor
) -> None:
    trace = make_trace(UNSUPPORTED, "unsupported")
    app = create_app(trace, follow=False)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("end")
        event = app.store.events[app.cursor]
        assert event["error_type"] == "NotSupportedByBuildtrace"
        told = Explainer().explain(event, app.store.model_at(app.cursor))
        assert told.why
        shown = plain(app.query_one(ExplainPanel).content)
        assert words_of(told.why) in shown  # it fits the panel at 80×24, wrapped
        await pilot.press("z")
        assert words_of(told.why) in plain(app.screen.query_one("#zoom-words", Static).content)


@pytest.mark.asyncio
async def test_the_footer_fits_its_width_and_shows_the_palette_key_from_100_columns(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    for size, palette in ((SMALL, False), ((99, 30), False), ((100, 30), True), (WIDE, True)):
        app = create_app(seed_trace, follow=False)
        async with app.run_test(size=size) as pilot:
            await wait_for(pilot, lambda: app.finished)  # noqa: B023 (awaited here)
            await pilot.pause()
            keys = list(app.query(FooterKey))
            assert keys and all(k.region.right <= size[0] for k in keys)
            regions = sorted(k.region.x for k in keys)
            assert len(set(regions)) == len(regions)  # none drawn over another
            assert any(k.has_class("-command-palette") for k in keys) == palette
            shown = {k.action for k in keys}
            assert {"step('next')", "step('out')", "zoom", "quit"} <= shown
            ends = sorted((k.region.x, k.region.right) for k in keys)
            assert all(a_end <= b_x for (_, a_end), (b_x, _) in itertools.pairwise(ends))


@pytest.mark.asyncio
@pytest.mark.parametrize("keys", [("end",), ("b", "b")], ids=["at the end", "mid-build"])
async def test_after_a_resize_the_cursor_line_is_in_view_before_any_key(
    seed_trace: Path, wait_for: WaitFor, keys: tuple[str, ...]
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press(*keys)
        timeline = app.query_one(TimelineView)
        for size in (SMALL, (100, 14), WIDE, (80, 50)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            row = timeline.row_of(app.cursor)
            top = int(timeline.scroll_y)
            assert top <= row < top + timeline.scrollable_content_region.height, size
