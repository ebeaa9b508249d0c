"""Reading a JSON Lines trace back: every line checked once, the good events never lost.

Each line is decoded as UTF-8, parsed as JSON and checked against the trace contract
(:mod:`buildtrace.trace.contract`) here, where it is read, and nowhere else: the folds
and views trust what a reader yields. A line that fails stops the reading there, with a
:class:`~buildtrace.trace.contract.TraceFormatError` that names the file, the line and
the reason; every event before it has been yielded already.

A last line without its newline is an event still being written while the file grows
(a tail waits for the rest); once the file is read to its end for good, it is the last
event, read like any other.

Example:
    >>> trace = read_trace("seed.jsonl")  # doctest: +SKIP
    >>> len(trace.events), trace.error  # doctest: +SKIP
    (60, TraceFormatError('seed.jsonl:61: not JSON: Expecting value (column 1)'))
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from buildtrace.trace.contract import TraceFormatError
from buildtrace.trace.events import Event
from buildtrace.trace.lines import LineSplitter, parse_event, parse_line
from buildtrace.trace.tail import TraceTail

#: Events parsed at a time when reading a file through (memory stays a view's own).
_STREAM_BATCH = 32

__all__ = [
    "LineSplitter",
    "TraceFile",
    "TraceRead",
    "iter_events",
    "parse_event",
    "parse_line",
    "read_events",
    "read_trace",
    "stopped_message",
]


def iter_events(
    path: str | os.PathLike[str], *, follow: bool = False, poll: float = 0.05
) -> Iterator[Event]:
    """Yield the events of a trace file in order, each checked against the contract.

    Args:
        path: the JSON Lines file.
        follow: keep waiting for new events at the end of the file (like ``tail -f``),
            for a trace still being written; a last line without its newline is then
            awaited, not read. The generator never ends by itself.
        poll: seconds between looks at the file's end when following.

    Raises:
        TraceFormatError: a line is not a valid event, naming the file and line number
            (every event before it has been yielded).
        OSError: the file cannot be opened.
    """
    # Small batches: a view folding a long trace in a stream holds a few events at a time.
    tail = TraceTail(path, max_batch=_STREAM_BATCH, missing_ok=follow)
    try:
        while True:
            events = tail.read()
            yield from events
            if tail.error is not None:
                raise tail.error
            if events or tail.has_more:
                continue
            if not follow:
                yield from tail.read_rest()
                if tail.error is not None:
                    raise tail.error
                return
            time.sleep(poll)
    finally:
        tail.close()


def read_events(path: str | os.PathLike[str]) -> list[Event]:
    """All the events of a trace file, as a list.

    Raises:
        TraceFormatError: at the first bad line (see :func:`read_trace` to keep the
            events before it).
    """
    return list(iter_events(path))


@dataclass
class TraceRead:
    """What reading a trace gave: its good events and, if it stopped early, why.

    Attributes:
        events: every event up to the first bad line (all of them if none is bad).
        error: where and why the reading stopped, or None.
    """

    events: list[Event] = field(default_factory=list)
    error: TraceFormatError | None = None

    @property
    def stopped(self) -> str | None:
        """``stopped at line 61: not JSON ...`` (None when the whole trace was read)."""
        return stopped_message(self.error)


def stopped_message(error: TraceFormatError | None) -> str | None:
    """One line saying where and why a reading stopped."""
    if error is None:
        return None
    if error.line is None:
        return f"stopped: {error.reason}"
    return f"stopped at line {error.line}: {error.reason}"


def read_trace(path: str | os.PathLike[str]) -> TraceRead:
    """The events of a trace file up to its first bad line, and where it stopped.

    Never raises for a bad trace: a file that cannot be opened or read is an ``error``
    too (at no line).
    """
    result = TraceRead()
    try:
        for event in iter_events(path):
            result.events.append(event)
    except TraceFormatError as exc:
        result.error = exc
    except OSError as exc:
        result.error = TraceFormatError(
            f"cannot read it: {exc.strerror or exc}", path=Path(path).name
        )
    return result


class TraceFile:
    """A trace file read anew each time it is iterated, never held whole in memory.

    For views that fold a trace once or twice in a stream (export, diagrams of a long
    fit): memory stays what the view keeps, whatever the file's length. Iterating stops
    at the first bad line; :attr:`error` then says where and why, and :attr:`count`
    how many good events came before it.

    Example:
        >>> trace = TraceFile("fit.jsonl")  # doctest: +SKIP
        >>> sum(1 for e in trace if e["kind"] == "batch_end"), trace.error  # doctest: +SKIP
        (2345, None)
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.error: TraceFormatError | None = None
        self.count = 0

    def __iter__(self) -> Iterator[Event]:
        # ``error`` and ``count`` change only when a pass reaches the end (or the bad
        # line): a view that stops reading early (the frames stop where the build ends)
        # must not make the trace look unchecked to the next pass.
        count = 0
        try:
            for event in iter_events(self.path):
                count += 1
                yield event
        except TraceFormatError as exc:
            self.error, self.count = exc, count
            return
        except OSError as exc:
            self.error = TraceFormatError(
                f"cannot read it: {exc.strerror or exc}", path=self.path.name
            )
            self.count = count
            return
        self.error, self.count = None, count
