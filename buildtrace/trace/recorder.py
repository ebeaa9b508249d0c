"""JSON Lines: writing a trace as it happens, and reading it back.

One event per line, UTF-8, written whole. Build events are flushed one by one, so
whatever happens to the process, the file holds every build event published so far.
The per-batch events of training (hundreds a second) are written in bunches instead,
at most :data:`BATCH_DELAY` seconds after they happen and always before the next
event of any other kind: flushing each would cost training several percent, and a
crash then loses at most that fraction of a second of batch logs, never half a line.
A reader accepts a file still being written: a last line without its newline is not
yet an event and is left for later.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from buildtrace.trace.bus import BUS, TraceBus
from buildtrace.trace.events import FORMAT_VERSION, Event


class TraceFormatError(ValueError):
    """A trace file this buildtrace cannot read (bad JSON, unknown version)."""


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


def parse_line(line: str, where: str = "") -> Event:
    """Parse one line of a trace, checking it is an event this reader understands."""
    try:
        event = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TraceFormatError(
            f"{where}not a JSON object: {exc.msg} (column {exc.colno})"
        ) from None
    if not isinstance(event, dict) or "kind" not in event:
        raise TraceFormatError(f"{where}not a buildtrace event: {line[:80]!r}")
    version = event.get("v", FORMAT_VERSION)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise TraceFormatError(
            f"{where}trace format v{version} was written by a newer buildtrace; this one "
            f"reads up to v{FORMAT_VERSION}. Upgrade buildtrace to open it."
        )
    return event


def iter_events(
    path: str | os.PathLike[str], *, follow: bool = False, poll: float = 0.05
) -> Iterator[Event]:
    """Yield the events of a trace file in order.

    Args:
        path: the JSON Lines file.
        follow: keep waiting for new events at the end of the file (like ``tail -f``),
            for a trace still being written. The generator then never ends by itself.
        poll: seconds between looks at the file's end when following.

    Raises:
        TraceFormatError: a line is not a valid event, naming the file and line number.
    """
    name = Path(path).name
    with open(path, encoding="utf-8") as stream:
        pending = ""
        number = 0
        while True:
            chunk = stream.readline()
            if not chunk:
                if not follow:
                    break
                time.sleep(poll)
                continue
            pending += chunk
            if not pending.endswith("\n"):
                continue  # a line still being written: wait for the rest
            number += 1
            line, pending = pending.strip(), ""
            if line:
                yield parse_line(line, f"{name}:{number}: ")


def read_events(path: str | os.PathLike[str]) -> list[Event]:
    """All the complete events of a trace file, as a list."""
    return list(iter_events(path))
