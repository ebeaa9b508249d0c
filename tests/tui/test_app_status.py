"""What the viewer says: the trace's own numbering, the build's count apart from
training's, and one clear line when a key has nothing to do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from buildtrace.trace.events import TRAINING_KINDS
from tui.app import BuildTraceApp, create_app
from tui.labels import Palette, counted, training_text
from tui.widgets import StatusBar

#: The ``wait_for`` fixture (see conftest.py).
WaitFor = Callable[..., Awaitable[None]]

SIZE = (120, 36)

QUICK_FIT = """
    import numpy as np
    from tensorflow import keras
    from tensorflow.keras import layers

    model = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((8, 3), dtype="float32")
    model.fit(x, np.zeros((8, 2), dtype="float32"), epochs=1, batch_size=8, verbose=0)
"""


def status_line(app: BuildTraceApp) -> str:
    return str(app.query_one(StatusBar).content)


def messages(app: BuildTraceApp) -> list[str]:
    return [notification.message for notification in app._notifications]


@pytest.mark.asyncio
async def test_the_status_bar_numbers_events_by_their_seq(
    fit_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(fit_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("b")  # Sequential.build
        seq = app.store.events[app.cursor]["seq"]
        line = status_line(app)
        assert f"seq {seq} · call Sequential.build" in line  # as lessons and --at say it
        assert "event " not in line
        training = sum(1 for e in app.store.events if e["kind"] in TRAINING_KINDS)
        build = len(app.store) - training
        assert training > 0 and build > 0
        assert f"build {build:,} · training {training:,} events" in line


@pytest.mark.asyncio
async def test_seq_24_in_the_search_goes_to_the_event_numbered_24(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("slash", *"seq 24", "enter")
        assert app.cursor == 24 and app.store.events[app.cursor]["seq"] == 24
        assert "seq 24 ·" in status_line(app)
        await pilot.press(*["backspace"] * 6, *"#7", "enter")
        assert app.cursor == 7
        last = app.store.events[-1]["seq"]
        await pilot.press(*["backspace"] * 2, *f"seq {last + 5}", "enter")
        assert app.cursor == 7
        assert messages(app)[-1] == f"no event with seq {last + 5}: the trace goes up to seq {last}"


@pytest.mark.asyncio
async def test_presenter_mode_shows_the_seq_of_the_event(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False, presenting=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("b")
        seq = app.store.events[app.cursor]["seq"]
        assert app.lesson_view().big_number == str(seq)


@pytest.mark.asyncio
async def test_stepping_out_at_the_top_level_says_so(seed_trace: Path, wait_for: WaitFor) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        assert app.cursor == 0 and app.store.events[0]["depth"] == 0
        await pilot.press("u")
        assert app.cursor == 0
        assert messages(app)[-1].startswith("already at the top level")
        await pilot.press("U")
        assert messages(app)[-1].startswith("already at the top level")
        await pilot.press("p")
        assert messages(app)[-1] == "this is the first event"
        await pilot.press("W")
        assert messages(app)[-1] == "no add_weight before this event"
        assert not any(" there" in message for message in messages(app))


@pytest.mark.asyncio
async def test_t_on_a_finished_run_says_the_run_has_finished(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    app = create_app(write_script(QUICK_FIT))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished, timeout=60)
        await pilot.press("t")
        said = messages(app)[-1]
        assert "the script has finished" in said and "recorded" not in said


@pytest.mark.asyncio
async def test_t_on_a_recorded_trace_says_it_is_recorded(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(seed_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("t")
        assert "recorded trace" in messages(app)[-1]


def test_counts_say_one_in_the_singular() -> None:
    assert counted(1, "step") == "1 step"
    assert counted(2, "step") == "2 steps"
    assert counted(1, "batch", "es") == "1 batch"
    assert counted(1_024, "batch", "es") == "1,024 batches"
    assert counted(None, "epoch") == "? epochs"
    line = training_text({"kind": "train_begin", "epochs": 1, "steps": 1}, Palette()).plain
    assert line == "train begins · 1 epoch × 1 batch"
