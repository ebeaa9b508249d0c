"""Below the aligned rows: each side's event at the cursor, field by field.

A teaching row is a summary; what a student checks against the other engine is the
event it came from (its ``seq``, class, source line, the flag's old value, a weight's
initializer). Fields every event has and nobody compares (``v``, ``t``) are left out.

Example:
    >>> from buildtrace.engines.compare import Item
    >>> event = {"v": 1, "seq": 7, "t": 0.1, "kind": "set", "name": "Dense.built",
    ...          "layer": "dense", "attr": "built", "old": False, "value": True}
    >>> event_fields(Item(("set", "dense", "built", True), event, 2))[:3]
    [('seq', '7'), ('kind', 'set'), ('name', 'Dense.built')]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from buildtrace.engines.compare import Item

#: Fields shown first, in this order; the rest follow as the event has them.
FIRST = ("seq", "kind", "name", "layer", "cls", "attr", "old", "value", "weight", "shape")

#: Fields never shown: the format version and the clock differ on every run.
LEFT_OUT = frozenset({"v", "t"})


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(", ", ": "))


def event_fields(item: Item) -> list[tuple[str, str]]:
    """The event's fields as (name, text), the telling ones first."""
    # Every field, those outside the contract too: the event as a plain mapping.
    event: Mapping[str, object] = item.event
    names = [f for f in FIRST if f in event]
    names += [f for f in event if f not in FIRST and f not in LEFT_OUT]
    return [(name, _text(event[name])) for name in names]


def fields_table(item: Item | None, absent: str) -> Table | Text:
    """A two-column grid of the event's fields, or a line saying the side has none."""
    if item is None:
        return Text(absent, style="italic")
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, text in event_fields(item):
        table.add_row(name, text)
    return table


class EventDetail(Static):
    """One side's event at the cursor (its title rule names the side).

    Attributes:
        fields: the fields shown, as (name, text); empty when the side has no step here.
    """

    fields: list[tuple[str, str]] = []  # noqa: RUF012 (replaced, never changed in place)

    def show(self, item: Item | None, other_side: str, known_reason: str = "") -> None:
        """Show ``item``'s fields; when the side has no step here, say so (and why)."""
        self.fields = event_fields(item) if item is not None else []
        absent = f"nothing here: this step is only in {other_side}"
        if known_reason:
            absent += f".\n\nA known difference: {known_reason}"
        self.update(fields_table(item, absent))
