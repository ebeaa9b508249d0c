"""Two traces side by side: their teaching views aligned, and what differs.

Each trace is reduced to its teaching view (:func:`buildtrace.state.teaching.teaching_step`:
the calls a Keras build is explained by, every flag that turns True, every weight, every
error), and the two sequences are aligned the way ``difflib`` aligns lines, on the
reduced steps themselves (kind, name, layer, and the flag's or the weight's details).
A stretch that is in one trace only, or differs, is a difference, unless every step of
it is a deliberate one listed in ``known_differences.toml`` (with its reason): then it is
shown as known and not counted.

Example:
    >>> a = [{"kind": "call", "name": "keras.engine.base_layer.Layer.build", "depth": 0,
    ...       "layer": "dense", "cls": "Dense"}]
    >>> compare(a, a, known=[]).same
    True
"""

from __future__ import annotations

import difflib
import fnmatch
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from buildtrace.state.teaching import Step, teaching_step
from buildtrace.trace import Event
from buildtrace.trace.events import short_name
from buildtrace.trace.shapes import format_shape

#: The list of deliberate differences, beside this module.
KNOWN_DIFFERENCES = Path(__file__).with_name("known_differences.toml")


@dataclass(frozen=True)
class Known:
    """One deliberate difference: which steps it covers, and why they differ."""

    id: str
    reason: str
    #: Field patterns; an event must match one (``name`` takes shell-style wildcards).
    match: tuple[dict[str, Any], ...]
    #: ``a``, ``b`` or ``either``: on which side of the comparison such steps appear.
    side: str = "either"
    #: Engines it applies to (empty: any), as named by the traces' ``engine`` field.
    engines: tuple[str, ...] = ()

    def covers(self, event: Event, side: str, engine: str) -> bool:
        """Whether this difference explains ``event`` seen on ``side`` of an ``engine``."""
        if self.side not in ("either", side):
            return False
        if self.engines and engine not in self.engines:
            return False
        return any(_matches(event, pattern) for pattern in self.match)


def _matches(event: Event, pattern: dict[str, Any]) -> bool:
    for key, wanted in pattern.items():
        value = event.get(key)
        if key == "name" and isinstance(wanted, str):
            if not isinstance(value, str) or not fnmatch.fnmatchcase(value, wanted):
                return False
        elif value != wanted:
            return False
    return True


def load_known(path: Path = KNOWN_DIFFERENCES) -> list[Known]:
    """The deliberate differences listed in ``path`` (TOML, ``[[difference]]`` tables)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known = []
    for entry in data.get("difference", []):
        known.append(
            Known(
                id=str(entry["id"]),
                reason=" ".join(str(entry["reason"]).split()),
                match=tuple(dict(m) for m in _as_list(entry.get("match", {}))),
                side=str(entry.get("side", "either")),
                engines=tuple(entry.get("engines", ())),
            )
        )
    return known


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Item:
    """A teaching step with the event it came from and its depth in the teaching tree."""

    step: Step
    event: Event
    depth: int


def teaching_items(events: Iterable[Event]) -> list[Item]:
    """The teaching view of a trace, each step with its nesting among teaching calls."""
    items: list[Item] = []
    open_calls: list[int] = []
    for event in events:
        kind = event.get("kind")
        if kind in ("return", "raise") and event.get("call") in open_calls:
            while open_calls and open_calls.pop() != event.get("call"):
                pass
        step = teaching_step(event)
        if step is None:
            continue
        items.append(Item(step, event, len(open_calls)))
        if kind == "call":
            open_calls.append(event.get("seq", -1))
    return items


@dataclass
class Row:
    """One line of the side-by-side view."""

    op: str  # "equal", "changed", "a_only", "b_only"
    a: Item | None
    b: Item | None
    known: str | None = None


@dataclass
class Comparison:
    """The aligned teaching views of two traces, and the verdict."""

    rows: list[Row]
    known: dict[str, Known] = field(default_factory=dict)

    @property
    def differences(self) -> int:
        """Rows that differ and no known difference explains."""
        return sum(1 for r in self.rows if r.op != "equal" and r.known is None)

    @property
    def known_rows(self) -> int:
        return sum(1 for r in self.rows if r.known is not None)

    @property
    def same(self) -> bool:
        return self.differences == 0

    def verdict(self, a_name: str = "A", b_name: str = "B") -> str:
        """One line: the same, or how many steps differ."""
        equal = sum(1 for r in self.rows if r.op == "equal")
        known = self.known_rows
        tail = f" ({known} known difference{'s' * (known != 1)} not counted)" if known else ""
        if self.same:
            return f"same teaching view: {equal} steps match{tail}"
        n = self.differences
        return f"different: {n} step{'s' * (n != 1)} differ between {a_name} and {b_name}{tail}"


def compare(
    a_events: Sequence[Event],
    b_events: Sequence[Event],
    *,
    known: Sequence[Known] | None = None,
    engines: tuple[str, str] = ("", ""),
) -> Comparison:
    """Align the teaching views of two traces and mark what differs.

    Args:
        a_events: the first trace's events.
        b_events: the second's.
        known: the deliberate differences (default: ``known_differences.toml``).
        engines: the engines that recorded A and B (a known difference may be
            limited to some).
    """
    known = load_known() if known is None else list(known)
    a_items, b_items = teaching_items(a_events), teaching_items(b_events)
    matcher = difflib.SequenceMatcher(
        None, [i.step for i in a_items], [i.step for i in b_items], autojunk=False
    )
    rows: list[Row] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            rows += [Row("equal", a_items[a0 + k], b_items[b0 + k]) for k in range(a1 - a0)]
            continue
        lefts, rights = a_items[a0:a1], b_items[b0:b1]
        for k in range(max(len(lefts), len(rights))):
            left = lefts[k] if k < len(lefts) else None
            right = rights[k] if k < len(rights) else None
            kind = "changed" if left and right else ("a_only" if left else "b_only")
            rows.append(Row(kind, left, right, _explained(left, right, known, engines)))
    return Comparison(rows, {k.id: k for k in known})


def _explained(
    left: Item | None, right: Item | None, known: Sequence[Known], engines: tuple[str, str]
) -> str | None:
    """The id of the known difference covering both sides of a row, if one does."""
    for entry in known:
        ok_left = left is None or entry.covers(left.event, "a", engines[0])
        ok_right = right is None or entry.covers(right.event, "b", engines[1])
        if ok_left and ok_right:
            return entry.id
    return None


# ------------------------------------------------------------------------------ text
def describe(item: Item) -> str:
    """A step in a few words: ``Layer._maybe_build [dense]``, ``dense.built = True``..."""
    step, event = item.step, item.event
    kind = step[0]
    if kind == "call":
        layer = f" [{step[2]}]" if step[2] else ""
        text = short_name(step[1]) + layer
    elif kind == "set":
        text = f"{step[1]}.{step[2]} = {step[3]}"
    elif kind == "add_weight":
        text = f"+ {step[2]} {format_shape(list(step[3]))} {step[4]}"
    else:
        text = f"raise {step[2]}: {step[3]}"
    if "tf_trace" in event:
        text += f"  ‹trace {event['tf_trace']}›"
    return "  " * item.depth + text


MARKS = {"equal": " ", "changed": "~", "a_only": "<", "b_only": ">"}


def side_by_side(comparison: Comparison, a_title: str, b_title: str, width: int = 160) -> str:
    """The aligned views as text: a mark, A's step, B's step (known rows say which)."""
    column = max(30, (width - 4) // 2)

    def cell(text: str) -> str:
        return text if len(text) <= column else text[: column - 1] + "…"

    lines = [f"  {cell(a_title):<{column}}  {cell(b_title)}"]
    for row in comparison.rows:
        mark = "=" if row.known is not None else MARKS[row.op]
        left = describe(row.a) if row.a else ""
        right = describe(row.b) if row.b else ""
        line = f"{mark} {cell(left):<{column}}  {cell(right)}"
        if row.known is not None:
            line += f"   (known: {row.known})"
        lines.append(line.rstrip())
    used = sorted({r.known for r in comparison.rows if r.known is not None})
    for known_id in used:
        lines.append(f"known difference {known_id}: {comparison.known[known_id].reason}")
    return "\n".join(lines)


def to_json(comparison: Comparison, a_title: str, b_title: str) -> dict[str, Any]:
    """The comparison for machines (``buildtrace diff --json``)."""

    def side(item: Item | None) -> dict[str, Any] | None:
        if item is None:
            return None
        data = {"step": list(item.step), "seq": item.event.get("seq"), "depth": item.depth}
        if "tf_trace" in item.event:
            data["tf_trace"] = item.event["tf_trace"]
        return data

    return {
        "a": a_title,
        "b": b_title,
        "same": comparison.same,
        "differences": comparison.differences,
        "known": comparison.known_rows,
        "verdict": comparison.verdict(a_title, b_title),
        "rows": [
            {"op": r.op, "a": side(r.a), "b": side(r.b), "known": r.known} for r in comparison.rows
        ],
        "known_differences": {
            k: comparison.known[k].reason
            for k in sorted({r.known for r in comparison.rows if r.known})
        },
    }
