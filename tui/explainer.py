"""What the current step does, in plain words.

The words come from :func:`buildtrace.narration.explain`. Should the narration fail
on an event (a bug there must never stop a student stepping), or have nothing to say,
a short text is built from the event itself and from the engine function's own
docstring, which says what the function does and which Keras 2 function it mirrors.
"""

from __future__ import annotations

from buildtrace.narration import Explanation, explain
from buildtrace.state.model_state import ModelState
from buildtrace.trace import Event
from buildtrace.trace.events import short_name
from buildtrace.trace.shapes import format_shape, format_value
from tui.labels import counted
from tui.source_index import function_at

__all__ = ["Explainer", "Explanation", "fallback", "mirrors_of"]


class Explainer:
    """Explains events with the narration, falling back to the event's own words.

    Example:
        >>> event = {"kind": "set", "name": "Dense.built", "layer": "dense",
        ...          "attr": "built", "old": False, "value": True}
        >>> Explainer().explain(event).title.startswith("built")
        True
        >>> fallback(event).title  # the words made from the event itself
        'dense.built = True'
    """

    def explain(self, event: Event, state: ModelState | None = None) -> Explanation:
        """The explanation of ``event`` (``state``: the model as of it, if known)."""
        try:
            told = explain(event, state)
        except Exception:  # a narration bug must not break stepping
            return fallback(event)
        return told if told.text else fallback(event)


def mirrors_of(name: str, src: object) -> str:
    """``keras/engine/base_layer.py::Layer._maybe_build`` from an event's name and src."""
    path = src.rpartition(":")[0] if isinstance(src, str) else ""
    module = path[: -len(".py")].replace("/", ".") if path.endswith(".py") else ""
    if module and name.startswith(module + "."):
        return f"{path}::{name[len(module) + 1 :]}"
    return name


def _docstring_parts(src: object) -> tuple[str, str]:
    """A function's docstring split into (what it does, the rest: mirrors and why)."""
    found = function_at(src)
    if found is None:
        return "", ""
    paragraphs = [" ".join(p.split()) for p in found[0].docstring.split("\n\n") if p.strip()]
    if not paragraphs:
        return "", ""
    first, rest = paragraphs[0], paragraphs[1:]
    if first.startswith("Mirrors"):
        return "", " ".join(paragraphs)
    return first, " ".join(rest)


def fallback(event: Event) -> Explanation:
    """A short explanation built from the event and its function's docstring."""
    kind = str(event.get("kind"))
    name = str(event.get("name", ""))
    layer = event.get("layer")
    about = f" [{layer}]" if layer else ""
    if kind == "call":
        text, why = _docstring_parts(event.get("src"))
        return Explanation(
            title=f"{short_name(name)}{about}",
            mirrors=mirrors_of(name, event.get("src")),
            text=text or f"Keras calls {short_name(name)}{' on ' + layer if layer else ''}.",
            why=why,
        )
    if kind == "return":
        shape = event.get("output_shape")
        result = f" and gives back a tensor of shape {format_shape(shape)}" if shape else ""
        return Explanation(
            title=f"↩ {short_name(name)}{about} returns",
            mirrors=name,
            text=f"{short_name(name)} is done{result}. Its caller goes on.",
            why="",
        )
    if kind == "set":
        owner = layer or event.get("cls") or "?"
        attr, value = event.get("attr"), format_value(event.get("value"))
        old = "unset" if event.get("old") is None else format_value(event.get("old"))
        change = "changes" if event.get("old") != event.get("value") else "is written again"
        return Explanation(
            title=f"{owner}.{attr} = {value}",
            mirrors=f"the attribute {event.get('cls', '')}.{attr}",
            text=f"{owner}.{attr} {change}: {old} → {value}.",
            why="",
        )
    if kind == "add_weight":
        shape = format_shape(event.get("shape") or [])
        params = counted(event.get("params", 0), "parameter")
        return Explanation(
            title=f"+ {layer}/{event.get('weight')} {shape}",
            mirrors="keras/engine/base_layer.py::Layer.add_weight",
            text=(
                f"{layer} creates its weight {event.get('weight')} of shape {shape}, "
                f"filled by {event.get('initializer')}: {params}."
            ),
            why="",
        )
    if kind == "raise":
        where = f" at {event['src']}" if event.get("src") else ""
        return Explanation(
            title=f"✗ {event.get('error_type', 'error')}{about}",
            mirrors=name,
            text=f"{event.get('error_type')}: {event.get('message')}{where}",
            why="" if event.get("origin", True) else "The error passes through this call.",
        )
    return Explanation(
        title=kind.replace("_", " "),
        mirrors=f"keras/engine/training.py::Model.{event.get('name', 'fit')}",
        text=f"A training event of {layer or 'the model'}: {kind.replace('_', ' ')}.",
        why="",
    )
