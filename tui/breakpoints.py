"""Breakpoints: stop at an event kind, at the entry of a function, or at a layer's events."""

from __future__ import annotations

from dataclasses import dataclass, field

from buildtrace.runner.child import StopRule
from buildtrace.trace import Event

#: The kinds a layer breakpoint stops at: what happens to the layer, not its returns.
LAYER_KINDS = frozenset({"call", "set", "add_weight", "raise"})

_CALLS = frozenset({"call"})


@dataclass
class Breakpoints:
    """The breakpoints set, by kind, by function (Keras 2 name) and by layer.

    Example:
        >>> points = Breakpoints()
        >>> points.toggle("function", "keras.engine.base_layer.Layer._maybe_build")
        True
        >>> points.matches({"kind": "call", "name": "keras.engine.base_layer.Layer._maybe_build"})
        True
    """

    kinds: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    layers: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.kinds or self.functions or self.layers)

    def __len__(self) -> int:
        return len(self.kinds) + len(self.functions) + len(self.layers)

    def _set(self, sort: str) -> set[str]:
        return {"kind": self.kinds, "function": self.functions, "layer": self.layers}[sort]

    def toggle(self, sort: str, value: str) -> bool:
        """Add or remove a breakpoint (``sort``: kind, function, layer); True if now set."""
        chosen = self._set(sort)
        if value in chosen:
            chosen.discard(value)
            return False
        chosen.add(value)
        return True

    def entries(self) -> list[tuple[str, str]]:
        """Every breakpoint as ``(sort, value)``, sorted."""
        return sorted(
            [("kind", k) for k in self.kinds]
            + [("function", f) for f in self.functions]
            + [("layer", name) for name in self.layers]
        )

    def replace_all(self, entries: list[tuple[str, str]]) -> None:
        """Set exactly these breakpoints."""
        for chosen in (self.kinds, self.functions, self.layers):
            chosen.clear()
        for sort, value in entries:
            self._set(sort).add(value)

    def rule(self) -> StopRule | None:
        """The stop rule of all breakpoints together (None when there is none)."""
        rules: list[StopRule] = []
        if self.kinds:
            rules.append(StopRule(kinds=frozenset(self.kinds)))
        if self.functions:
            rules.append(StopRule(kinds=_CALLS, names=frozenset(self.functions)))
        if self.layers:
            rules.append(StopRule(kinds=LAYER_KINDS, layers=frozenset(self.layers)))
        return StopRule(any_of=tuple(rules)) if rules else None

    def index_keys(self) -> tuple[str, ...]:
        """The store indexes holding every event a breakpoint can stop at."""
        keys = set(self.kinds)
        if self.functions:
            keys |= _CALLS
        if self.layers:
            keys |= LAYER_KINDS
        return tuple(sorted(keys))

    def matches(self, event: Event) -> bool:
        """Whether a breakpoint stops at ``event``."""
        rule = self.rule()
        return rule is not None and rule.matches(event)
