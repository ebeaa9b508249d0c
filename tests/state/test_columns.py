"""Packed columns for long traces: what goes in comes out, at a few bytes an event.

Before, the viewer kept every event as a dict (a ``batch_end`` with its logs: about
1.5 KB) and the training fold a dict of logs per batch besides, so a 10^6-event trace
took 1.9 GB to load. These tests hold the store to a per-event budget and check that
nothing read back differs from what was appended.
"""

from __future__ import annotations

import math
import tracemalloc
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from buildtrace import keras
from buildtrace.keras import layers
from buildtrace.state.columns import BatchLogs, EventColumns
from buildtrace.state.model_state import model_state
from tui.event_store import EventStore


def batch_end(seq: int, epoch: int = 0, batch: int = 0, **logs: float) -> dict[str, Any]:
    return {"v": 1, "seq": seq, "t": seq * 0.001, "kind": "batch_end", "name": "fit",
            "depth": 1, "layer": "sequential", "epoch": epoch, "batch": batch,
            "logs": logs or {"loss": 1.0 / (seq + 1), "accuracy": 0.5}}  # fmt: skip


def other(seq: int, kind: str = "epoch_begin") -> dict[str, Any]:
    return {"v": 1, "seq": seq, "t": 0.0, "kind": kind, "name": "fit", "depth": 1,
            "layer": "sequential", "epoch": 0}  # fmt: skip


metric = st.floats(allow_nan=False) | st.sampled_from([math.inf, -math.inf])
logs = st.dictionaries(st.sampled_from(["loss", "accuracy", "val_loss"]), metric, max_size=3)


@st.composite
def events(draw: st.DrawFn) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for seq, choice in enumerate(draw(st.lists(st.integers(0, 5), max_size=60))):
        if choice == 0:
            out.append(other(seq))
        elif choice == 1:
            out.append({**batch_end(seq), "extra": 1})  # a field more: kept as it came
        elif choice == 2:
            out.append(batch_end(seq, layer_logs=1.0))
        else:
            event = batch_end(seq, epoch=draw(st.integers(0, 3)), batch=seq)
            event["logs"] = draw(logs) or {"loss": 0.5}
            out.append(event)
    return out


@settings(max_examples=150, deadline=None)
@given(events())
def test_every_event_reads_back_equal(appended: list[dict[str, Any]]) -> None:
    columns = EventColumns()
    for event in appended:
        columns.append(event)
    assert len(columns) == len(appended)
    assert list(columns) == appended
    assert [columns[i] for i in range(len(appended))] == appended
    assert columns[2:7] == appended[2:7] and columns[::-1] == appended[::-1]
    if appended:
        assert columns[-1] == appended[-1]
        assert [columns.kind(i) for i in range(len(appended))] == [e["kind"] for e in appended]


@settings(max_examples=150, deadline=None)
@given(st.lists(logs, max_size=80), st.integers(1, 10))
def test_batch_logs_read_back_and_average_like_a_list(
    appended: list[dict[str, float]], buckets: int
) -> None:
    packed = BatchLogs()
    for entry in appended:
        packed.append(entry)
    plain = [(step, entry) for step, entry in enumerate(appended)]
    assert list(packed) == plain and packed == plain and packed[1:4] == plain[1:4]
    for name in ("loss", "accuracy"):
        assert packed.values(name) == [e[name] for _, e in plain if name in e]
        assert _close(packed.points(name, buckets), _reference_points(plain, name, buckets))


def _reference_points(
    logs: list[tuple[int, dict[str, float]]], metric: str, buckets: int
) -> list[tuple[float, float]]:
    """What the training panel computed from a plain list of logs."""
    rows = [(step, log) for step, log in logs if metric in log]
    if len(rows) <= 2 * buckets:
        return [(float(step), float(log[metric])) for step, log in rows]
    size = len(rows) / buckets
    points = []
    for bucket in range(buckets):
        chunk = rows[int(bucket * size) : int((bucket + 1) * size)]
        if chunk:
            values = [log[metric] for _, log in chunk]
            points.append((float(chunk[-1][0]), sum(values) / len(values)))
    return points


def _close(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    return len(a) == len(b) and all(
        x[0] == y[0] and (x[1] == y[1] or math.isclose(x[1], y[1], rel_tol=1e-9) or x[1] != x[1])
        for x, y in zip(a, b, strict=True)
    )


def test_a_long_fit_costs_the_store_under_150_bytes_an_event() -> None:
    count = 50_000
    trace = [other(0, "train_begin")] + [
        batch_end(seq, batch=seq % 469, epoch=seq // 469) for seq in range(1, count)
    ]
    tracemalloc.start()
    try:
        store = EventStore()
        store.extend(trace)
        used, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert used / count < 150, f"{used / count:.0f} bytes an event"
    assert store.events[count // 2] == trace[count // 2]
    assert store.training.batch_logs[-1] == (count - 2, trace[-1]["logs"])


def test_shared_checkpoints_give_the_right_last_seq(events: list[dict[str, Any]]) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 4)).astype("float32"), rng.integers(0, 2, 64)
    model = keras.Sequential([layers.Dense(2, activation="softmax", input_shape=(4,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=4, batch_size=4, verbose=0)  # 64 batches: checkpoints shared
    recorded = [dict(event) for event in events]
    store = EventStore(checkpoint_every=8)
    store.extend(recorded)
    for index in range(len(recorded)):
        expected = model_state(recorded[: index + 1])
        got = store.model_at(index)
        assert got.last_seq == expected.last_seq
        assert list(got.layers) == list(expected.layers)
