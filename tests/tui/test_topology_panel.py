"""Pilot tests: the topology panel shows the functional_branches sample's merge at the end
of its build, in the normal layout and in presenter mode, and lists it when too short."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tui.app import BuildTraceApp, create_app
from tui.widgets import TopologyPanel

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "functional_branches.py"

#: The ``make_trace`` and ``wait_for`` fixtures (see conftest.py).
MakeTrace = Callable[..., Path]
WaitFor = Callable[..., Awaitable[None]]


@pytest.fixture
def branches_trace(make_trace: MakeTrace) -> Path:
    return make_trace(SAMPLE.read_text(encoding="utf-8"), "functional_branches")


def shown(app: BuildTraceApp) -> tuple[str, list[str]]:
    """What the topology panel draws: its form and its lines as plain text."""
    drawing = app.query_one(TopologyPanel).drawing
    assert drawing is not None
    return drawing.form, [line.plain.rstrip() for line in drawing.lines()]


@pytest.mark.asyncio
async def test_the_panel_shows_the_merge_at_the_end_of_the_build(
    branches_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(branches_trace, follow=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("end")
        await pilot.pause()
        panel = app.query_one(TopologyPanel)
        assert [len(level) for level in panel._groups] == [1, 2, 1, 1, 1]
        form, lines = shown(app)
        assert form == "graph" and len(lines) <= panel.content_region.height
        merge = next(line for line in lines if "┬" in line)
        assert merge.strip().replace("─", "") == "└┬┘"
        assert "merge ✓" in lines[lines.index(merge) + 1]
        assert any("│" in line and "deep_2 ✓" in line for line in lines)  # wide goes by

        await pilot.press("f5")  # presenter mode: the same graph, wider, with shapes
        await wait_for(pilot, lambda: panel.content_region.width > 40)
        form, lines = shown(app)
        assert form == "graph"
        assert any("└" in line and "┬" in line and "┘" in line for line in lines)
        assert any("merge ✓ (None,128)" in line for line in lines)


@pytest.mark.asyncio
async def test_a_panel_too_short_for_the_graph_lists_the_layers(
    branches_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(branches_trace, follow=False)
    async with app.run_test(size=(110, 34)) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("end")
        await pilot.pause()
        form, lines = shown(app)
        assert form == "listing"
        assert " merge ✓ ← wide, deep_2" in lines
