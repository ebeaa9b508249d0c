"""Where things are in the raw text of a lesson file, so errors can name a line.

``tomllib`` returns plain dicts with no positions, so a schema error ("step 3 has no
``stop``") would otherwise leave a teacher searching the file. :class:`SourceLines`
reads the text once more, line by line, and remembers where each ``[[step]]`` table
starts and where each key is written. It understands just enough TOML for that:
table headers, ``key =`` at the start of a line or inside an inline table, and
multi-line strings (whose contents are never mistaken for keys or headers).

Example:
    >>> lines = SourceLines('title = "x"\\n\\n[[step]]\\nstop = { kind = "call" }\\n')
    >>> lines.step_line(0), lines.key_line("stop", step=0), lines.key_line("title")
    (3, 4, 1)
"""

from __future__ import annotations

import re

_STEP_HEADER = re.compile(r"^\s*\[\[\s*step\s*\]\]")
_SUB_TABLE = re.compile(r"^\s*\[\s*step\s*\.")  # [step.stop]: still inside the step
_TABLE_HEADER = re.compile(r"^\s*\[")
_TRIPLE_QUOTES = ('"""', "'''")


class SourceLines:
    """Line numbers (1-based) of the steps and keys of a lesson file's text.

    Args:
        text: the whole file, as read.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        #: Lines that are TOML structure (not inside a multi-line string), by index.
        self._code: list[bool] = []
        #: 1-based line of each ``[[step]]`` header, in order.
        self.steps: list[int] = []
        #: 1-based line of the first table header of any kind (the header block ends there).
        self.first_table: int = len(self.lines) + 1
        self._scan()

    def _scan(self) -> None:
        open_quote: str | None = None
        for number, line in enumerate(self.lines, start=1):
            if open_quote is not None:
                # Inside a multi-line string: this line is text, unless it closes it.
                self._code.append(False)
                if line.count(open_quote) % 2 == 1:
                    open_quote = None
                continue
            self._code.append(True)
            if _STEP_HEADER.match(line):
                self.steps.append(number)
            if _TABLE_HEADER.match(line):
                self.first_table = min(self.first_table, number)
            for quote in _TRIPLE_QUOTES:
                if line.count(quote) % 2 == 1:
                    open_quote = quote
                    break

    def step_line(self, step: int) -> int:
        """The line of the ``[[step]]`` header of step ``step`` (0-based), or 1 if unknown."""
        return self.steps[step] if 0 <= step < len(self.steps) else 1

    def _block(self, step: int | None) -> range:
        """The 1-based line numbers of the header block (``step`` None) or of one step."""
        if step is None:
            return range(1, self.first_table)
        start = self.step_line(step)
        following = [n for n in self.steps if n > start]
        end = following[0] if following else len(self.lines) + 1
        # A table that is not part of this step ([other]) also ends it.
        for number in range(start + 1, end):
            line = self.lines[number - 1]
            if self._code[number - 1] and _TABLE_HEADER.match(line) and not _SUB_TABLE.match(line):
                end = number
                break
        return range(start, end)

    def key_line(self, key: str, step: int | None = None) -> int:
        """Where ``key = ...`` is written in the header block or in step ``step``.

        A key at the start of a line wins over one inside an inline table
        (``stop = { kind = "call" }``). Falls back to the step's header line (or line 1
        for the header block) when the key is not written there at all, e.g. a key that
        is missing.
        """
        escaped = re.escape(key)
        at_start = re.compile(rf'^\s*(?:{escaped}|"{escaped}"|\'{escaped}\')\s*=')
        inline = re.compile(rf'[{{,]\s*(?:{escaped}|"{escaped}")\s*=')
        block = [n for n in self._block(step) if self._code[n - 1]]
        for pattern in (at_start, inline):
            for number in block:
                if pattern.search(self.lines[number - 1]):
                    return number
        return self.step_line(step) if step is not None else 1

    def text_line(self, fragment: str, step: int | None = None) -> int | None:
        """The first line of the header block or of a step whose text holds ``fragment``."""
        for number in self._block(step):
            if fragment in self.lines[number - 1]:
                return number
        return None
