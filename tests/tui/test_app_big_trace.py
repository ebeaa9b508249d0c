"""A 100,000-event trace loads in slices and steps quickly: nothing scales with its size."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tui.app import create_app
from tui.widgets import TimelineView

#: The ``wait_for`` fixture (see conftest.py).
WaitFor = Callable[..., Awaitable[None]]

#: Generous budgets (a loaded CI machine must not flake); typical figures are ~10x lower.
LOAD_BUDGET = 60.0
KEY_BUDGET = 2.5


@pytest.mark.asyncio
async def test_a_100k_event_trace_loads_and_steps(big_trace: Path, wait_for: WaitFor) -> None:
    app = create_app(big_trace, follow=False)
    start = time.monotonic()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.finished, timeout=LOAD_BUDGET)
        assert len(app.store) == 100_000
        assert time.monotonic() - start < LOAD_BUDGET
        timeline = app.query_one(TimelineView)
        assert len(timeline.rows) < 3_000  # batches sit folded inside their epochs
        for keys in (["end"], ["home"], ["b"] * 5, ["o"], ["u"], ["e"], ["end", "U"], ["p"] * 5,
                     ["w"], ["W"], ["enter"], ["n"] * 5, ["home", "f"], ["end", "S"]):  # fmt: skip
            pressed = time.monotonic()
            await pilot.press(*keys)
            await pilot.pause()
            assert (time.monotonic() - pressed) / len(keys) < KEY_BUDGET, keys
        # Unfolding an epoch of ~10,000 batches is one splice, then steps stay quick.
        epoch = next(i for i in timeline.rows if app.store.events[i]["kind"] == "epoch_begin")
        app.cursor = epoch
        await pilot.press("enter")
        assert len(timeline.rows) > 9_000
        pressed = time.monotonic()
        await pilot.press("n", "n", "o", "end", "home")
        await pilot.pause()
        assert time.monotonic() - pressed < 5 * KEY_BUDGET
