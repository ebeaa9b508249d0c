"""Compare mode in the viewer: one cursor over two traces, at a classroom's 80x24 and wider."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console, RenderableType
from textual.command import CommandPalette
from textual.widgets import Static

from tui.compare.aligned_view import AlignedView
from tui.compare.app import CompareApp, TraceProblem, create_compare_app, create_engines_app
from tui.compare.detail import EventDetail
from tui.screens.compare_screen import CompareScreen
from tui.screens.help_screen import HelpScreen

SIZES = [(80, 24), (120, 36)]


def plain(renderable: RenderableType, width: int = 78) -> str:
    """What a renderable reads as on screen, as one line of words."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return " ".join(console.export_text().split())


def text_of(app: CompareApp, selector: str) -> str:
    """The words a Static of the current screen shows."""
    return plain(app.screen.query_one(selector, Static).content)


def detail_seq(app: CompareApp, side: str) -> str | None:
    """The ``seq`` shown in a side's event detail (None: that side has no step here)."""
    fields = dict(app.screen.query_one(f"#detail-{side}", EventDetail).fields)
    return fields.get("seq")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.asyncio
async def test_one_cursor_steps_both_traces(
    engines_pair: tuple[Path, Path], size: tuple[int, int]
) -> None:
    app = create_compare_app(*engines_pair)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        rows = screen.comparison.rows
        assert "same teaching view" in text_of(app, "#compare-verdict")
        assert text_of(app, "#compare-verdict").startswith(f"1/{len(rows)}")
        await pilot.press("n", "n", "s")
        row = rows[screen.row]
        assert screen.row >= 2 and row.a is not None and row.a.step[0] == "call"
        # Both sides' details show the events of the row under the one cursor.
        assert row.b is not None
        assert detail_seq(app, "a") == str(row.a.event["seq"])
        assert detail_seq(app, "b") == str(row.b.event["seq"])
        assert screen.query_one(AlignedView).cursor == screen.row
        await pilot.press("p")
        assert screen.query_one(AlignedView).cursor == screen.row
        assert text_of(app, "#compare-verdict").startswith(f"{screen.row + 1}/")
        # A click on a row puts the one cursor there.
        view = screen.query_one(AlignedView)
        await pilot.click(AlignedView, offset=(5, 4))
        assert screen.row == int(view.scroll_y) + 4 == view.cursor
        clicked = rows[screen.row].a
        assert clicked is not None and detail_seq(app, "a") == str(clicked.event["seq"])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.asyncio
async def test_d_goes_to_the_known_difference_and_says_why(
    engines_pair: tuple[Path, Path], size: tuple[int, int]
) -> None:
    app = create_compare_app(*engines_pair)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        row = screen.comparison.rows[screen.row]
        assert row.known == "tf-second-trace" and row.a is None and row.b is not None
        note = text_of(app, "#compare-note")
        assert note.startswith("= known difference tf-second-trace (not counted)")
        assert detail_seq(app, "a") is None  # A has no step here ...
        assert detail_seq(app, "b") == str(row.b.event["seq"])
        # ... and its pane says why, in the known difference's own words.
        absent = plain(screen.query_one("#detail-a", EventDetail).content)
        assert "only in B" in absent and "twice" in absent
        # The cursor's line is on screen, in the aligned view.
        view = screen.query_one(AlignedView)
        top = int(view.scroll_y)
        assert top <= screen.row < top + view.scrollable_content_region.height
        await pilot.press("D")
        assert screen.row == screen.comparison.rows.index(row)  # its stretch's start
        await pilot.press("q")
    assert app.return_code == 0  # a known difference is not counted


@pytest.mark.asyncio
async def test_an_unexplained_difference_is_marked_and_quitting_says_so(
    differing_pair: tuple[Path, Path],
) -> None:
    app = create_compare_app(*differing_pair)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        verdict = text_of(app, "#compare-verdict")
        assert "different: 1 step differ" in verdict
        assert app.screen.query_one("#compare-verdict").has_class("-different")
        await pilot.press("d")
        assert text_of(app, "#compare-note") == "< only in A"
        assert detail_seq(app, "b") is None and detail_seq(app, "a") is not None
        await pilot.press("q")
    assert app.return_code == 1


@pytest.mark.asyncio
async def test_help_and_palette_list_the_difference_keys(engines_pair: tuple[Path, Path]) -> None:
    app = create_compare_app(*engines_pair)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = text_of(app, "#help-keys")
        assert "next difference" in keys and "previous difference" in keys
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"next difference")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.comparison.rows[screen.row].known == "tf-second-trace"


def test_a_file_that_is_not_a_trace_is_refused(
    tmp_path: Path, engines_pair: tuple[Path, Path]
) -> None:
    other = tmp_path / "notes.jsonl"
    other.write_text("hello\n", encoding="utf-8")
    with pytest.raises(TraceProblem, match="is not a buildtrace trace"):
        create_compare_app(engines_pair[0], other)


@pytest.mark.asyncio
async def test_a_script_under_two_engines_shows_its_runs_then_the_comparison(
    tmp_path: Path, wait_for: Callable[..., Awaitable[None]]
) -> None:
    """The runs are real processes (mini twice: no TensorFlow needed)."""
    script = tmp_path / "tiny.py"
    script.write_text(
        textwrap.dedent(
            """
            from tensorflow import keras
            model = keras.Sequential([keras.layers.Dense(3)])
            model.build(input_shape=(None, 4))
            """
        ),
        encoding="utf-8",
    )
    app = create_engines_app(script, ("mini", "mini"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        assert "running tiny.py under mini and mini" in text_of(app, "#recording-title")
        assert text_of(app, "#recording-0").startswith("mini: ")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen), timeout=60)
        await pilot.pause()
        assert "same teaching view" in text_of(app, "#compare-verdict")
        assert "A mini: tiny.py" in text_of(app, "#compare-titles")
        await pilot.press("q")
    assert app.return_code == 0


@pytest.mark.asyncio
async def test_a_failing_run_is_said_and_nothing_compared(
    tmp_path: Path, wait_for: Callable[..., Awaitable[None]]
) -> None:
    script = tmp_path / "broken.py"
    script.write_text("raise SystemExit('no model here')\n", encoding="utf-8")
    app = create_engines_app(script, ("mini", "mini"))
    async with app.run_test(size=(80, 24)) as pilot:
        # The hint changes once both runs are done; the first may fail well before the second.
        await wait_for(
            pilot, lambda: "fix the script" in text_of(app, "#recording-hint"), timeout=60
        )
        assert "failed" in text_of(app, "#recording-0")
        assert "failed" in text_of(app, "#recording-1")
        await pilot.press("q")
    assert app.return_code == 2
