"""JSON Lines: writing a trace as it happens, and reading it back.

One event per line, UTF-8, written whole. Build events are flushed one by one, so
whatever happens to the process, the file holds every build event published so far.
The per-batch events of training (hundreds a second) are written in bunches instead,
at most :data:`BATCH_DELAY` seconds after they happen and always before the next
event of any other kind: flushing each would cost training several percent, and a
crash then loses at most that fraction of a second of batch logs, never half a line.
Reading a trace back is :mod:`buildtrace.trace.reader`'s job.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from buildtrace.trace.bus import BUS, TraceBus
from buildtrace.trace.contract import TraceFormatError
from buildtrace.trace.events import Event
from buildtrace.trace.reader import iter_events, parse_line, read_events

# Reading lives in ``buildtrace.trace.reader``; these names stay importable from here.
__all__ = [
    "BATCHED_KINDS",
    "BATCH_DELAY",
    "JsonlRecorder",
    "TraceFormatError",
    "dumps",
    "iter_events",
    "parse_line",
    "read_events",
    "record",
]


def _default(value: Any) -> Any:
    """JSON fallback for values events may carry (numpy scalars, tuples in sets...)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    return repr(value)


def dumps(event: Event) -> str:
    """One event as one line of compact JSON (without the newline)."""
    return json.dumps(event, separators=(",", ":"), default=_default, ensure_ascii=False)


#: Event kinds written in bunches (one per training batch: many a second).
BATCHED_KINDS = frozenset({"batch_begin", "batch_end"})

#: Seconds a batch event may wait in memory before it is written. A viewer tailing the
#: file redraws its curves four times a second; this keeps them as fresh as that.
BATCH_DELAY = 0.1


class JsonlRecorder:
    """A bus subscriber that appends every event to a JSON Lines stream.

    Args:
        target: a path (opened for writing, truncated) or an open text stream.
        flush: flush after every build event, and batch events at least every
            :data:`BATCH_DELAY` seconds (the default). False leaves it to the stream.

    Example:
        >>> import io
        >>> buf = io.StringIO()
        >>> rec = JsonlRecorder(buf)
        >>> rec({"v": 1, "seq": 0, "t": 0.0, "kind": "call", "name": "f", "depth": 0})
        >>> buf.getvalue().startswith('{"v":1,"seq":0')
        True
    """

    def __init__(self, target: str | os.PathLike[str] | IO[str], *, flush: bool = True) -> None:
        if isinstance(target, str | os.PathLike):
            self._stream: IO[str] = open(target, "w", encoding="utf-8")  # noqa: SIM115
            self._owns = True
        else:
            self._stream = target
            self._owns = False
        self._flush = flush
        self._pending: list[str] = []
        self._written_at = time.monotonic()
        self.count = 0

    def __call__(self, event: Event) -> None:
        self._pending.append(dumps(event) + "\n")
        self.count += 1
        recent = time.monotonic() - self._written_at < BATCH_DELAY
        if event.get("kind") in BATCHED_KINDS and self._flush and recent:
            return  # written with the next bunch
        self.write_pending()

    def write_pending(self) -> None:
        """Write (and flush) the events held back, e.g. before the process waits."""
        if not self._pending:
            return
        # Whole lines in one write: the file never ends in half an event.
        self._stream.write("".join(self._pending))
        self._pending.clear()
        if self._flush:
            self._stream.flush()
        self._written_at = time.monotonic()

    def close(self) -> None:
        """Write what is held back, flush, and close the file if this recorder opened it."""
        if self._stream.closed:
            return
        self.write_pending()
        self._stream.flush()
        if self._owns:
            self._stream.close()


@contextmanager
def record(path: str | os.PathLike[str], bus: TraceBus = BUS) -> Iterator[JsonlRecorder]:
    """Record every event published inside the block to a JSON Lines file.

    Example:
        >>> with record("trace.jsonl"):  # doctest: +SKIP
        ...     model.build((None, 784))
    """
    recorder = JsonlRecorder(path)
    unsubscribe = bus.subscribe(recorder)
    try:
        yield recorder
    finally:
        unsubscribe()
        recorder.close()
