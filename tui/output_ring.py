"""What the script printed, bounded: a script that floods its output cannot flood the viewer.

A script may print 10 MB a second. The viewer reads all of it (the script is never held
back by a full pipe) but keeps only the latest :data:`PENDING_LIMIT` bytes not shown yet
and the last :data:`RECENT_LIMIT` bytes for error reports; what it drops it counts, and
the next piece it shows starts by saying how much was skipped. Lines are cut at
:data:`MAX_LINE` characters, so one endless line costs no more than a short one.

Mirrors nothing in Keras: this is the viewer's log panel's intake.

Example:
    >>> ring = OutputRing(pending_limit=16, flood_interval=0)
    >>> ring.append(b"one\\ntwo\\n")
    >>> ring.take()
    'one\\ntwo\\n'
    >>> ring.append(b"x" * 40 + b"\\nlast\\n")
    >>> print(ring.take(), end="")
    [… 41 bytes (1 line) of output skipped: the script prints faster than it can be shown …]
    last
"""

from __future__ import annotations

import codecs
import threading
import time

#: Bytes kept that the viewer has not shown yet (about 50 lines of 80 characters):
#: shown at each look, every 0.03-0.1 s, this is what a screen can usefully show.
PENDING_LIMIT = 4 * 1024

#: Bytes kept of the latest output, to quote when the script fails.
RECENT_LIMIT = 8 * 1024

#: Longest line shown; the rest of the line is replaced by "…".
MAX_LINE = 1000

#: Seconds between two looks that show anything while output is being skipped: in a
#: flood, the log panel redraws a few times a second, not at every look.
FLOOD_INTERVAL = 0.25


class OutputRing:
    """A thread-safe, bounded buffer between the pipe's reader thread and the viewer.

    Args:
        pending_limit: bytes kept that have not been taken yet.
        flood_interval: seconds between looks that show anything during a flood.
        recent_limit: bytes kept of the latest output (:meth:`recent_lines`).
        max_line: characters shown of one line.
    """

    def __init__(
        self,
        *,
        pending_limit: int = PENDING_LIMIT,
        recent_limit: int = RECENT_LIMIT,
        max_line: int = MAX_LINE,
        flood_interval: float = FLOOD_INTERVAL,
    ) -> None:
        self.pending_limit = pending_limit
        self.recent_limit = recent_limit
        self.max_line = max_line
        self.flood_interval = flood_interval
        self._last_flood_take = -flood_interval
        self._lock = threading.Lock()
        self._pending = bytearray()
        self._recent = bytearray()
        self._skipped_bytes = 0
        self._skipped_lines = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._column = 0  # characters of the current line so far (past MAX_LINE: cut)
        #: Every byte the script wrote, shown or not.
        self.total = 0

    def append(self, data: bytes) -> None:
        """Keep ``data`` (called by the pipe's reader thread); drop the oldest if over."""
        with self._lock:
            self.total += len(data)
            if len(data) >= self.pending_limit:  # all that was pending goes: skip copying it
                self._skipped_bytes += len(self._pending)
                self._skipped_lines += self._pending.count(b"\n")
                self._pending = bytearray()
                head = len(data) - self.pending_limit
                cut = data.find(b"\n", head, head + self.max_line * 4)  # start a line
                head = cut + 1 if cut >= 0 else head
                self._skipped_bytes += head
                self._skipped_lines += data.count(b"\n", 0, head)
                data = data[head:]
            self._pending += data
            over = len(self._pending) - self.pending_limit
            if over > 0:
                dropped = self._pending[:over]
                # Drop up to the end of a line, so that what is shown starts a line.
                cut = self._pending.find(b"\n", over, over + self.max_line * 4)
                if cut >= 0:
                    dropped = self._pending[: cut + 1]
                self._skipped_bytes += len(dropped)
                self._skipped_lines += dropped.count(b"\n")
                del self._pending[: len(dropped)]
            self._recent += data[-self.recent_limit :]
            if len(self._recent) > self.recent_limit:
                del self._recent[: len(self._recent) - self.recent_limit]

    def take(self, *, final: bool = False) -> str:
        """What arrived since the last call, as text to show (``""`` if nothing).

        While output is being skipped, at most one look per :attr:`flood_interval`
        shows anything (the others return ``""`` and the ring keeps the latest), unless
        this is the ``final`` look (the script has ended).
        """
        with self._lock:
            if self._skipped_bytes and not final:
                now = time.monotonic()
                if now - self._last_flood_take < self.flood_interval:
                    return ""
                self._last_flood_take = now
            data, self._pending = bytes(self._pending), bytearray()
            skipped, lines = self._skipped_bytes, self._skipped_lines
            self._skipped_bytes = self._skipped_lines = 0
        if not data and not skipped:
            return ""
        note = ""
        if skipped:
            self._decoder.reset()  # the bytes before are gone: start afresh
            plural = "" if lines == 1 else "s"
            note = (
                ("\n" if self._column else "")  # on a line of its own
                + f"[… {skipped:,} bytes ({lines:,} line{plural}) of output skipped: "
                "the script prints faster than it can be shown …]\n"
            )
            self._column = 0
        return note + self._cut_long_lines(self._decoder.decode(data))

    def recent_lines(self, count: int) -> list[str]:
        """The last ``count`` non-blank lines of output."""
        with self._lock:
            text = bytes(self._recent).decode("utf-8", errors="replace")
        lines = [line[: self.max_line] for line in text.splitlines() if line.strip()]
        return lines[-count:]

    def _cut_long_lines(self, text: str) -> str:
        if len(text) + self._column <= self.max_line and "\n" not in text:
            self._column += len(text)
            return text
        pieces = text.split("\n")
        out: list[str] = []
        for index, piece in enumerate(pieces):
            room = self.max_line - self._column  # characters of this line still shown
            if len(piece) > room:
                piece = piece[: max(room, 0)] + ("…" if room > 0 else "")
                self._column = self.max_line + 1
            else:
                self._column += len(piece)
            out.append(piece)
            if index < len(pieces) - 1:
                self._column = 0
        return "\n".join(out)
