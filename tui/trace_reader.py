"""The viewer's ingestion loop: tail the trace (and the script's output), post batches.

Runs in a worker thread. Every ``poll`` seconds it reads all the new whole events of
the trace file and posts them to the app as one :class:`EventsArrived` message, so the
interface handles a batch per look, never an event at a time; a big file arrives in
slices of :data:`~buildtrace.trace.tail.MAX_BATCH` events. The same loop reads a recorded
file and a live child's stream: a live trace is only a file still growing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from textual.message import Message

from buildtrace.trace import Event, TraceFormatError, stopped_message
from buildtrace.trace.tail import TraceTail
from tui.child_run import ChildRun

#: Seconds between looks at the trace file.
POLL = 0.03

#: Seconds between looks while events stream in (training): fewer, bigger batches cost
#: the viewer less CPU, which it shares with the training child.
STREAMING_POLL = 0.1

#: A look that finds at least this many events means the trace is streaming.
STREAMING = 8

#: A followed file counts as still being written for this long after it last grew.
STILL_WRITTEN = 3.0

#: The ``name`` of the event a reader adds where a trace stopped being readable.
STOPPED_NAME = "<trace>"


class EventsArrived(Message):
    """New events, in order."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        super().__init__()


class OutputArrived(Message):
    """New text the script printed (stdout and stderr)."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


class SourceEnded(Message):
    """No more events will come (the child ended, or a file read to its end)."""

    def __init__(self, returncode: int | None) -> None:
        self.returncode = returncode
        super().__init__()


class TraceFailed(Message):
    """The trace cannot be read further (not a trace, a newer version, a bad line...).

    ``error`` is one line: ``trace.jsonl: stopped at line 61: not JSON (column 1)``; the
    events before that line have arrived already, and the last of them is an event that
    says the same (so a timeline shows where the reading stopped).
    """

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class TraceReader:
    """Reads a trace file (and a child's output) and posts what arrives.

    Args:
        path: the trace file.
        post: where messages go (the app's ``post_message``; thread-safe).
        run: the child writing the file, if the viewer started one.
        follow: keep reading a file after its end (a trace still being written).
        poll: seconds between looks.

    Example:
        >>> reader = TraceReader(Path("t.jsonl"), post=print, follow=False)  # doctest: +SKIP
        >>> reader.run()  # doctest: +SKIP
    """

    def __init__(
        self,
        path: Path,
        post: Callable[[Message], object],
        *,
        run: ChildRun | None = None,
        follow: bool = True,
        poll: float = POLL,
    ) -> None:
        self.tail = TraceTail(path)
        self.post = post
        self.child = run
        self.follow = follow
        self.poll = poll
        self.streaming_poll = max(poll, STREAMING_POLL)
        self.stop = threading.Event()
        #: Whether more events may still come (read by the app, written here).
        self.live = run is not None or follow
        self._last: Event = {}

    def run(self) -> None:
        """The loop (a worker thread's body); returns when the source ends or on stop."""
        try:
            while not self.stop.is_set():
                events = self.tail.read()
                self._post_events(events)
                self._read_output()
                if self.tail.error is not None:
                    self._failed(self.tail.error)
                    return
                if self.tail.has_more:
                    continue
                if not events and self._ended():
                    return
                self.stop.wait(self.streaming_poll if len(events) >= STREAMING else self.poll)
        finally:
            self.tail.close()

    def _post_events(self, events: list[Event]) -> None:
        if events:
            self._last = events[-1]
            self.post(EventsArrived(events))

    def _failed(self, error: TraceFormatError) -> None:
        """Say, after the last good event, where and why the reading stopped."""
        self.live = False
        said = stopped_message(error) or str(error)
        last = self._last
        seq, t = last.get("seq", -1), last.get("t", 0.0)
        stop: Event = {
            "v": 1, "seq": seq + 1 if isinstance(seq, int) else 0,
            "t": t if isinstance(t, int | float) else 0.0, "kind": "raise",
            "name": STOPPED_NAME, "depth": 0, "layer": None, "error_type": "TraceFormatError",
            "message": said, "origin": True, "uncaught": True,
        }  # fmt: skip
        self.post(EventsArrived([stop]))
        self.post(TraceFailed(f"{error.path}: {said}" if error.path else said))

    def _ended(self) -> bool:
        """Whether the source is over (posting :class:`SourceEnded` if so)."""
        if self.child is not None:
            code = self.child.returncode
            if code is None:
                return False
            # The child has ended: one last look, then the stream is complete.
            final = self.tail.read()
            if final:
                self._post_events(final)
                return False
            return self._complete(code)
        if not self.follow:
            return self._complete(None)
        self.live = self._recently_written()
        if not self.live:
            # Written to its end a while ago: a last line without newline is an event.
            self._post_events(self.tail.read_settled())
        return False

    def _complete(self, code: int | None) -> bool:
        """The source is over: read its last line (newline or not), then say so."""
        self._post_events(self.tail.read_rest())
        self._read_output()
        if self.tail.error is not None:
            self._failed(self.tail.error)
            return True
        self.live = False
        self.post(SourceEnded(code))
        return True

    def _recently_written(self) -> bool:
        try:
            return time.time() - os.stat(self.tail.path).st_mtime < STILL_WRITTEN
        except OSError:
            return False

    def _read_output(self) -> None:
        if self.child is None:
            return
        text = self.child.read_output()  # bounded, however fast the script prints
        if text:
            self.post(OutputArrived(text))
