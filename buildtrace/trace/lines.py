"""One line of a trace: cut from the bytes read, decoded, parsed and checked.

The pieces every reader of a trace file shares (:mod:`buildtrace.trace.reader` for a
whole file, :mod:`buildtrace.trace.tail` for a growing one): a line becomes an event
here, through the contract (:mod:`buildtrace.trace.contract`), and nowhere else.
"""

from __future__ import annotations

import json
import json.scanner
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
