"""Benchmark: key-press-to-screen latency of the viewer's compare mode, at 80x24.

Opens compare mode on the seed example recorded under mini and under tf-keras
(``tests/data/compare``), headless (``App.run_test``), and presses the stepping keys
(next, back, into, over, out, up, next and previous difference...) in a loop, timing
each the way ``bench/tui_latency.py`` does: the key is sent through the driver as a
terminal would send it, the time starts then and stops when the first screen update
after the cursor moved has been composed and rendered to terminal bytes (the app under
test renders each update to a null terminal, which a headless app skips). A figure
covers key dispatch, the action, both panes, the note, both details, the verdict line,
the layout, the compositor and the terminal rendering.

Usage:
    python bench/compare_latency.py [--presses 240] [--size 80x24]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# isort: off
import tui  # noqa: E402, F401  (first: it sets Textual's frame rate, as the command does)
from textual import events  # noqa: E402
from textual.screen import Screen  # noqa: E402

# isort: on
from tui.compare.app import CompareApp, create_compare_app  # noqa: E402
from tui.screens.compare_screen import CompareScreen  # noqa: E402

DATA = ROOT / "tests" / "data" / "compare"

#: The keys pressed, in a loop: forward and back through both traces.
KEYS = ("n", "n", "s", "o", "p", "u", "d", "U", "O", "D", "S", "home", "s", "s", "end", "left")


class TimedCompareApp(CompareApp):
    """Compare mode, recording when the screen is rendered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown_at = 0.0
        self._null = Console(file=io.StringIO(), force_terminal=True, width=80, height=24)

    def _display(self, screen: Screen[object], renderable: RenderableType | None) -> None:
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(self._null)  # what a terminal driver would write
            self._null.file = io.StringIO()
        self.shown_at = time.perf_counter()
        super()._display(screen, renderable)


async def press_and_time(app: TimedCompareApp, key: str, timeout: float = 5.0) -> float | None:
    """Seconds from sending ``key`` to the first screen update after the cursor moved."""
    screen = app.screen
    assert isinstance(screen, CompareScreen) and app._driver is not None
    before = screen.row
    start = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    moved_at = 0.0
    while time.perf_counter() - start < timeout:
        await asyncio.sleep(0.0005)
        if not moved_at and screen.row != before:
            moved_at = time.perf_counter()
        if moved_at and app.shown_at >= moved_at:
            return app.shown_at - start
        if not moved_at and time.perf_counter() - start > 0.3:
            return None  # nowhere to go from here (a notice, no cursor move)
    return None


async def run(presses: int, size: tuple[int, int]) -> list[float]:
    comparison_app = create_compare_app(DATA / "seed_mini.jsonl", DATA / "seed_tf_keras.jsonl")
    app = TimedCompareApp(comparison_app.titles, comparison=comparison_app.comparison)
    latencies: list[float] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.2)
        sent = 0
        while len(latencies) < presses:
            latency = await press_and_time(app, KEYS[sent % len(KEYS)])
            sent += 1
            if latency is not None:
                latencies.append(latency)
            await asyncio.sleep(0.02)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=240, help="key presses to time")
    parser.add_argument("--size", default="80x24", help="terminal size, COLUMNSxROWS")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.split("x"))
    ms = [x * 1000 for x in asyncio.run(run(args.presses, (columns, rows)))]
    ordered = sorted(ms)
    p95 = ordered[min(int(0.95 * len(ordered)), len(ordered) - 1)]
    print(f"compare mode at {columns}x{rows}, key press → screen, {len(ms)} presses:")
    print(f"  median {statistics.median(ms):5.1f} ms   p95 {p95:5.1f} ms   max {max(ms):5.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
