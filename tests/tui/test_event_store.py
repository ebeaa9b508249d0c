"""The event store: the call tree, epochs as groups, indexes, and exact past states."""

from __future__ import annotations

import random
from pathlib import Path

from buildtrace.state.model_state import model_state
from buildtrace.trace import read_events
from tui.event_store import BUILD, ERROR, FLAG_CHANGE, EventStore


def load(path: Path) -> EventStore:
    store = EventStore()
    store.extend(read_events(path))
    return store


def test_calls_nest_and_pair_with_their_returns(seed_trace: Path) -> None:
    store = load(seed_trace)
    build = next(i for i, e in enumerate(store.events) if e["name"].endswith("Sequential.build"))
    end = store.end[build]
    assert store.events[end]["kind"] == "return"
    assert store.events[end]["name"] == store.events[build]["name"]
    assert store.parent[end] == build  # a return is the last line of its call
    assert store.closes(end)
    inside = range(build + 1, end)
    assert all(store.level[i] > store.level[build] for i in inside)
    assert store.enclosing(end) == store.parent[build]


def test_epochs_hold_their_batches(fit_trace: Path) -> None:
    store = load(fit_trace)
    epochs = [i for i, e in enumerate(store.events) if e["kind"] == "epoch_begin"]
    assert len(epochs) == 3
    for epoch in epochs:
        end = store.end[epoch]
        assert store.events[end]["kind"] == "epoch_end"
        batches = [i for i in range(epoch, end) if store.events[i]["kind"] == "batch_end"]
        assert batches and all(store.parent[i] == epoch for i in batches)
    # The first traced train_step runs inside the first epoch.
    step = next(i for i, e in enumerate(store.events) if e["name"].endswith("train_step"))
    assert store.parent[step] == epochs[0]


def test_indexes_find_builds_flag_changes_and_errors(seed_trace: Path) -> None:
    store = load(seed_trace)
    builds = [store.events[i] for i in store.indices([BUILD], 0)]
    assert [(e["name"].rsplit(".", 2)[-2], e["layer"]) for e in builds] == [
        ("Sequential", "sequential"),
        ("Dense", "dense"),
        ("Dense", "dense_1"),
    ]
    changes = [store.events[i] for i in store.indices([FLAG_CHANGE], 0)]
    assert all(e["old"] != e["value"] for e in changes)
    assert ("sequential", "_graph_initialized", True) in [
        (e["layer"], e["attr"], e["value"]) for e in changes
    ]
    assert store.count(ERROR) == 0
    weights = list(store.indices(["add_weight"], 0))
    assert list(store.indices_before(["add_weight"], store.last)) == weights[::-1]


def test_model_at_is_the_fold_of_the_prefix_in_any_order(fit_trace: Path) -> None:
    events = read_events(fit_trace)
    store = EventStore(checkpoint_every=32)
    store.extend(events)
    assert len(store) > 4 * store.checkpoint_every  # the checkpoints are exercised
    order = list(range(len(events)))
    random.Random(0).shuffle(order)
    for index in [*order[:60], 0, len(events) - 1, 130, 129, 131]:
        expected = model_state(events[: index + 1])
        got = store.model_at(index)
        assert got.layers == expected.layers, index
        assert got.models == expected.models, index
        assert [f["seq"] for f in got.stack.frames] == [f["seq"] for f in expected.stack.frames]


def test_stepping_forward_reuses_the_cached_state(seed_trace: Path) -> None:
    store = load(seed_trace)
    first = store.model_at(10)
    assert store.model_at(11) is first  # folded one more event, no copy
    assert store.model_at(5) is not first  # backwards: from a checkpoint


def test_a_cut_short_trace_leaves_calls_open(seed_trace: Path) -> None:
    events = read_events(seed_trace)[:50]
    store = EventStore()
    store.extend(events)
    build = next(i for i, e in enumerate(events) if e["name"].endswith("Sequential.build"))
    assert build not in store.end
    assert store.subtree_end(build) == store.last


def test_source_of_follows_returns_to_their_calls(seed_trace: Path) -> None:
    store = load(seed_trace)
    build = next(i for i, e in enumerate(store.events) if e["name"].endswith("Dense.build"))
    assert store.source_of(store.end[build]) == store.events[build]["src"]
    weight = next(store.indices(["add_weight"], 0))
    assert store.source_of(weight) == store.events[store.parent[weight]]["src"]
