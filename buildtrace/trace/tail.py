"""Reading a trace file that may still be growing, a batch of whole events at a time.

The one file tailer of buildtrace: :class:`TraceTail` reads *all* the complete lines
available whenever asked, each checked by :func:`~buildtrace.trace.reader.parse_event`
(the contract, the version), and never blocks, so the viewer's worker thread decides
when to look again (and can flush a batch on a quiet moment, or stop).
:func:`~buildtrace.trace.reader.iter_events` is this tailer with a wait between looks.

A bad line never costs the good events before it: :meth:`TraceTail.read` returns them,
and :attr:`TraceTail.error` then says where and why the reading stopped.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from buildtrace.trace.contract import TraceFormatError
from buildtrace.trace.events import Event
from buildtrace.trace.lines import LineSplitter, parse_event

#: Most events one :meth:`TraceTail.read` returns: a 100,000-event file arrives in
#: slices, so the interface stays responsive while it loads.
MAX_BATCH = 4096

_CHUNK = 1 << 20


class TraceTail:
    """The events appended to a JSON Lines file since the last look.

    A last line without its newline is an event still being written: it is kept for the
    next read, until :meth:`read_rest` says the file is complete. A file that does not
    exist yet reads as empty (a child creates it).

    Example:
        >>> tail = TraceTail("trace.jsonl")  # doctest: +SKIP
        >>> events = tail.read()  # doctest: +SKIP
        >>> tail.error  # doctest: +SKIP
    """

    def __init__(
        self, path: str | os.PathLike[str], *, max_batch: int = MAX_BATCH, missing_ok: bool = True
    ) -> None:
        self.path = Path(path)
        self.max_batch = max_batch
        #: False: a file that cannot be opened raises its ``OSError`` (a finished trace
        #: is read, not awaited); True: it reads as empty, and other errors are
        #: :attr:`error`.
        self.missing_ok = missing_ok
        #: Where and why the reading stopped (a line that is not an event), or None.
        self.error: TraceFormatError | None = None
        self._stream: IO[bytes] | None = None
        self._splitter = LineSplitter()
        self._lines: list[tuple[int, bytes]] = []

    def read(self) -> list[Event]:
        """Whole new events, at most ``max_batch`` of them (more remain if so).

        Stops before a bad line: the events before it are returned, :attr:`error` is set
        and nothing more is read.
        """
        if self.error is not None:
            return []
        if not self._lines:
            self._fill()
        taken, self._lines = self._lines[: self.max_batch], self._lines[self.max_batch :]
        return self._parse(taken)

    def read_rest(self) -> list[Event]:
        """Every event left, the last line without a newline included: the file is
        complete (its writer has ended)."""
        events: list[Event] = []
        while self.error is None:
            if not self._lines and not self._fill():
                break
            events.extend(self.read())
        if self.error is None:
            last = self._splitter.rest()
            if last is not None:
                events.extend(self._parse([last]))
        return events

    def read_settled(self) -> list[Event]:
        """The last line without a newline, if it is already a whole event (the file has
        stopped growing but may go on later: a line that is not yet one is awaited)."""
        last = self._splitter.peek_rest()
        if self.error is not None or self._lines or last is None:
            return []
        try:
            event = parse_event(last[1])
        except TraceFormatError:
            return []  # perhaps half written: wait for the rest
        self._splitter.rest()
        return [event]

    @property
    def has_more(self) -> bool:
        """Whether lines already read wait to be returned."""
        return bool(self._lines) and self.error is None

    def _parse(self, lines: list[tuple[int, bytes]]) -> list[Event]:
        events: list[Event] = []
        for number, raw in lines:
            try:
                events.append(parse_event(raw))
            except TraceFormatError as exc:
                self.error = exc.at(self.path.name, number)
                self._lines.clear()
                break
        return events

    def _fill(self) -> bool:
        """Read the next piece of the file; returns whether there was one."""
        try:
            if self._stream is None:
                self._stream = open(self.path, "rb")  # noqa: SIM115
            chunk = self._stream.read(_CHUNK)
        except OSError as exc:
            if not self.missing_ok:
                raise
            if isinstance(exc, FileNotFoundError):
                return False
            self.error = TraceFormatError(
                f"cannot read it: {exc.strerror or exc}", path=self.path.name
            )
            return False
        self._lines.extend(self._splitter.feed(chunk))
        return bool(chunk)

    def close(self) -> None:
        """Close the file."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
