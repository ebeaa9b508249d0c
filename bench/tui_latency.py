"""Benchmark: key-press-to-screen latency of the viewer, and what watching costs training.

Runs the seed example (5 epochs on MNIST, or on the built-in stand-in digits with
``BUILDTRACE_MNIST_STANDIN=1``, which this benchmark sets) twice:

1. alone: the child process (``python -m buildtrace.runner.child``) writes its trace and
   nobody watches;
2. watched: the viewer runs the same script in its child, headless (``App.run_test``),
   and while training runs at full speed this benchmark presses stepping keys (at least
   200) through the build, measuring each key's latency.

How latency is measured: the key event is sent to the app the way a terminal would (via
the driver, not through the test Pilot, whose idle waits would inflate it); the time
starts then and stops when the first screen update that follows the key's effect
(the cursor moved) has been composed and rendered to terminal bytes. The app under test
overrides ``App._display`` to render each update to a null terminal, since a headless app
skips that step. So a figure covers: key dispatch, the action, every panel's update, the
layout, the compositor and the terminal rendering: all a user waits for but the pty.

Training slowdown: the median epoch time (from the trace's own ``epoch_begin``/``epoch_end``
times) with the viewer watching (idle, then with keys pressed), over the median epoch
time of the same child alone. "The same child" runs as the viewer starts it, numpy's
BLAS on all cores but one (see ``tui.child_run.child_env``: a BLAS spinning on every
core stalls as soon as anything else runs). For context the benchmark also times the
script alone with the BLAS on every core, as ``buildtrace run`` would.

Usage:
    python bench/tui_latency.py [--presses 240] [--gap 0.02] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tempfile
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
from buildtrace.runner.child import child_argv  # noqa: E402
from buildtrace.trace import read_events  # noqa: E402
from tui.app import BuildTraceApp, create_app  # noqa: E402
from tui.child_run import NICE, child_env  # noqa: E402

SEED = ROOT / "samples" / "seed.py"

#: The keys pressed, in a loop: forward and back through the build.
KEYS = ("n", "n", "s", "o", "p", "u", "b", "w", "O", "f", "U", "p", "home", "b", "e", "left")


def epoch_seconds(trace: Path) -> list[float]:
    """Each epoch's duration, from the trace's event times."""
    begins: dict[int, float] = {}
    seconds: list[float] = []
    for event in read_events(trace):
        if event["kind"] == "epoch_begin":
            begins[event["epoch"]] = event["t"]
        elif event["kind"] == "epoch_end" and event["epoch"] in begins:
            seconds.append(event["t"] - begins[event["epoch"]])
    return seconds


def run_alone(folder: Path, *, every_core: bool = False) -> list[float]:
    """Train the seed example in a child nobody watches (as the viewer starts it)."""
    trace = folder / "alone.jsonl"
    argv = child_argv(SEED, [], trace, nice=0 if every_core else NICE)
    env = dict(os.environ) if every_core else child_env()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)  # fmt: skip
    return epoch_seconds(trace)


class TimedApp(BuildTraceApp):
    """The viewer, recording when the cursor moves and when the screen is rendered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.moved_at = 0.0
        self.shown_at = 0.0
        self._null = Console(file=io.StringIO(), force_terminal=True, width=120, height=36)

    def watch_cursor(self) -> None:
        self.moved_at = time.perf_counter()
        super().watch_cursor()

    def _display(self, screen: Screen[object], renderable: RenderableType | None) -> None:
        update = renderable
        if update is not None and hasattr(update, "render_segments"):
            update.render_segments(self._null)  # what a terminal driver would write
            self._null.file = io.StringIO()
        self.shown_at = time.perf_counter()
        super()._display(screen, renderable)


async def press_and_time(app: TimedApp, key: str, timeout: float = 5.0) -> float | None:
    """Seconds from sending ``key`` to the first screen update after its effect."""
    driver = app._driver
    assert driver is not None
    before = app.cursor
    app.moved_at = 0.0
    start = time.perf_counter()
    char = key if len(key) == 1 else None
    driver.send_message(events.Key(key, char))
    while time.perf_counter() - start < timeout:
        await asyncio.sleep(0.0005)
        moved = app.moved_at >= start
        if moved and app.shown_at >= app.moved_at:
            return app.shown_at - start
        if not moved and app.cursor == before and time.perf_counter() - start > 0.5:
            return None  # the key had nothing to do here (no screen change to wait for)
    return None


async def run_watched(presses: int, gap: float) -> tuple[list[float], list[float]]:
    """Train in the viewer's child; press keys if ``presses``: (latencies, epoch times)."""
    app = create_app(SEED, app_class=TimedApp)
    assert isinstance(app, TimedApp)
    latencies: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.store.training.started:
            await pilot.pause(0.05)
        sent = 0
        while len(latencies) < presses and not app.store.training.finished:
            key = KEYS[sent % len(KEYS)]
            sent += 1
            latency = await press_and_time(app, key)
            if latency is not None:
                latencies.append(latency)
            await asyncio.sleep(gap)
        while not app.finished:
            await pilot.pause(0.2)
        assert app.child is not None
        epochs = epoch_seconds(app.child.trace_path)  # before the viewer deletes it
    return latencies, epochs


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=240, help="key presses to time (≥ 200)")
    parser.add_argument("--gap", type=float, default=0.02, help="seconds between presses")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each kind, alternated")
    args = parser.parse_args()
    os.environ["BUILDTRACE_MNIST_STANDIN"] = "1"
    alone: list[float] = []
    every_core: list[float] = []
    idle: list[float] = []
    busy: list[float] = []
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="buildtrace-bench-") as tmp:
        for repeat in range(args.repeats):
            print(f"run {repeat + 1}/{args.repeats}: alone…", end=" ", flush=True)
            alone += run_alone(Path(tmp))
            every_core += run_alone(Path(tmp), every_core=True)
            print("watched…", end=" ", flush=True)
            idle += asyncio.run(run_watched(0, args.gap))[1]
            print("watched while keys are pressed…", flush=True)
            # Keys go on until enough are timed: as many training runs as that takes.
            for _ in range(5):
                timed, epochs = asyncio.run(run_watched(args.presses - len(latencies), args.gap))
                latencies += timed
                busy += epochs
                if len(latencies) >= args.presses:
                    break
    ms = [x * 1000 for x in latencies]
    print()
    print(f"key press → screen, {len(ms)} presses while the seed example trains:")
    print(f"  p50 {percentile(ms, 0.50):5.1f} ms   p95 {percentile(ms, 0.95):5.1f} ms"
          f"   max {max(ms):5.1f} ms   (target: p95 < 50 ms)")  # fmt: skip
    base = statistics.median(alone)
    print(f"epoch time, median of {len(alone)} epochs alone: {base:.2f} s")
    spread = f"{min(every_core):.2f}–{max(every_core):.2f}"
    print(f"  (alone, BLAS on every core: median {statistics.median(every_core):.2f} s,"
          f" epochs {spread} s)")  # fmt: skip
    for name, epochs in (("viewer watching", idle), ("viewer watching, keys pressed", busy)):
        median = statistics.median(epochs)
        print(f"  {name:30s} {median:5.2f} s  ratio {median / base:.3f}"
              f"  ({100 * (median / base - 1):+.1f}%; target < +5%)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
