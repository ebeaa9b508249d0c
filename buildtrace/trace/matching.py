"""Which events to stop at: the one pattern language of lessons, breakpoints and stepping.

A lesson's ``stop = { kind = "call", name = "Dense.build", layer = "dense" }``, a
viewer's breakpoint on a function or a layer, the stepper's "next build event" and the
lockstep child's "run until" all say the same thing: *an event whose fields are these*.
:class:`EventPattern` says it once, in this lower layer, so a lesson stop and a
breakpoint written alike stop at the same event (and the child, which gets a pattern
as JSON, agrees with the viewer that sent it).

The rule, field by field (every field given must hold; ``None`` holds for any event):

- ``kinds``: the event's ``kind`` is one of these (``exclude_kinds``: and none of those);
- ``names``: its ``name`` is one of these **in full or by its end** after a dot:
  ``"Dense.build"`` and ``"build"`` both match ``keras.layers.core.dense.Dense.build``
  (``exclude_names``: and none of those, by the same rule; ``name_suffix``: it ends so);
- ``layers``: its ``layer`` is one of these;
- ``attr``, ``value`` (for ``set``), ``weight`` (for ``add_weight``), ``error_type``
  (for ``raise``): that field equals this (``value``: ``true`` is not ``1``);
- ``max_depth``: its call ``depth`` is at most this; ``changes_only``: a ``set`` that
  changes the value;
- ``any_of``: at least one of these patterns matches as well.

Example:
    >>> stop = EventPattern(kinds=frozenset({"call"}), names=frozenset({"Dense.build"}))
    >>> stop.matches({"kind": "call", "name": "keras.layers.core.dense.Dense.build"})
    True
    >>> stop.matches({"kind": "call", "name": "keras.layers.core.dense.MyDense.build"})
    False
    >>> EventPattern.from_json(stop.to_json()) == stop
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from buildtrace.trace.event_types import Event, Scalar


def name_matches(name: str, wanted: Iterable[str]) -> bool:
    """Whether ``name`` is one of ``wanted``, in full or by its end after a dot.

    Example:
        >>> name_matches("keras.engine.base_layer.Layer._maybe_build", {"Layer._maybe_build"})
        True
        >>> name_matches("keras.engine.base_layer.Layer._maybe_build", {"r._maybe_build"})
        False
    """
    names = wanted if isinstance(wanted, frozenset | set) else frozenset(wanted)
    if name in names:
        return True
    dot = name.find(".")
    while dot >= 0:  # every end after a dot: "Layer._maybe_build", "_maybe_build"...
        if name[dot + 1 :] in names:
            return True
        dot = name.find(".", dot + 1)
    return False


def same_value(actual: object, expected: object) -> bool:
    """Equality that keeps ``True`` apart from ``1`` (TOML's true must match Python's True).

    Example:
        >>> same_value(True, 1), same_value([None, 3], (None, 3))
        (False, True)
    """
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    if isinstance(actual, list | tuple) and isinstance(expected, list | tuple):
        return list(actual) == list(expected)
    return bool(actual == expected)


_SETS = ("kinds", "exclude_kinds", "names", "layers", "exclude_names")
_TEXTS = ("name_suffix", "attr", "weight", "error_type")


@dataclass(frozen=True)
class EventPattern:
    """An event to stop at: every field given must match (see the module's rule).

    Attributes:
        kinds, exclude_kinds: the event's ``kind`` is one of ``kinds`` and none of these.
        names, exclude_names: its ``name``, in full or by its end, is one of ``names``
            and none of these.
        layers: its ``layer`` is one of these.
        name_suffix: its ``name`` ends with this (``".build"``).
        attr, weight, error_type: that field of the event is this.
        value, has_value: with ``has_value``, its ``value`` is this.
        max_depth: its ``depth`` is at most this.
        changes_only: for ``set`` events, only writes that change the value.
        any_of: at least one of these patterns matches as well (empty: no condition).
    """

    kinds: frozenset[str] | None = None
    exclude_kinds: frozenset[str] = frozenset()
    names: frozenset[str] | None = None
    layers: frozenset[str] | None = None
    name_suffix: str = ""
    exclude_names: frozenset[str] = frozenset()
    attr: str | None = None
    value: Scalar = None
    has_value: bool = False
    weight: str | None = None
    error_type: str | None = None
    max_depth: int | None = None
    changes_only: bool = False
    any_of: tuple[EventPattern, ...] = ()

    def matches(self, event: Event) -> bool:
        """Whether ``event`` fits every field given."""
        kind = event.get("kind")
        if (self.kinds is not None and kind not in self.kinds) or kind in self.exclude_kinds:
            return False
        name = event.get("name")
        text = name if isinstance(name, str) else ""
        if self.names is not None and not name_matches(text, self.names):
            return False
        if self.layers is not None and event.get("layer") not in self.layers:
            return False
        if self.name_suffix and not text.endswith(self.name_suffix):
            return False
        if self.exclude_names and name_matches(text, self.exclude_names):
            return False
        if not self._fields_match(event):
            return False
        if self.max_depth is not None and event.get("depth", 0) > self.max_depth:
            return False
        if self.changes_only and event.get("old") == event.get("value"):
            return False
        return not self.any_of or any(rule.matches(event) for rule in self.any_of)

    def _fields_match(self, event: Event) -> bool:
        return (
            (self.attr is None or event.get("attr") == self.attr)
            and (not self.has_value or same_value(event.get("value"), self.value))
            and (self.weight is None or event.get("weight") == self.weight)
            and (self.error_type is None or event.get("error_type") == self.error_type)
        )

    def to_json(self) -> dict[str, Any]:
        """The pattern as a JSON-ready dict (only the fields that constrain something)."""
        data: dict[str, Any] = {}
        for key in _SETS:
            value = getattr(self, key)
            if value is not None and (value or not key.startswith("exclude")):
                data[key] = sorted(value)
        for key in _TEXTS:
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.has_value:
            data["value"] = self.value
        if self.max_depth is not None:
            data["max_depth"] = self.max_depth
        if self.changes_only:
            data["changes_only"] = True
        if self.any_of:
            data["any_of"] = [rule.to_json() for rule in self.any_of]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EventPattern:
        """The pattern :meth:`to_json` described."""

        def names(key: str) -> frozenset[str] | None:
            value = data.get(key)
            return None if value is None else frozenset(str(v) for v in value)

        def text(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        return cls(
            kinds=names("kinds"),
            exclude_kinds=names("exclude_kinds") or frozenset(),
            names=names("names"),
            layers=names("layers"),
            name_suffix=str(data.get("name_suffix", "")),
            exclude_names=names("exclude_names") or frozenset(),
            attr=text("attr"),
            value=data.get("value"),
            has_value="value" in data,
            weight=text("weight"),
            error_type=text("error_type"),
            max_depth=data.get("max_depth"),
            changes_only=bool(data.get("changes_only", False)),
            any_of=tuple(cls.from_json(rule) for rule in data.get("any_of", ())),
        )
