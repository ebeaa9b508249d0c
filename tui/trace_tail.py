"""Reading a trace file that may still be growing, a batch of whole events at a time.

``buildtrace.trace.iter_events(follow=True)`` yields one event at a time and sleeps
inside the generator when the file has nothing new, so a reader built on it can neither
flush a batch on a quiet moment nor be told to stop. :class:`TraceTail` reads *all*
the complete lines available whenever asked, parsed by the same
:func:`~buildtrace.trace.recorder.parse_line` (the same version checks), and never
blocks: the viewer's worker thread decides when to look again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from buildtrace.trace import Event
from buildtrace.trace.recorder import parse_line

#: Most events one :meth:`TraceTail.read` returns: a 100,000-event file arrives in
#: slices, so the interface stays responsive while it loads.
MAX_BATCH = 4096

_CHUNK = 1 << 20


class TraceTail:
    """The events appended to a JSON Lines file since the last look.

    A last line without its newline is an event still being written: it is kept for the
    next read. A file that does not exist yet reads as empty (a child creates it).

    Example:
        >>> tail = TraceTail("trace.jsonl")  # doctest: +SKIP
        >>> events = tail.read()  # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str], *, max_batch: int = MAX_BATCH) -> None:
        self.path = Path(path)
        self.max_batch = max_batch
        self._stream: IO[str] | None = None
        self._pending = ""
        self._lines: list[str] = []
        self._number = 0

    def read(self) -> list[Event]:
        """Whole new events, at most ``max_batch`` of them (more remain if so).

        Raises:
            TraceFormatError: a line is not an event this buildtrace can read.
        """
        if not self._lines:
            self._fill()
        taken, self._lines = self._lines[: self.max_batch], self._lines[self.max_batch :]
        events: list[Event] = []
        where = self.path.name
        for line in taken:
            self._number += 1
            if line.strip():
                events.append(parse_line(line, f"{where}:{self._number}: "))
        return events

    @property
    def has_more(self) -> bool:
        """Whether lines already read wait to be returned."""
        return bool(self._lines)

    def _fill(self) -> None:
        if self._stream is None:
            try:
                self._stream = open(self.path, encoding="utf-8")  # noqa: SIM115
            except FileNotFoundError:
                return
        chunk = self._stream.read(_CHUNK)
        if not chunk:
            return
        text = self._pending + chunk
        lines = text.split("\n")
        self._pending = lines.pop()  # "" after a final newline, else a line in progress
        self._lines.extend(lines)

    def close(self) -> None:
        """Close the file."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
