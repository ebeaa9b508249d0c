"""What the current step does, in plain words.

The words come from ``buildtrace.lessons.narration.explain`` when that module exists
(it is the narration's home). Until then, and for any event it cannot explain, a short
text is built from the event itself and from the engine function's own docstring,
which says what the function does and which Keras 2 function it mirrors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from buildtrace.render.tree import format_shape, format_value
from buildtrace.state.model_state import ModelState
from buildtrace.trace import Event
from buildtrace.trace.events import short_name
from tui.source_index import function_at

NARRATION_MODULE = "buildtrace.lessons.narration"


@dataclass(frozen=True)
class Explanation:
    """The explanation of one event.

    Attributes:
        title: a headline (``Layer._maybe_build [dense]``).
        mirrors: the Keras 2 function it mirrors (``keras/engine/base_layer.py::...``).
        text: what happens.
        why: why Keras does it (may be empty).
    """

    title: str
    mirrors: str
    text: str
    why: str = ""


def _load_narration() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module(NARRATION_MODULE)
    except ImportError:
        return None
    explain = getattr(module, "explain", None)
    return explain if callable(explain) else None


class Explainer:
    """Explains events, with the narration module when there is one.

    Example:
        >>> Explainer().explain({"kind": "set", "name": "Dense.built", "layer": "dense",
        ...                      "attr": "built", "old": False, "value": True}).title
        'dense.built = True'
    """

    def __init__(self) -> None:
        self._narrate = _load_narration()

    def explain(self, event: Event, state: ModelState | None = None) -> Explanation:
        """The explanation of ``event`` (``state``: the model as of it, if known)."""
        if self._narrate is not None:
            try:
                told = self._narrate(event, state)
            except Exception:  # a narration bug must not break stepping
                told = None
            if told is not None and getattr(told, "text", None):
                return Explanation(
                    title=str(getattr(told, "title", "")),
                    mirrors=str(getattr(told, "mirrors", "")),
                    text=str(getattr(told, "text", "")),
                    why=str(getattr(told, "why", "")),
                )
        return fallback(event)


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
        )
    if kind == "add_weight":
        shape = format_shape(event.get("shape") or [])
        return Explanation(
            title=f"+ {layer}/{event.get('weight')} {shape}",
            mirrors="keras/engine/base_layer.py::Layer.add_weight",
            text=(
                f"{layer} creates its weight {event.get('weight')} of shape {shape}, "
                f"filled by {event.get('initializer')}: {event.get('params', 0):,} parameters."
            ),
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
    )
