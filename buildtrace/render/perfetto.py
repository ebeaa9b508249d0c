"""A trace as a Chrome / Perfetto timeline (the Trace Event Format, JSON).

Open the file in https://ui.perfetto.dev (or ``chrome://tracing``). One process, three
kinds of track:

* thread 1, **calls**: every traced call is a slice (``B`` when it starts, ``E`` when it
  returns or raises), nested as the calls were; flags written and weights created are
  instant events (``i``) on the same thread, with their details in ``args``;
* thread 2, **training**: ``fit``, ``evaluate`` and ``predict`` as slices, each epoch a
  slice inside ``fit``;
* counters (``C``): the loss and the metrics after every batch, and the validation
  metrics after every epoch.

Times come from each event's ``t`` (seconds since the trace started), in microseconds
as the format wants. Every slice is closed: a call still open when the trace ends (a
run cut short) ends with the last event.

Example:
    >>> data = chrome_trace(events)  # doctest: +SKIP
    >>> write_chrome_trace(events, "seed.json")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from buildtrace.trace import Event
from buildtrace.trace.event_types import EventKey
from buildtrace.trace.events import short_name
from buildtrace.trace.shapes import format_shape

PID = 1
CALLS_TID = 1
TRAINING_TID = 2

#: Training events that open a slice on the training thread, and those that close one.
OPENS = {
    "train_begin": "fit",
    "epoch_begin": "epoch",
    "test_begin": "evaluate",
    "predict_begin": "predict",
}
CLOSES = {
    "train_end": "fit",
    "epoch_end": "epoch",
    "test_end": "evaluate",
    "predict_end": "predict",
}

TraceEvent = dict[str, Any]


def chrome_trace(events: Iterable[Event], *, title: str = "buildtrace") -> dict[str, Any]:
    """The JSON object of the Trace Event Format for ``events``."""
    return {
        "traceEvents": list(trace_events(events, title=title)),
        "displayTimeUnit": "ms",
        "otherData": {"generator": "buildtrace"},
    }


def trace_events(events: Iterable[Event], *, title: str = "buildtrace") -> Iterator[TraceEvent]:
    """The Trace Event Format's events for ``events``, one by one (a stream: what it
    holds at any time is the calls and training slices still open)."""
    yield _meta("process_name", 0, {"name": title})
    yield _meta("thread_name", CALLS_TID, {"name": "calls"})
    yield _meta("thread_name", TRAINING_TID, {"name": "training"})
    yield _meta("thread_sort_index", CALLS_TID, {"sort_index": 0})
    yield _meta("thread_sort_index", TRAINING_TID, {"sort_index": 1})
    calls: list[Event] = []  # open calls, innermost last
    training: list[str] = []  # open training slices, innermost last
    last = 0.0
    for event in events:
        ts = _micros(event, last)
        last = ts
        kind = event.get("kind")
        if kind == "call":
            calls.append(event)
            yield _slice("B", _call_name(event), ts, CALLS_TID, "call", _call_args(event))
        elif kind in ("return", "raise"):
            if kind == "raise" and event.get("origin", True):
                yield _instant(f"✗ {event.get('error_type', 'error')}", ts, "error", event)
            if calls and calls[-1].get("depth") == event.get("depth"):
                calls.pop()
                yield _slice("E", None, ts, CALLS_TID, "call", _end_args(event))
        elif kind == "set":
            owner = event.get("layer") or event.get("cls")
            name = f"{owner}.{event.get('attr')} = {event.get('value')}"
            yield _instant(name, ts, "flag", event)
        elif kind == "add_weight":
            name = (
                f"+ {event.get('layer')}/{event.get('weight')} {format_shape(event.get('shape'))}"
            )
            yield _instant(name, ts, "weight", event)
        else:
            yield from _training(event, ts, training)
    # Close what a trace cut short left open, innermost first, at its last moment.
    for _ in training:
        yield _slice("E", None, last, TRAINING_TID, "training", {})
    for _ in calls:
        yield _slice("E", None, last, CALLS_TID, "call", {})


def write_chrome_trace(
    events: Iterable[Event],
    path: str | os.PathLike[str],
    *,
    title: str = "buildtrace",
    at: int | None = None,
) -> Path:
    """Write :func:`chrome_trace` of ``events`` (up to ``seq`` ``at``) to ``path``.

    Written as it is made, a few thousand events at a time: a trace of a million events
    never sits in memory whole, neither read nor written. Returns the path.
    """
    target = Path(path)
    if at is not None:
        events = (event for event in events if event.get("seq", 0) <= at)
    encode = json.JSONEncoder(separators=(",", ":"), default=str).encode
    with target.open("w", encoding="utf-8") as stream:
        stream.write('{"traceEvents":[')
        bunch: list[str] = []
        for number, item in enumerate(trace_events(events, title=title)):
            bunch.append(encode(item) if number == 0 else "," + encode(item))
            if len(bunch) >= _BUNCH:
                stream.write("".join(bunch))
                bunch.clear()
        stream.write("".join(bunch))
        stream.write('],"displayTimeUnit":"ms","otherData":{"generator":"buildtrace"}}')
    return target


#: Trace events encoded before each write.
_BUNCH = 4096


def _training(event: Event, ts: float, open_slices: list[str]) -> list[TraceEvent]:
    """Slices and counters for one training event."""
    kind = str(event.get("kind"))
    out: list[TraceEvent] = []
    if kind in CLOSES and open_slices and open_slices[-1] == CLOSES[kind]:
        open_slices.pop()
        out.append(_slice("E", None, ts, TRAINING_TID, "training", _logs_args(event)))
    elif kind in OPENS:
        name = OPENS[kind]
        label = f"epoch {event['epoch'] + 1}" if isinstance(event.get("epoch"), int) else name
        open_slices.append(name)
        args = {k: v for k, v in event.items() if k in ("epochs", "steps", "samples", "batch_size")}
        out.append(_slice("B", label, ts, TRAINING_TID, "training", args))
    elif kind == "compile":
        out.append(_instant("compile", ts, "training", event, tid=TRAINING_TID))
    logs = event.get("logs")
    if isinstance(logs, dict):
        # Per batch every metric; per epoch only the validation ones (the others repeat
        # the last batch's values).
        keys = logs if kind == "batch_end" else [k for k in logs if k.startswith("val_")]
        if kind in ("batch_end", "epoch_end"):
            out.extend(_counter(key, logs[key], ts) for key in keys if _is_number(logs[key]))
    return out


def _micros(event: Event, previous: float) -> float:
    """The event's time in µs, never before the previous one (each thread's clock must
    not go back, even in a trace edited by hand)."""
    t = event.get("t")
    ts = round(float(t) * 1e6, 3) if isinstance(t, int | float) else previous
    return max(ts, previous)


def _slice(
    phase: str, name: str | None, ts: float, tid: int, cat: str, args: dict[str, Any]
) -> TraceEvent:
    event: TraceEvent = {"ph": phase, "ts": ts, "pid": PID, "tid": tid, "cat": cat}
    if name is not None:
        event["name"] = name
    if args:
        event["args"] = args
    return event


def _instant(name: str, ts: float, cat: str, source: Event, tid: int = CALLS_TID) -> TraceEvent:
    args = {k: v for k, v in source.items() if k not in ("v", "t", "kind", "name", "depth")}
    return {
        "ph": "i",
        "s": "t",
        "name": name,
        "ts": ts,
        "pid": PID,
        "tid": tid,
        "cat": cat,
        "args": args,
    }


def _counter(key: str, value: Any, ts: float) -> TraceEvent:
    return {
        "ph": "C",
        "name": key,
        "ts": ts,
        "pid": PID,
        "tid": TRAINING_TID,
        "args": {key: float(value)},
    }


def _meta(name: str, tid: int, args: dict[str, Any]) -> TraceEvent:
    return {"ph": "M", "name": name, "pid": PID, "tid": tid, "ts": 0, "args": args}


def _call_name(event: Event) -> str:
    name = short_name(str(event.get("name", "?")))
    layer = event.get("layer")
    return f"{name} [{layer}]" if layer else name


def _call_args(event: Event) -> dict[str, Any]:
    keep: tuple[EventKey, ...] = (
        "seq", "name", "layer", "cls", "input_shape", "src", "caller", "added", "node_of"
    )  # fmt: skip
    return {k: event[k] for k in keep if event.get(k) is not None}


def _end_args(event: Event) -> dict[str, Any]:
    keep: tuple[EventKey, ...] = ("output_shape", "error_type", "message", "layers")
    return {k: event[k] for k in keep if event.get(k) is not None}


def _logs_args(event: Event) -> dict[str, Any]:
    logs = event.get("logs")
    return dict(logs) if isinstance(logs, dict) else {}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
