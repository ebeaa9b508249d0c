"""How long drawing a 100-layer model takes: our code (events → DOT) apart from ``dot``'s.

The budget (the diagrams issue): under a second of our own time beyond ``dot``'s for
the topology of a 100-layer model. Timed separately, medians of several runs:

* ``fold``: the events folded into the model state (``ModelState``) at the last step;
* ``topology``: the fold, then the graph and its DOT text (everything of ours);
* ``live``: the same DOT from the live model object (``graph_from_model``);
* ``build``: the build-trace diagram's DOT, stage by stage;
* ``dot``: Graphviz laying out and drawing the topology as SVG (not ours; for scale).

Run: ``.venv/bin/python bench/diagram_speed.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any

from buildtrace import keras
from buildtrace.render.build_diagram import build_source
from buildtrace.render.graph import graph_from_state
from buildtrace.render.model_graph import graph_from_model
from buildtrace.render.output import render
from buildtrace.render.topology import topology_source
from buildtrace.state.model_state import model_state
from buildtrace.trace import BUS, Event

LAYERS = 100
RUNS = 7
BUDGET_SECONDS = 1.0


def record_deep_model(layers: int = LAYERS) -> tuple[list[Event], Any]:
    """Build a Sequential of ``layers`` Dense layers, recording its events."""
    keras.backend.clear_session()
    events: list[Event] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        model = keras.Sequential([keras.layers.Dense(32, activation="relu") for _ in range(layers)])
        model.build((None, 64))
    finally:
        unsubscribe()
    return events, model


def median_seconds(work: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    events, model = record_deep_model()
    print(f"{LAYERS}-layer Sequential: {len(events):,} events; medians of {RUNS} runs")
    timings = {
        "fold": median_seconds(lambda: model_state(events)),
        "topology": median_seconds(lambda: topology_source(graph_from_state(model_state(events)))),
        "live": median_seconds(lambda: topology_source(graph_from_model(model))),
        "build": median_seconds(lambda: build_source(events)),
    }
    source = topology_source(graph_from_state(model_state(events)))
    if shutil.which("dot"):
        timings["dot"] = median_seconds(lambda: render(source, "svg"), runs=3)
    for name, seconds in timings.items():
        print(f"  {name:<9} {seconds * 1000:8.1f} ms")
    ours = timings["topology"]
    verdict = "within" if ours < BUDGET_SECONDS else "OVER"
    print(
        f"our time for the topology: {ours:.3f} s, {verdict} the {BUDGET_SECONDS:.0f} s budget"
        f" ({ours / BUDGET_SECONDS:.1%} of it)"
    )
    if "dot" in timings:
        print(f"dot / ours: {timings['dot'] / ours:.1f}x")


if __name__ == "__main__":
    main()
