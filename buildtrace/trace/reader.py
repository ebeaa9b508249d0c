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

import json
import json.scanner
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from buildtrace.trace.contract import (
    MAX_LINE,
    MAX_NESTING,
    TraceFormatError,
    check_event,
    check_nesting,
    clean_text,
)
from buildtrace.trace.events import Event

_CHUNK = 1 << 20


def parse_event(raw: bytes | str) -> Event:
    """One line of a trace as a checked event.

    Raises:
        TraceFormatError: why the line is not an event of the contract (no place yet).
    """
    if len(raw) > MAX_LINE:
        raise TraceFormatError(f"a line longer than {MAX_LINE} bytes")
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TraceFormatError(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
            ) from None
    else:
        text = str(raw)
    try:
        event = _scan(text)
    except json.JSONDecodeError as exc:
        raise TraceFormatError(f"not JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise TraceFormatError(f"nested more than {MAX_NESTING} levels deep") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise TraceFormatError(f"not a number buildtrace reads: {str(exc)[:60]}") from None
    check_event(event)
    if text.count("[") + text.count("{") > MAX_NESTING:
        check_nesting(event)
    if "\\u" in text:  # the only way a control character or a lone surrogate gets in
        event = clean_text(event)
    return cast(Event, event)  # what check_event made sure of


_scan_once = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _scan(text: str) -> object:
    """``json.loads(text)``, a little faster for the common whole, clean line (this runs
    for every line of a million-event trace); anything else goes to ``json.loads``,
    for its exact error message."""
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        value, end = None, -1
    if end == len(text):
        return value
    return json.loads(text)


def parse_line(line: bytes | str, where: str = "") -> Event:
    """Parse one line of a trace, checking it is an event this reader understands.

    ``where`` (``"trace.jsonl:3: "``) prefixes the message of the error raised.
    """
    try:
        return parse_event(line)
    except TraceFormatError as exc:
        if where:
            raise TraceFormatError(where + exc.reason) from None
        raise


class LineSplitter:
    """Cuts bytes read from a trace into numbered whole lines.

    Example:
        >>> lines = LineSplitter()
        >>> lines.feed(b'{"a": 1}\\n{"b"')
        [(1, b'{"a": 1}')]
        >>> lines.feed(b': 2}\\n'), lines.rest()
        ([(2, b'{"b": 2}')], None)
    """

    def __init__(self) -> None:
        self.number = 0
        self._pending = b""
        self._rest_taken = False

    def feed(self, chunk: bytes) -> list[tuple[int, bytes]]:
        """The whole lines completed by ``chunk`` (blank ones left out), numbered.

        A line in progress longer than any event may be is returned as it is so far:
        the parser refuses it rather than the reader holding it forever.
        """
        if self._rest_taken and chunk:
            # The newline of a last line already read as the file's end: not a new line.
            self._rest_taken = False
            chunk = chunk[1:] if chunk.startswith(b"\n") else chunk
        parts = (self._pending + chunk).split(b"\n")
        self._pending = parts.pop()
        lines: list[tuple[int, bytes]] = []
        for part in parts:
            self.number += 1
            if part.strip():
                lines.append((self.number, part))
        if len(self._pending) > MAX_LINE:
            lines.append((self.number + 1, self._pending))
        return lines

    @property
    def pending(self) -> bool:
        """Whether a line without its newline waits (a blank one does not count)."""
        return bool(self._pending.strip())

    def rest(self) -> tuple[int, bytes] | None:
        """The last line, without a newline, now that the source has ended."""
        if not self._pending.strip():
            return None
        line, self._pending = self._pending, b""
        self.number += 1
        self._rest_taken = True
        return self.number, line

    def peek_rest(self) -> tuple[int, bytes] | None:
        """The line without its newline so far, left in place."""
        return (self.number + 1, self._pending) if self._pending.strip() else None


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
    name = Path(path).name
    lines = LineSplitter()
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                if follow:
                    time.sleep(poll)
                    continue
                last = lines.rest()
                if last is not None:
                    yield _located(last, name)
                return
            for numbered in lines.feed(chunk):
                yield _located(numbered, name)


def _located(numbered: tuple[int, bytes], name: str) -> Event:
    number, raw = numbered
    try:
        return parse_event(raw)
    except TraceFormatError as exc:
        raise exc.at(name, number) from None


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
