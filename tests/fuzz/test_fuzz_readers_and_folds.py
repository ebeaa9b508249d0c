"""Fuzzing every trace reader and fold with mutated real events: only buildtrace's own error.

A probe of 10^5 fuzzed lines once found the reader accepting any JSON object with the
right keys whatever its values' types, and the folds crashing in 104 places. Now the
reader checks the contract, so what it lets through must be safe for every fold and view
that reads a trace: whatever the input, the only exception allowed anywhere is
:class:`~buildtrace.trace.TraceFormatError`, raised by the reader.

Inputs (seeded, so a failure reproduces; ``FUZZ_SEED`` picks other ones):

* ``LINES`` mutated lines through :func:`parse_event`, and the same lines as files
  through :func:`read_trace`, :class:`TraceFile` and the viewer's :class:`TraceTail`;
* ``TRACES`` mutated seed traces: what the reader keeps of each is folded by the model
  state, call stack, training, build stages, teaching set, the viewer's event store
  (every step's model state), narration, the timeline labels, the build diagram, the
  frames and the Perfetto export.

* 200 hypothesis examples of JSON objects of any shape with a known kind (on a valid
  base, so most of them reach the folds), folded inside a real build.

Together over 10^5 generated inputs (10^5 lines, 300 files, 120 traces of a few hundred
events, 200 examples); about 20 s of CPU in the default run.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import FIELDS, Mutator

from buildtrace.narration import explain
from buildtrace.render.build_diagram import build_source
from buildtrace.render.frames import build_frames
from buildtrace.render.perfetto import trace_events
from buildtrace.render.tree import build_tree
from buildtrace.state.build_stages import build_stages
from buildtrace.state.callstack import call_stack, matching_end
from buildtrace.state.model_state import model_state
from buildtrace.state.teaching import teaching_steps
from buildtrace.state.training import training_state
from buildtrace.trace import TraceFile, TraceFormatError, read_trace
from buildtrace.trace.contract import KNOWN_KINDS
from buildtrace.trace.reader import parse_event
from buildtrace.trace.tail import TraceTail
from tui.event_store import EventStore
from tui.labels import Palette, event_text, search_text

SEED = int(os.environ.get("FUZZ_SEED", "20261204"))
LINES = 100_000
TRACES = 120
FILES = 300


def test_the_reader_refuses_bad_lines_with_its_own_error_only(seed_events: list[Any]) -> None:
    mutator = Mutator(seed_events, SEED)
    accepted = refused = 0
    for _ in range(LINES):
        line = mutator.line()
        try:
            parse_event(line)
        except TraceFormatError as exc:
            assert exc.reason and "\n" not in exc.reason
            refused += 1
        else:
            accepted += 1
    assert accepted + refused == LINES
    assert accepted > LINES // 20 and refused > LINES // 2  # both sides are exercised


def test_file_readers_agree_and_stop_at_the_first_bad_line(
    seed_lines: list[str], seed_events: list[Any], tmp_path: Path
) -> None:
    mutator = Mutator(seed_events, SEED + 1)
    rng = random.Random(SEED + 1)
    for number in range(FILES):
        lines = [line.encode() for line in seed_lines[: rng.randrange(1, 80)]]
        for _ in range(rng.choice((0, 1, 3))):
            lines[rng.randrange(len(lines))] = mutator.line()
        path = tmp_path / f"f{number}.jsonl"
        path.write_bytes(b"\n".join(lines) + rng.choice((b"\n", b"")))
        whole = read_trace(path)
        lazy = TraceFile(path)
        assert [e["seq"] for e in lazy] == [e["seq"] for e in whole.events]
        assert str(lazy.error) == str(whole.error)
        tail = TraceTail(path, max_batch=rng.choice((1, 7, 4096)))
        tailed: list[Any] = []
        while tail.error is None:
            batch = tail.read()
            if not batch and not tail.has_more:
                tailed.extend(tail.read_rest())
                break
            tailed.extend(batch)
        tail.close()
        assert tailed == whole.events
        assert str(tail.error) == str(whole.error)


def kept_by_the_reader(events: list[Any]) -> list[Any]:
    """What a reader yields of these events: every one up to the first it refuses."""
    kept = []
    for event in events:
        try:
            kept.append(parse_event(json.dumps(event).encode("utf-8", "surrogatepass")))
        except TraceFormatError:
            break
    return kept


def valid_only(events: list[Any]) -> list[Any]:
    """The events the reader accepts, each on its own (more mutations reach the folds)."""
    out = []
    for event in events:
        try:
            out.append(parse_event(json.dumps(event).encode("utf-8", "surrogatepass")))
        except TraceFormatError:
            continue
    return out


def fold_everything(events: list[Any], *, heavy: bool) -> None:
    model_state(events)
    call_stack(events)
    training_state(events).series("loss")
    build_stages(events)
    teaching_steps(events)
    store = EventStore(checkpoint_every=16)
    store.extend(events)
    palette = Palette()
    for index, event in enumerate(events):
        state = store.model_at(index)
        state.focus()
        explain(event, state)
        event_text(event, None, palette)
        search_text(event)
        store.source_of(index)
        if event["kind"] == "call":
            matching_end(events, index)
    list(trace_events(events))
    build_tree(events)
    if heavy:
        build_source(events)
        build_frames(events)


@pytest.mark.parametrize("rate", [0.02, 0.1, 0.4])
def test_every_fold_takes_whatever_the_reader_lets_through(
    seed_events: list[Any], rate: float
) -> None:
    mutator = Mutator(seed_events, SEED + int(rate * 1000))
    for number in range(TRACES // 3):
        mutated = mutator.trace(rate)
        fold_everything(valid_only(mutated), heavy=number % 4 == 0)
        fold_everything(kept_by_the_reader(mutated), heavy=False)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.sampled_from(["", "call", "dense", "built", "kernel", "batch_end", "<script>"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner),
    max_leaves=6,
)
BASE = {"v": 1, "seq": 500, "t": 1.0, "name": "f", "depth": 0, "layer": None}
events_of_any_shape = st.builds(
    lambda kind, fields: {**BASE, **fields, "kind": kind},
    st.sampled_from(sorted(KNOWN_KINDS)),
    st.dictionaries(st.sampled_from([f for f in FIELDS if f != "kind"]), json_values, max_size=12),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events_of_any_shape, min_size=1, max_size=4))
def test_any_json_object_is_refused_by_the_reader_or_safe_to_fold(
    seed_events: list[Any], drawn: list[dict[str, Any]]
) -> None:
    accepted = []
    for event in drawn:
        try:
            accepted.append(parse_event(json.dumps(event)))
        except TraceFormatError:
            continue
    build = [e for e in seed_events if e["kind"] != "batch_end"][:40]
    fold_everything([*build[:20], *accepted, *build[20:]], heavy=False)
