"""What tracing costs a build: ratios against the same build with no instrumentation.

Four runs of the same builds in one process:

* ``bare``: every traced function swapped back for its undecorated original;
* ``idle``: instrumented, nobody listening (the normal case outside buildtrace's tools);
* ``collect``: a subscriber appending events to a list (what the TUI does);
* ``jsonl``: a JSON Lines recorder writing to a file, flushed per event.

Run: ``make bench`` or ``.venv/bin/python bench/instrumentation.py``.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import buildtrace.keras
from buildtrace import keras
from buildtrace.trace import BUS, record


@contextmanager
def uninstrumented() -> Iterator[int]:
    """Temporarily replace every traced function of the engine by its original."""
    swapped: list[tuple[Any, str, Any]] = []
    for info in pkgutil.walk_packages(buildtrace.keras.__path__, "buildtrace.keras."):
        module = importlib.import_module(info.name)
        owners = [module, *(v for v in vars(module).values() if isinstance(v, type))]
        for owner in owners:
            for attr, value in list(vars(owner).items()):
                original = getattr(value, "__wrapped__", None)
                if original is not None and hasattr(value, "__buildtrace_name__"):
                    if getattr(value, "_is_default", False):
                        original._is_default = True
                    swapped.append((owner, attr, value))
                    setattr(owner, attr, original)
    try:
        yield len(swapped)
    finally:
        for owner, attr, value in swapped:
            setattr(owner, attr, value)


def seed_build() -> None:
    keras.backend.clear_session()
    model = keras.Sequential(
        [keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    )
    model.build(input_shape=(None, 784))


def deep_build() -> None:
    keras.backend.clear_session()
    model = keras.Sequential([keras.layers.Dense(32, activation="relu") for _ in range(20)])
    model.build(input_shape=(None, 32))


def _timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(build: Callable[[], None], repeats: int) -> dict[str, float]:
    """Median time of each mode; modes take turns so machine noise hits them alike."""
    samples: dict[str, list[float]] = {"bare": [], "idle": [], "collect": [], "jsonl": []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeats):
            with uninstrumented():
                samples["bare"].append(_timed(build))
            samples["idle"].append(_timed(build))
            events: list[Any] = []
            unsubscribe = BUS.subscribe(events.append)
            samples["collect"].append(_timed(build))
            unsubscribe()
            with record(os.path.join(folder, "t.jsonl")):
                samples["jsonl"].append(_timed(build))
    return {mode: statistics.median(times) for mode, times in samples.items()}


def main() -> None:
    with uninstrumented() as count:
        print(f"traced functions swapped out for the bare run: {count}")
    for name, build, repeats in (
        ("seed build", seed_build, 40),
        ("20-layer build", deep_build, 40),
    ):
        times = measure(build, repeats)
        bare = times["bare"]
        cells = "  ".join(f"{k} {v * 1e3:7.2f} ms ({v / bare:4.2f}x)" for k, v in times.items())
        print(f"{name:15s} {cells}")


if __name__ == "__main__":
    main()
