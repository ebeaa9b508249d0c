"""Training figures always say which data they come from: MNIST, or the stand-in digits.

Before, a run on the stand-in digits showed accuracy 0.9999 with nothing on screen
saying the data was not MNIST (the one line saying so was in the hidden output panel).
"""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console

from tui.app import BuildTraceApp, create_app
from tui.data_label import MNIST, STANDIN, label_in_output, label_of_event
from tui.widgets import StatusBar, TrainingPanel

#: The ``wait_for`` fixture (see conftest.py).
WaitFor = Callable[..., Awaitable[None]]

SIZE = (120, 36)

ON_STANDIN_DIGITS = """
    from tensorflow import keras
    from tensorflow.keras import layers

    (x, y), _ = keras.datasets.mnist.load_data()
    x = x[:64].reshape((64, 784)).astype("float32") / 255
    model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(10)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y[:64], epochs=1, batch_size=32, verbose=0)
"""

LOAD = "keras.datasets.mnist.load_data"


def text_of(app: BuildTraceApp, widget: type[StatusBar] | type[TrainingPanel]) -> str:
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(app.query_one(widget).content)
    return console.export_text()


def with_load_event(trace: Path, fields: dict[str, object]) -> Path:
    """``trace`` with a ``load_data`` call and return before training, renumbered."""
    events = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    at = next(i for i, e in enumerate(events) if e["kind"] == "compile")
    base = {"v": 1, "t": events[at]["t"], "name": LOAD, "depth": 0, "layer": None}
    events[at:at] = [{**base, "kind": "call"}, {**base, "kind": "return", **fields}]
    out = trace.with_name(f"{trace.stem}-{len(fields)}-named.jsonl")
    with out.open("w", encoding="utf-8") as stream:
        for seq, event in enumerate(events):
            stream.write(json.dumps({**event, "seq": seq}) + "\n")
    return out


def test_the_name_is_read_from_a_field_of_the_load_event() -> None:
    # The fields load_data's return event carries (buildtrace.keras.datasets.standin).
    standin = {"dataset": "standin", "dataset_label": "stand-in digits (not MNIST)"}
    assert label_of_event({"kind": "return", "name": LOAD, **standin}) == STANDIN
    mnist = {"dataset": "mnist", "dataset_label": "MNIST"}
    assert label_of_event({"kind": "return", "name": LOAD, **mnist}) == MNIST
    assert label_of_event({"kind": "return", "name": LOAD, "dataset": "standin"}) == STANDIN
    assert label_of_event({"kind": "return", "name": LOAD, "dataset": "mnist"}) == MNIST
    # Older or other shapes of the same news.
    assert label_of_event({"kind": "return", "name": LOAD, "source": "standin"}) == STANDIN
    assert label_of_event({"kind": "return", "name": LOAD, "standin": True}) == STANDIN
    assert label_of_event({"kind": "return", "name": LOAD, "source": "keras-cache"}) == MNIST
    assert label_of_event({"kind": "return", "name": LOAD, "standin": False}) == MNIST
    named = {"kind": "call", "name": LOAD, "dataset": "stand-in digits"}
    assert label_of_event(named) == "stand-in digits (not MNIST)"
    assert label_of_event({"kind": "call", "name": "x", "dataset": {"name": "MNIST"}}) == MNIST
    # A load event that does not say where its data came from claims nothing.
    assert label_of_event({"kind": "call", "name": LOAD}) is None
    assert label_of_event({"kind": "batch_end", "name": "fit", "dataset": "MNIST"}) is None
    assert label_of_event({"kind": "return", "name": "fit", "source": "standin"}) is None


def test_the_name_is_read_from_the_loaders_own_line() -> None:
    line = (
        "buildtrace: MNIST is not available offline (no network); using buildtrace's "
        "built-in stand-in digits (procedurally drawn, NOT MNIST).\n"
    )
    assert label_in_output(line) == STANDIN
    assert label_in_output("Downloading data from https://x/mnist.npz 11490434 bytes") == MNIST
    assert label_in_output("Epoch 1/5") is None


@pytest.mark.asyncio
async def test_a_trace_that_names_its_data_shows_it_in_the_header_and_training(
    fit_trace: Path, wait_for: WaitFor
) -> None:
    fields = {"dataset": "standin", "dataset_label": STANDIN}
    app = create_app(with_load_event(fit_trace, fields), follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("end")
        await pilot.pause()
        assert f"data: {STANDIN}" in text_of(app, StatusBar)
        assert f"data: {STANDIN}" in text_of(app, TrainingPanel)
        await pilot.resize_terminal(80, 24)  # a small screen: still in the header
        await pilot.pause()
        assert f"data: {STANDIN}" in text_of(app, StatusBar)


@pytest.mark.asyncio
async def test_a_trace_that_does_not_name_its_data_says_so(
    fit_trace: Path, wait_for: WaitFor
) -> None:
    app = create_app(fit_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("end")
        await pilot.pause()
        assert "data: unnamed" in text_of(app, StatusBar)
        assert "data: unnamed" in text_of(app, TrainingPanel)
        assert "MNIST" not in text_of(app, StatusBar)


@pytest.mark.asyncio
async def test_a_live_run_on_the_stand_in_digits_says_so_on_screen(
    write_script: Callable[..., Path], wait_for: WaitFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUILDTRACE_MNIST_STANDIN", "1")  # the child inherits it
    app = create_app(write_script(ON_STANDIN_DIGITS))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.finished, timeout=90)
        await pilot.press("end")
        await pilot.pause(0.6)  # the status redraws on the tick
        assert app.exit_code == 0
        assert f"data: {STANDIN}" in text_of(app, StatusBar)
        await pilot.press("6")  # the training tab
        await pilot.pause(0.6)
        assert f"data: {STANDIN}" in text_of(app, TrainingPanel)


@pytest.mark.asyncio
async def test_the_training_tab_names_the_data_wherever_the_cursor_is(
    fit_trace: Path, wait_for: WaitFor
) -> None:
    # At 80x24 the training panel waits behind its tab. Opened with the cursor still on
    # the first event (before training began), it must still say whose data it is.
    fields = {"dataset": "standin", "dataset_label": STANDIN}
    app = create_app(with_load_event(fit_trace, fields), follow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.pause(0.6)
        await pilot.press("6")  # the training tab
        await pilot.pause(0.6)
        assert f"data: {STANDIN}" in text_of(app, TrainingPanel)
