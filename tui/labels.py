"""One line of text per event: what the timeline shows for it.

The wording follows ``buildtrace run``'s printed tree (short Keras 2 names, the layer
in brackets, shapes as Python prints them); the colours come from a :class:`Palette`
the widget builds from its stylesheet, so they follow the light or dark theme.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rich.style import Style
from rich.text import Text

from buildtrace.trace import Event
from buildtrace.trace.events import short_name
from buildtrace.trace.shapes import format_shape, format_value

#: Fields every event has, or that the label shows in its own way: not "short args".
_PLAIN_FIELDS = frozenset(
    {"v", "seq", "t", "kind", "name", "depth", "layer", "cls", "src", "caller", "call",
     "config", "input_shape", "output_shape", "node_index", "optimizer_config"}
)  # fmt: skip

#: Longest rendering of one short argument before it is cut.
_ARG_WIDTH = 28


def seq_of(event: Event | None, index: int) -> int | None:
    """The number the viewer shows for an event: its own ``seq``, as lessons, handouts,
    frames and ``--at`` do (its index, should a trace lack one); None for no event.

    Example:
        >>> seq_of({"seq": 24, "kind": "call"}, 24), seq_of(None, -1)
        (24, None)
    """
    if event is None:
        return None
    seq = event.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else index


def counted(count: object, word: str, suffix: str = "s") -> str:
    """``1 epoch``, ``5 epochs``, ``1,024 batches``; ``? epochs`` when not a number.

    Example:
        >>> counted(1, "step"), counted(469, "batch", "es")
        ('1 step', '469 batches')
    """
    if not isinstance(count, int) or isinstance(count, bool):
        return f"? {word}{suffix}"
    return f"{count:,} {word}{'' if count == 1 else suffix}"


@dataclass
class Palette:
    """The styles labels use (defaults suit a dark or light terminal alike)."""

    name: Style = field(default_factory=Style)
    layer: Style = field(default_factory=lambda: Style(color="cyan"))
    detail: Style = field(default_factory=lambda: Style(dim=True))
    flag: Style = field(default_factory=lambda: Style(color="yellow", bold=True))
    weight: Style = field(default_factory=lambda: Style(color="green"))
    error: Style = field(default_factory=lambda: Style(color="red", bold=True))
    training: Style = field(default_factory=lambda: Style(color="magenta"))


def short_arg(value: Any) -> str:
    """An argument's value in a few characters: shapes as tuples, long ones cut."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        text = "[" + ", ".join(value) + "]"
    else:
        text = format_shape(value) if isinstance(value, list | tuple) else format_value(value)
    return text if len(text) <= _ARG_WIDTH else text[: _ARG_WIDTH - 1] + "…"


def call_text(event: Event, end: Event | None, palette: Palette) -> Text:
    """``Layer.__call__ [dense] (None, 784) → (None, 512)``."""
    name = short_name(str(event.get("name", "?")))
    text = Text(name, style=palette.name)
    layer, cls = event.get("layer"), event.get("cls")
    if layer:
        text.append(f" [{layer}]", style=palette.layer)
    elif cls and cls != name.split(".")[0]:
        text.append(f" [{cls}]", style=palette.layer)
    if "input_shape" in event:
        text.append(f" {format_shape(event['input_shape'])}", style=palette.detail)
    extras = [f"{k}={short_arg(v)}" for k, v in event.items() if k not in _PLAIN_FIELDS]
    if extras:
        text.append(" " + " ".join(extras), style=palette.detail)
    if end is not None and end.get("kind") == "return" and "output_shape" in end:
        text.append(f" → {format_shape(end['output_shape'])}", style=palette.detail)
    elif end is not None and end.get("kind") == "raise":
        text.append(f" ✗ {end.get('error_type', 'error')}", style=palette.error)
    return text


def end_text(event: Event, palette: Palette) -> Text:
    """``↩ return → (None, 512)`` or ``✗ ValueError: ...``."""
    if event.get("kind") == "raise":
        error = str(event.get("error_type", "error"))
        if event.get("uncaught"):
            error = f"uncaught {error}"
        elif event.get("origin") is False:
            error = f"{error} passes through"
        message = event.get("message")
        return Text(f"✗ {error}: {message}" if message else f"✗ {error}", style=palette.error)
    text = Text("↩", style=palette.detail)
    if "output_shape" in event:
        text.append(f" → {format_shape(event['output_shape'])}", style=palette.detail)
    extras = [f"{k}={short_arg(v)}" for k, v in event.items() if k not in _PLAIN_FIELDS]
    if extras:
        text.append(" " + " ".join(extras), style=palette.detail)
    return text


def set_text(event: Event, palette: Palette) -> Text:
    """``dense.built = True (was False)``."""
    owner = event.get("layer") or event.get("cls") or "?"
    attr = event.get("attr", str(event.get("name", "?")).rsplit(".", 1)[-1])
    old = "unset" if event.get("old") is None else format_value(event.get("old"))
    text = Text(f"{owner}.{attr} = {format_value(event.get('value'))}", style=palette.flag)
    text.append(f" (was {old})", style=palette.detail)
    return text


def weight_text(event: Event, palette: Palette) -> Text:
    """``+ dense/kernel (784, 512) GlorotUniform 401,408 params``."""
    shape = event.get("shape") or []
    params = event.get("params")
    if not isinstance(params, int):
        params = math.prod(d for d in shape if isinstance(d, int))
    owner = f"{event['layer']}/" if event.get("layer") else ""
    words = [f"+ {owner}{event.get('weight', '?')}", format_shape(shape)]
    words += [str(event.get("initializer", "?")), counted(params, "param")]
    if event.get("trainable") is False:
        words.append("(non-trainable)")
    return Text(" ".join(words), style=palette.weight)


def logs_text(logs: Any) -> str:
    """``loss 0.3012 · accuracy 0.9100``."""
    if not isinstance(logs, dict):
        return ""
    return " · ".join(f"{key} {format_value(value)}" for key, value in logs.items())


def training_text(event: Event, palette: Palette, *, epochs: int | None = None) -> Text:
    """A training event: ``batch 17 · loss 1.0146``, ``epoch 1/5 ends · loss ...``."""
    kind = str(event.get("kind"))
    epoch = event.get("epoch")
    total = event.get("epochs", epochs)
    of = f"/{total}" if isinstance(total, int) else ""
    number = f"{epoch + 1}{of}" if isinstance(epoch, int) else ""
    if kind == "batch_end":
        head = f"batch {event.get('batch')}"
    elif kind == "epoch_end":
        head = f"epoch {number} ends"
    elif kind == "train_begin":
        epochs, steps = event.get("epochs"), event.get("steps")
        head = f"train begins · {counted(epochs, 'epoch')} × {counted(steps, 'batch', 'es')}"
    elif kind == "compile":
        keys = [k for k in ("optimizer", "loss", "metrics") if k in event]
        head = "compile " + " ".join(f"{k}={short_arg(event[k])}" for k in keys)
    else:
        head = kind.replace("_", " ")
    logs = logs_text(event.get("logs"))
    return Text(f"{head} · {logs}" if logs else head, style=palette.training)


def event_text(event: Event, end: Event | None, palette: Palette) -> Text:
    """The timeline line of any event but an epoch (whose line is live, see the view)."""
    kind = event.get("kind")
    if kind == "call":
        return call_text(event, end, palette)
    if kind in ("return", "raise"):
        return end_text(event, palette)
    if kind == "set":
        return set_text(event, palette)
    if kind == "add_weight":
        return weight_text(event, palette)
    return training_text(event, palette)


def search_text(event: Event) -> str:
    """What a search matches against: names, layer, kind and the event's fields."""
    parts = [str(event.get("kind")), str(event.get("name", "")), str(event.get("layer") or "")]
    for key in ("attr", "weight", "error_type", "message", "cls", "added", "node_of"):
        if key in event:
            parts.append(str(event[key]))
    return " ".join(parts).lower()
