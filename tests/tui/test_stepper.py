"""Stepping motions on the seed build: where each key lands, and when it must wait."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildtrace.trace import Event, read_events
from tui.breakpoints import Breakpoints
from tui.event_store import EventStore
from tui.stepper import Stepper, Wait


def index_of(events: list[Event], name: str, layer: str | None = None, kind: str = "call") -> int:
    return next(
        i
        for i, e in enumerate(events)
        if e["kind"] == kind and e["name"].endswith(name) and (layer is None or e["layer"] == layer)
    )


@pytest.fixture
def stepper(seed_trace: Path) -> Stepper:
    store = EventStore()
    store.extend(read_events(seed_trace))
    stepper = Stepper(store)
    stepper.live = False
    return stepper


def test_next_and_prev_walk_every_event(stepper: Stepper) -> None:
    assert stepper.step(0, "next") == 1
    assert stepper.step(1, "prev") == 0
    assert stepper.step(0, "prev") is None
    last = stepper.store.last
    assert stepper.step(last, "next") is None
    assert stepper.step(5, "home") == 0
    assert stepper.step(5, "end") == last


def test_over_skips_a_whole_call_and_out_ends_the_enclosing_one(stepper: Stepper) -> None:
    events = stepper.store.events
    call = index_of(events, "Layer.__call__", "dense")
    end = stepper.store.end[call]
    assert stepper.step(call, "over") == end + 1  # the next thing the caller does
    weight = index_of(events, "add_weight", "dense", kind="add_weight")
    add_weight_call = stepper.store.parent[weight]
    assert stepper.step(weight, "out") == stepper.store.end[add_weight_call]
    # From that return, out goes on to the end of Dense.build, around it.
    dense_build = stepper.store.parent[add_weight_call]
    assert stepper.step(stepper.store.end[add_weight_call], "out") == stepper.store.end[dense_build]


def test_into_goes_to_the_next_call_and_up_to_the_enclosing_one(stepper: Stepper) -> None:
    events = stepper.store.events
    maybe_build = index_of(events, "Layer._maybe_build", "dense")
    assert stepper.step(maybe_build, "into") == maybe_build + 1
    weight = index_of(events, "add_weight", "dense", kind="add_weight")
    assert stepper.step(weight, "up") == stepper.store.parent[weight]
    assert stepper.step(weight, "back_into") == stepper.store.parent[weight]


def test_back_over_returns_to_the_previous_sibling(stepper: Stepper) -> None:
    events = stepper.store.events
    second = index_of(events, "Layer.__call__", "dense_1")
    first = index_of(events, "Layer.__call__", "dense")
    before = stepper.step(second, "back_over")
    assert stepper.store.parent[before] == stepper.store.parent[second]
    while before != first:  # siblings in between: track_nodes..., clear_previously...
        before = stepper.step(before, "back_over")
        assert before is not None
    inner = first + 1
    assert stepper.step(inner, "back_over") == first  # the first child goes up


def test_jumps_find_builds_weights_and_flags(stepper: Stepper) -> None:
    events = stepper.store.events
    seen = []
    index = 0
    while (index := stepper.jump(index, "build")) is not None:
        assert isinstance(index, int)
        seen.append((events[index]["name"].rsplit(".", 2)[-2], events[index]["layer"]))
    assert seen == [("Sequential", "sequential"), ("Dense", "dense"), ("Dense", "dense_1")]
    weight = stepper.jump(0, "weight")
    assert isinstance(weight, int) and events[weight]["weight"] == "kernel"
    assert stepper.jump(weight, "weight", backward=True) is None
    flag = stepper.jump(0, "flag")
    assert isinstance(flag, int) and events[flag]["kind"] == "set"
    assert stepper.jump(0, "error") is None


def test_hidden_kinds_are_never_landed_on(stepper: Stepper) -> None:
    stepper.hidden = frozenset({"return", "call"})
    index = stepper.step(-1, "home")
    landed = []
    while isinstance(index, int):
        landed.append(stepper.store.events[index]["kind"])
        index = stepper.step(index, "next")
    assert set(landed) == {"set", "add_weight"}


def test_breakpoints_stop_at_functions_and_layers(stepper: Stepper) -> None:
    events = stepper.store.events
    points = Breakpoints()
    points.toggle("function", "keras.engine.base_layer.Layer._maybe_build")
    first = stepper.to_breakpoint(0, points, backward=False)
    assert first == index_of(events, "Layer._maybe_build", "dense")
    second = stepper.to_breakpoint(first, points, backward=False)  # type: ignore[arg-type]
    assert second == index_of(events, "Layer._maybe_build", "dense_1")
    assert stepper.to_breakpoint(second, points, backward=True) == first  # type: ignore[arg-type]
    points.replace_all([("layer", "dense_1")])
    hit = stepper.to_breakpoint(0, points, backward=False)
    assert isinstance(hit, int) and events[hit]["layer"] == "dense_1"
    points.replace_all([("kind", "add_weight")])
    assert stepper.to_breakpoint(0, points, backward=False) == stepper.jump(0, "weight")


def test_a_live_trace_waits_with_the_rule_a_child_should_run_to(seed_trace: Path) -> None:
    events = read_events(seed_trace)
    build = index_of(events, "Sequential.build")
    build_end = next(
        i for i, e in enumerate(events) if i > build and e["kind"] == "return" and e["depth"] == 0
    )
    store = EventStore()
    store.extend(events[: build + 3])  # the build has begun, not ended
    stepper = Stepper(store)
    outcome = stepper.step(build, "over")
    assert isinstance(outcome, Wait)  # run until the build's return...
    assert outcome.rule.matches(events[build_end])
    assert not any(outcome.rule.matches(e) for e in events[build + 1 : build_end])
    nxt = stepper.step(store.last, "next")
    assert isinstance(nxt, Wait) and nxt.rule.matches(events[build + 3])
    stepper.hidden = frozenset({"return"})
    waiting = stepper.jump(store.last, "error")
    assert isinstance(waiting, Wait) and "return" in waiting.rule.exclude_kinds
