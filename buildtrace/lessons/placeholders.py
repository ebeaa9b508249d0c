"""Placeholders in a lesson's words: ``{layer}``, ``{shape}``... filled from the stop event.

A teacher writes "`{layer}` gets its `{weight}`: shape {shape}" once, and the lesson
says "`dense` gets its `kernel`: shape (784, 512)" with whatever the script built.
The names are few and fixed (:data:`PLACEHOLDERS`), so a typo is caught when the file
is loaded, not in front of the class. ``{{`` and ``}}`` write a literal brace.

Example:
    >>> fill("{layer} gets {shape}", {"layer": "dense", "shape": "(784, 512)"})
    'dense gets (784, 512)'
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from buildtrace.narration.context import num, shape
from buildtrace.narration.explanations import Explanation
from buildtrace.trace import Event
from buildtrace.trace.event_types import EventKey
from buildtrace.trace.events import short_name

#: Every placeholder a lesson may use, with what it becomes (shown in FORMAT.md too).
PLACEHOLDERS: dict[str, str] = {
    "layer": "the layer or model the event is about: dense, sequential",
    "function": "the Keras function, short: Dense.build, Layer._maybe_build",
    "kind": "the event's kind: call, return, set, add_weight, raise...",
    "seq": "the event's number in the trace",
    "shape": "add_weight: the weight's shape; a call or return: its input shape",
    "input_shape": "a call: the input shape it was given",
    "output_shape": "a call: the output shape it gave back (read from its return)",
    "weight": "add_weight: the weight's name, e.g. kernel",
    "initializer": "add_weight: e.g. GlorotUniform",
    "params": "add_weight: how many numbers the weight holds, e.g. 401,408",
    "attr": "set: the attribute written, e.g. built",
    "value": "set: the new value, e.g. True",
    "old": "set: the value before, e.g. False",
    "error": "raise: the error's type, e.g. ValueError",
    "message": "raise: the error's message",
    "title": "the narration's title of the event",
    "mirrors": "the Keras 2 source the event mirrors, e.g. keras/engine/base_layer.py::Layer.build",
}


class TemplateError(ValueError):
    """A template that cannot be read: an unclosed ``{``, a format spec, an unknown name."""


def names_in(template: str) -> list[str]:
    """The placeholder names ``template`` uses, in order (duplicates kept).

    Raises:
        TemplateError: a stray ``{`` or ``}``, or ``{name:spec}`` / ``{name!r}`` (kept out
            so that a lesson stays plain text with names in braces).
    """
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(f"{exc} (write {{{{ or }}}} for a literal brace)") from None
    names: list[str] = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion:
            raise TemplateError(f"write a placeholder as plain {{{name}}}, without : or !")
        names.append(name)
    return names


def unknown_names(template: str) -> list[str]:
    """The names in ``template`` that are not placeholders (empty when all is well)."""
    return [name for name in names_in(template) if name not in PLACEHOLDERS]


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with its placeholders replaced (all must have a value)."""
    return template.format_map(values)


def values_for(events: Sequence[Event], index: int, explanation: Explanation) -> dict[str, str]:
    """The placeholders' values at ``events[index]``: only those that event has."""
    event = events[index]
    kind = str(event.get("kind", ""))
    values: dict[str, str] = {
        "kind": kind,
        "seq": str(event.get("seq", index)),
        "title": explanation.title,
        "mirrors": explanation.mirrors,
    }
    inside = _inside(events, index) if kind == "call" else []
    end = inside[-1] if inside and inside[-1].get("kind") in ("return", "raise") else None
    # keras.Input() without a name learns its layer's name inside the call.
    layer = event.get("layer") or next((e["layer"] for e in inside if e.get("layer")), None)
    if layer:
        values["layer"] = str(layer)
    name = str(event.get("name", ""))
    if name and kind != "add_weight":
        values["function"] = short_name(name)
    if kind in ("call", "return") and event.get("input_shape") is not None:
        values["input_shape"] = values["shape"] = shape(event["input_shape"])
    output = (end or event).get("output_shape")
    if output is not None:
        values["output_shape"] = shape(output)
    if kind == "add_weight":
        values["shape"] = shape(event.get("shape"))
        _copy(values, event, ("weight", "initializer"))
        if event.get("params") is not None:
            values["params"] = num(event["params"])
    elif kind == "set":
        _copy(values, event, ("attr", "value", "old"))
    elif kind == "raise":
        values["error"] = str(event.get("error_type", ""))
        values["message"] = str(event.get("message", ""))
    return values


def _copy(values: dict[str, str], event: Event, keys: tuple[EventKey, ...]) -> None:
    for key in keys:
        if key in event:
            values[key] = _text(event[key])


def _text(value: Any) -> str:
    """A value as Python would print it: True, None, (784, 512)."""
    return shape(value) if isinstance(value, list) else str(value)


def _inside(events: Sequence[Event], index: int) -> list[Event]:
    """The events of the call at ``index``, up to and including its ``return``/``raise``."""
    depth = events[index].get("depth", 0)
    inside: list[Event] = []
    for event in events[index + 1 :]:
        if event.get("kind") == "call" and event.get("depth", 0) <= depth:
            break
        inside.append(event)
        if event.get("depth") == depth and event.get("kind") in ("return", "raise"):
            break
    return inside
