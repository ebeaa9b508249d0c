"""The model panel's flags: each model shows the flags it really has."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable

import pytest
from rich.console import Console

from tui.app import create_app
from tui.widgets import ModelPanel

#: The ``wait_for`` fixture (see conftest.py).
WaitFor = Callable[..., Awaitable[None]]

TWO_MODELS = """
    from tensorflow import keras

    inputs = keras.Input(shape=(4,))
    keras.Model(inputs, keras.layers.Dense(2)(inputs), name="functional_one")
    keras.Sequential([keras.layers.Dense(3)], name="sequential_one").build((None, 4))
"""


@pytest.mark.asyncio
async def test_only_a_sequential_shows_graph_initialized(
    make_trace: Callable[..., object], wait_for: WaitFor
) -> None:
    app = create_app(make_trace(TWO_MODELS, "two_models"), follow=False)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.finished)
        await pilot.press("end")
        console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
        console.print(app.query_one(ModelPanel).content)
        lines = console.export_text().splitlines()
        functional = next(line for line in lines if line.startswith("functional_one"))
        sequential = next(line for line in lines if line.startswith("sequential_one"))
        # Keras keeps `_graph_initialized` on Sequential only: a functional model has none.
        assert "built ✓" in functional and "_graph_initialized" not in functional
        assert "_graph_initialized ✓" in sequential
