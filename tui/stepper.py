"""Where each stepping command moves the cursor: a debugger's motions over events.

A motion starts at the cursor and either lands on an event the store already holds, or,
on a live trace, has to :class:`Wait` for events still to come. A ``Wait`` carries the
:class:`~buildtrace.runner.child.StopRule` a child in lockstep should run until: the
viewer asks the child for exactly the events the motion needs, then tries again.

Motions only land on events whose kind the viewer shows (the kind filter), and
backward motions never wait: the past is all there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from buildtrace.runner.child import END_KINDS, StopRule
from buildtrace.trace import keras_names
from tui.breakpoints import Breakpoints
from tui.event_store import BUILD, ERROR, FLAG_CHANGE, OPENERS, EventStore

#: Stop at the very next event.
ANY = StopRule()


@dataclass(frozen=True)
class Wait:
    """The motion needs events that have not arrived; a child may run until ``rule``."""

    rule: StopRule


#: Where a motion goes: an event index, a wait for more, or nowhere (``None``).
Outcome = int | Wait | None


@dataclass(frozen=True)
class Jump:
    """A jump to the next (or previous) event of one sort."""

    title: str
    keys: tuple[str, ...]
    rule: StopRule


#: The jumps of the ``jump`` motions, by name.
JUMPS = {
    "build": Jump(
        "build of a layer",
        (BUILD,),
        StopRule(
            kinds=frozenset({"call"}),
            name_suffix=".build",
            exclude_names=frozenset({keras_names.LAYER_BUILD}),
        ),
    ),
    "weight": Jump("add_weight", ("add_weight",), StopRule(kinds=frozenset({"add_weight"}))),
    "flag": Jump(
        "flag change", (FLAG_CHANGE,), StopRule(kinds=frozenset({"set"}), changes_only=True)
    ),
    "error": Jump("error", (ERROR,), StopRule(kinds=frozenset({"raise"}))),
    "call": Jump("call", ("call",), StopRule(kinds=frozenset({"call"}))),
}


class Stepper:
    """Computes the target of every motion on an :class:`EventStore`.

    Attributes:
        store: the events.
        hidden: the kinds motions never land on (those the timeline hides).
        live: whether more events may still come (else motions never wait).

    Example:
        >>> stepper = Stepper(EventStore())
        >>> stepper.step(-1, "next")  # doctest: +ELLIPSIS
        Wait(rule=EventPattern(...))
    """

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.hidden: frozenset[str] = frozenset()
        self.live = True

    # ------------------------------------------------------------------ helpers
    def shown(self, index: int) -> bool:
        """Whether motions may land on the event at ``index``."""
        return self.store.events[index].get("kind") not in self.hidden

    def _wait(self, rule: StopRule, *, final: bool = True) -> Wait | None:
        """Wait for ``rule`` (a ``final`` rule's match is the motion's target itself)."""
        if not self.live:
            return None
        if final and self.hidden:
            # The child stops only where the viewer would land: shown kinds only.
            rule = replace(rule, exclude_kinds=rule.exclude_kinds | self.hidden)
        return Wait(rule)

    def _first(self, candidates: Iterable[int], rule: StopRule = ANY) -> int | None:
        events = self.store.events
        for index in candidates:
            if self.shown(index) and rule.matches(events[index]):
                return index
        return None

    def forward(self, start: int, rule: StopRule = ANY, keys: Iterable[str] = ()) -> Outcome:
        """The first shown event at or after ``start`` matching ``rule`` (or a wait)."""
        keys = tuple(keys)
        candidates: Iterator[int] | range
        if keys:
            candidates = self.store.indices(keys, start)
        else:
            candidates = range(max(start, 0), len(self.store))
        found = self._first(candidates, rule)
        return found if found is not None else self._wait(rule)

    def backward(self, stop: int, rule: StopRule = ANY, keys: Iterable[str] = ()) -> int | None:
        """The last shown event at or before ``stop`` matching ``rule``."""
        keys = tuple(keys)
        if stop < 0:
            return None
        if keys:
            return self._first(self.store.indices_before(keys, stop), rule)
        return self._first(range(stop, -1, -1), rule)

    # ------------------------------------------------------------------ motions
    def step(self, cursor: int, motion: str) -> Outcome:
        """Where ``motion`` goes from ``cursor``.

        Motions: ``next``, ``prev``, ``into`` (the next call), ``back_into`` (the
        previous call), ``over`` (past the current call), ``back_over`` (the previous
        event at this level), ``out`` (to the end of the enclosing call), ``up`` (to the
        enclosing call itself), ``home``, ``end``.
        """
        store = self.store
        if motion == "home":
            return self.forward(0)
        if motion == "end":
            return self.backward(store.last)
        if cursor < 0 or cursor > store.last:
            return self.forward(0) if motion in ("next", "into", "over") else None
        handlers: dict[str, Callable[[int], Outcome]] = {
            "next": lambda i: self.forward(i + 1),
            "prev": lambda i: self.backward(i - 1),
            "into": lambda i: self.forward(i + 1, JUMPS["call"].rule, JUMPS["call"].keys),
            "back_into": lambda i: self.backward(i - 1, JUMPS["call"].rule, JUMPS["call"].keys),
            "over": self._over,
            "back_over": self._back_over,
            "out": self._out,
            "up": self._up,
        }
        return handlers[motion](cursor)

    def jump(self, cursor: int, name: str, *, backward: bool = False) -> Outcome:
        """The next (or previous) event of the sort ``name`` (see :data:`JUMPS`)."""
        jump = JUMPS[name]
        if backward:
            return self.backward(cursor - 1, jump.rule, jump.keys)
        return self.forward(cursor + 1, jump.rule, jump.keys)

    def to_breakpoint(self, cursor: int, breakpoints: Breakpoints, *, backward: bool) -> Outcome:
        """The next (or previous) event a breakpoint stops at."""
        rule = breakpoints.rule()
        if rule is None:
            return None
        keys = breakpoints.index_keys()
        if backward:
            return self.backward(cursor - 1, rule, keys)
        return self.forward(cursor + 1, rule, keys)

    def _over(self, index: int) -> Outcome:
        store = self.store
        event = store.events[index]
        kind = event.get("kind")
        if kind not in OPENERS:
            return self.forward(index + 1)
        end = store.end.get(index)
        if end is None:
            # Run until the group ends, then look again for what comes after it.
            return self._wait(_end_rule(kind, event.get("depth", 0)), final=False)
        return self.forward(end + 1)

    def _back_over(self, index: int) -> Outcome:
        """The previous event at the same level (or the enclosing group's opener)."""
        store = self.store
        parent = store.parent[index]
        j = index - 1
        while j >= 0:
            # Climb from j to the ancestor that sits at our level: O(depth), not O(size).
            while j > parent and store.parent[j] != parent:
                j = store.parent[j]
            if j < 0 or self.shown(j):
                return j if j >= 0 else None
            j -= 1
        return None

    def _out(self, index: int) -> Outcome:
        store = self.store
        group = store.enclosing(index)
        if group < 0:
            return None
        end = store.end.get(group)
        if end is None:
            event = store.events[group]
            return self._wait(_end_rule(event.get("kind"), event.get("depth", 0)), final=False)
        return end if self.shown(end) else self.forward(end + 1)

    def _up(self, index: int) -> Outcome:
        group = self.store.enclosing(index)
        while group >= 0 and not self.shown(group):
            group = self.store.parent[group]
        return group if group >= 0 else None


def _end_rule(kind: object, depth: object) -> StopRule:
    """A rule that stops where a group opened by ``kind`` at ``depth`` can end."""
    if kind == "epoch_begin":
        return StopRule(kinds=OPENERS["epoch_begin"])
    return StopRule(kinds=END_KINDS, max_depth=depth if isinstance(depth, int) else 0)
