"""The trace layer: events, the bus they travel on, and JSON Lines files that keep them.

This package knows nothing of Keras. The mini-Keras (``buildtrace.keras``) *emits*
events through :func:`traced` and :func:`emit`; every view (the terminal UI, the
diagrams, the printed tree) *reads* them, live from the :data:`BUS` or later from a
file written by :class:`JsonlRecorder`.

Example:
    >>> import buildtrace
    >>> with buildtrace.record("trace.jsonl"):  # doctest: +SKIP
    ...     model.build((None, 784))
"""

from __future__ import annotations

from buildtrace.trace.bus import BUS, TraceBus
from buildtrace.trace.contract import TraceError, TraceFormatError, check_event
from buildtrace.trace.events import FORMAT_VERSION, Event, keras_name
from buildtrace.trace.instrument import emit, emit_set, suspended, traced
from buildtrace.trace.reader import (
    TraceFile,
    TraceRead,
    iter_events,
    read_events,
    read_trace,
    stopped_message,
)
from buildtrace.trace.recorder import JsonlRecorder, record

__all__ = [
    "BUS",
    "FORMAT_VERSION",
    "Event",
    "JsonlRecorder",
    "TraceBus",
    "TraceError",
    "TraceFile",
    "TraceFormatError",
    "TraceRead",
    "check_event",
    "emit",
    "emit_set",
    "iter_events",
    "keras_name",
    "read_events",
    "read_trace",
    "record",
    "stopped_message",
    "suspended",
    "traced",
]
