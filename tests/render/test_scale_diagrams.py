"""``diagram`` on a long fit's trace keeps what it draws, not the file.

A trace of a long fit is its build followed by a mountain of ``batch_end`` events. Every
kind of diagram draws the build (and the model's state), so its memory must not grow
with the training events: the trace is read as it is drawn, and a drawing pass leaves
the batches' lines unparsed. The pictures are exactly those of the build alone. (Before,
every kind listed the whole trace: 1.4 GB for 10^6 events.)
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from buildtrace.cli import main as cli_main
from buildtrace.render.diagrams import build_dot, model_graph, topology_dot
from buildtrace.trace import Event, TraceFile
from buildtrace.trace.recorder import dumps

#: Enough training events that listing them takes far more memory than the build.
BATCHES = 40_000


def _write(events: list[Event], path: Path, batches: int = 0) -> Path:
    seq, t = len(events), float(events[-1]["t"])
    with path.open("w", encoding="utf-8") as stream:
        for event in events:
            stream.write(dumps(event) + "\n")
        for batch in range(batches):
            logs = {"loss": 2.3 / (1 + batch), "accuracy": batch / (batch + 1)}
            line = {"v": 1, "seq": seq, "t": t + batch * 1e-3, "kind": "batch_end",
                    "name": "fit", "depth": 0, "layer": "sequential", "epoch": batch // 469,
                    "batch": batch % 469, "logs": logs}  # fmt: skip
            stream.write(json.dumps(line, separators=(",", ":")) + "\n")
            seq += 1
    return path


@pytest.fixture
def traces(sample: Callable[[str], list[Event]], tmp_path: Path) -> tuple[Path, Path]:
    """The seed's build alone, and the same build followed by a long fit (same file name)."""
    events = sample("seed")
    (tmp_path / "short").mkdir()
    (tmp_path / "long").mkdir()
    short = _write(events, tmp_path / "short" / "seed.jsonl")
    long = _write(events, tmp_path / "long" / "seed.jsonl", BATCHES)
    return short, long


def _peak(run: Callable[[], object]) -> float:
    """Peak memory in MB Python allocated while ``run()`` ran."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("kind", "suffix"), [("build", "dot"), ("topology", "dot"), ("frames", "html")]
)
def test_every_kind_draws_a_long_trace_in_the_memory_of_its_build(
    kind: str, suffix: str, traces: tuple[Path, Path], dot_binary: str
) -> None:
    short, long = traces
    drawn = {}
    for trace in (short, long):
        out = trace.parent / f"out.{suffix}"
        argv = ["diagram", str(trace), "--kind", kind, "-o", str(out)]
        peak = _peak(lambda argv=argv: cli_main(argv))
        drawn[trace] = (out.read_text(encoding="utf-8"), peak)
    assert drawn[long][0] == drawn[short][0]  # the same picture, byte for byte
    # Listing the 40,000 batches alone takes some 30 MB; drawing takes what the build does.
    assert drawn[long][1] < drawn[short][1] + 6, (kind, drawn[short][1], drawn[long][1])


def test_the_python_api_streams_a_trace_file_and_draws_as_from_a_list(
    traces: tuple[Path, Path], sample: Callable[[str], list[Event]]
) -> None:
    _, long = traces
    events = sample("seed")
    trace = TraceFile(long)
    assert sum(1 for _ in trace) == len(events) + BATCHES  # read once: where it stops is known
    assert build_dot(trace) == build_dot(events)
    assert topology_dot(trace, at=64) == topology_dot(events, at=64)
    assert model_graph(long) == model_graph(events)  # a path streams too
    assert _peak(lambda: build_dot(trace)) < _peak(lambda: build_dot(events)) + 6


def test_a_trace_stopped_by_a_bad_line_draws_what_came_before(
    traces: tuple[Path, Path], sample: Callable[[str], list[Event]]
) -> None:
    """Batch lines are skipped unread, but not past the line where the trace stops."""
    _, long = traces
    lines = long.read_text(encoding="utf-8").splitlines(keepends=True)
    events = sample("seed")
    cut = 60  # within the build: what follows it (build events included) is not drawn
    broken = long.with_name("broken.jsonl")
    broken.write_text("".join(lines[:cut]) + "{not json\n" + "".join(lines[cut:]), "utf-8")
    trace = TraceFile(broken)
    assert sum(1 for _ in trace) == cut and trace.error is not None
    assert build_dot(trace) == build_dot(events[:cut])
    assert topology_dot(trace) == topology_dot(events[:cut])
