"""The call stack at event *i*: which traced functions are running.

A pure fold: ``call`` pushes, ``return`` and ``raise`` pop. It works on any prefix of a
trace, so a viewer stepping backwards just folds fewer events.
"""

from __future__ import annotations

from collections.abc import Iterable

from buildtrace.trace import Event


class CallStack:
    """Folds events into the stack of open calls (outermost first).

    Example:
        >>> stack = CallStack()
        >>> stack.apply({"kind": "call", "name": "f", "depth": 0, "seq": 0})
        >>> [e["name"] for e in stack.frames]
        ['f']
    """

    def __init__(self) -> None:
        self.frames: list[Event] = []

    def apply(self, event: Event) -> None:
        """Take one more event into account."""
        kind = event["kind"]
        if kind == "call":
            # Trust depth over pairing: a trace cut short must not leave stale frames.
            del self.frames[event.get("depth", len(self.frames)) :]
            self.frames.append(event)
        elif kind in ("return", "raise"):
            del self.frames[event.get("depth", len(self.frames) - 1) :]


def call_stack(events: Iterable[Event]) -> list[Event]:
    """The open calls after ``events`` (outermost first)."""
    stack = CallStack()
    for event in events:
        stack.apply(event)
    return stack.frames


def matching_end(events: list[Event], index: int) -> int:
    """Index of the ``return``/``raise`` that closes the call at ``index`` (or the last index).

    Used for "step over": jump past everything the call did.
    """
    depth = events[index].get("depth", 0)
    for j in range(index + 1, len(events)):
        event = events[j]
        if event["kind"] in ("return", "raise") and event.get("depth") == depth:
            return j
        if event["kind"] == "call" and event.get("depth", 0) <= depth:
            return j - 1
    return len(events) - 1
