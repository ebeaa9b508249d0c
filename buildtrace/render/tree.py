"""The build trace as a tree: calls nested in the calls that made them.

A fold over events, like every view of buildtrace: give it the events of a live run or
of a recorded file and it draws the same tree. Each line is one event:

* a ``call``, shown by its short Keras name (``Layer._maybe_build``), the layer it is
  about (``[dense]``), the ``input_shape`` it received and, folded in from its
  ``return``, the shape it gave back (``→ (None, 512)``); ``✗`` when it ended by an error;
* a ``set`` of a flag, bold yellow: ``dense.built = True (was False)`` and the line
  that wrote it;
* an ``add_weight``, green: ``+ kernel (784, 512) GlorotUniform 401,408 params``;
* a ``raise``, red: the error's type and message, where it started;
* training, one line per epoch (``epoch 1/5 · loss 0.3012 · 469 batches``).

By default the tree shows the *teaching view*: the events of
:func:`buildtrace.state.teaching.teaching_step` (the same ones the Keras 2 reference
is compared on), every error, and training one line per epoch. ``full=True`` shows
every event (``return`` events are folded into their call's line).

Example:
    >>> print(render_text(events, width=60))  # doctest: +SKIP
    build trace
    └── Sequential.build [sequential] input_shape=(None, 784)
        ...
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from buildtrace.state.teaching import teaching_step
from buildtrace.trace import Event
from buildtrace.trace.events import TRAINING_KINDS, short_name

# The one shape formatter lives in narration; re-exported for the viewers that import it here.
from buildtrace.trace.shapes import format_shape as format_shape
from buildtrace.trace.shapes import format_value as format_value

STYLE_TITLE = "bold"
STYLE_LAYER = "cyan"
STYLE_CLASS = "dim cyan"
STYLE_DETAIL = "dim"
STYLE_SET = "bold yellow"
STYLE_WEIGHT = "green"
STYLE_RAISE = "bold red"
STYLE_TRAINING = "magenta"

#: Training events the teaching view keeps. Batches are only counted, on their epoch's
#: line: a fit of a few epochs has thousands of them.
TEACHING_TRAINING_KINDS = frozenset({"compile", "epoch_end", "test_end", "predict_end"})


def in_teaching_view(event: Event) -> bool:
    """Whether the teaching view shows ``event`` (as a line of its own or folded)."""
    kind = event.get("kind")
    if kind == "raise":
        # Only where an error starts: the frames it leaves are marked on their own line.
        return bool(event.get("origin", True))
    if kind in TRAINING_KINDS:
        return kind in TEACHING_TRAINING_KINDS
    try:
        return teaching_step(event) is not None
    except (KeyError, TypeError):
        return True  # an event missing a field (another version?): better seen than lost


def count_in_view(events: Sequence[Event], *, full: bool = False) -> int:
    """How many of ``events`` the tree shows (all of them with ``full``)."""
    return len(events) if full else sum(1 for e in events if in_teaching_view(e))


def build_tree(events: Sequence[Event], *, full: bool = False, title: str = "build trace") -> Tree:
    """The rich ``Tree`` of a trace.

    Args:
        events: the events, in ``seq`` order (live, or from :func:`~buildtrace.trace.read_events`).
        full: show every event instead of the teaching view.
        title: the root's label.

    Returns:
        A renderable; print it with a rich ``Console``.
    """
    ends = pair_calls(events)
    ended_call = {end: start for start, end in ends.items()}
    root = Tree(Text(title, style=STYLE_TITLE), guide_style=STYLE_DETAIL)
    open_calls: list[tuple[int, Tree]] = []  # the shown calls not yet ended, innermost last
    training = _TrainingState()
    for index, event in enumerate(events):
        kind = event.get("kind")
        parent = open_calls[-1][1] if open_calls else root
        if kind == "call":
            if full or in_teaching_view(event):
                end = events[ends[index]] if index in ends else None
                open_calls.append((index, parent.add(call_label(event, end))))
            continue
        if index in ended_call:
            if open_calls and open_calls[-1][0] == ended_call[index]:
                parent = open_calls.pop()[1]  # an error's line goes inside the call it ended
            if kind == "raise" and in_teaching_view(event):
                parent.add(raise_label(event))
            continue
        training.update(event)
        if kind == "return" or not (full or in_teaching_view(event)):
            continue  # a return whose call came before the trace began says nothing
        parent.add(event_label(event, training))
    return root


def render_text(
    events: Sequence[Event], *, full: bool = False, title: str = "build trace", width: int = 100
) -> str:
    """The tree as plain text, ``width`` columns wide (for files, tests and goldens)."""
    console = Console(
        file=io.StringIO(), record=True, width=width, color_system=None, highlight=False
    )
    console.print(build_tree(events, full=full, title=title))
    # Wrapped lines end in spaces; dropping them keeps golden files editor-proof.
    lines = console.export_text(styles=False).splitlines()
    return "\n".join(line.rstrip() for line in lines) + "\n"


def pair_calls(events: Sequence[Event]) -> dict[int, int]:
    """Index of each ``call`` -> index of the ``return``/``raise`` that ends it.

    Calls nest, so a stack pairs them: an end belongs to the innermost open call of the
    same name and depth. Calls still open (a trace cut short) have no entry.
    """
    ends: dict[int, int] = {}
    stack: list[int] = []
    for index, event in enumerate(events):
        kind = event.get("kind")
        if kind == "call":
            stack.append(index)
        elif kind in ("return", "raise") and stack and _frame(events[stack[-1]]) == _frame(event):
            ends[stack.pop()] = index
    return ends


def _frame(event: Event) -> tuple[Any, Any]:
    return event.get("name"), event.get("depth")


# ---------------------------------------------------------------------------- labels
def call_label(call: Event, end: Event | None) -> Text:
    """``Layer.__call__ [dense] input_shape=(None, 784) → (None, 512)``."""
    name = short_name(str(call.get("name", "?")))
    text = Text(name)
    layer, cls = call.get("layer"), call.get("cls")
    if layer:
        text.append(f" [{layer}]", style=STYLE_LAYER)
    elif cls and cls != name.split(".")[0]:
        # No name yet (inside __init__): the class says what is being made.
        text.append(f" [{cls}]", style=STYLE_CLASS)
    if "input_shape" in call:
        text.append(f" input_shape={format_shape(call['input_shape'])}", style=STYLE_DETAIL)
    if end is not None and end.get("kind") == "return" and "output_shape" in end:
        text.append(f" → {format_shape(end['output_shape'])}", style=STYLE_DETAIL)
    if end is not None and end.get("kind") == "raise":
        text.append(f" ✗ {end.get('error_type', 'error')}", style=STYLE_RAISE)
    return text


def set_label(event: Event) -> Text:
    """``dense.built = True (was False)  keras/engine/base_layer.py:336``."""
    owner = event.get("layer") or event.get("cls") or "?"
    attr = event.get("attr", str(event.get("name", "?")).rsplit(".", 1)[-1])
    old = "unset" if event.get("old") is None else format_value(event.get("old"))
    text = Text(f"{owner}.{attr} = {format_value(event.get('value'))}", style=STYLE_SET)
    text.append(f" (was {old})", style="yellow")
    _append_src(text, event)
    return text


def weight_label(event: Event) -> Text:
    """``+ kernel (784, 512) GlorotUniform 401,408 params``."""
    shape = event.get("shape") or []
    params = event.get("params")
    if not isinstance(params, int):
        params = math.prod(d for d in shape if isinstance(d, int))
    words = [
        f"+ {event.get('weight', '?')}",
        format_shape(shape),
        str(event.get("initializer", "?")),
        f"{params:,} param" + ("" if params == 1 else "s"),
    ]
    if event.get("trainable") is False:
        words.append("(non-trainable)")
    return Text(" ".join(words), style=STYLE_WEIGHT)


def raise_label(event: Event) -> Text:
    """``✗ ValueError: message  keras/engine/sequential.py:209`` (red)."""
    error = str(event.get("error_type", "error"))
    if event.get("uncaught"):
        error = f"uncaught {error}"
    message = event.get("message")
    text = Text(f"✗ {error}: {message}" if message else f"✗ {error}", style=STYLE_RAISE)
    _append_src(text, event)
    return text


def event_label(event: Event, training: _TrainingState) -> Text:
    """The line of any event that is not a call's start or end."""
    kind = event.get("kind")
    if kind == "set":
        return set_label(event)
    if kind == "add_weight":
        return weight_label(event)
    if kind == "raise":
        return raise_label(event)
    if kind in TRAINING_KINDS:
        return training.label(event)
    return Text(f"{kind} {event.get('name', '')}".rstrip(), style=STYLE_DETAIL)


@dataclass
class _TrainingState:
    """What a training line needs from earlier events: total epochs, batches so far."""

    epochs: int | None = None
    batches: int = 0

    def update(self, event: Event) -> None:
        kind = event.get("kind")
        if kind == "train_begin" and isinstance(event.get("epochs"), int):
            self.epochs = event["epochs"]
        elif kind == "epoch_begin":
            self.batches = 0
        elif kind == "batch_end":
            self.batches += 1

    def label(self, event: Event) -> Text:
        kind = str(event.get("kind"))
        words: list[str] = []
        if kind.startswith("epoch"):
            epoch = event.get("epoch")
            # Keras's callbacks count epochs from 0, its progress bar from 1.
            number = f" {epoch + 1}" if isinstance(epoch, int) else ""
            total = event.get("epochs", self.epochs)
            words.append(f"epoch{number}" + (f"/{total}" if isinstance(total, int) else ""))
            if kind == "epoch_begin":
                words[0] += " begins"
        elif kind.startswith("batch") and isinstance(event.get("batch"), int):
            words.append(f"{kind.replace('_', ' ')} {event['batch']}")
        else:
            words.append(kind.replace("_", " "))
        logs = event.get("logs")
        if isinstance(logs, dict):
            words.extend(f"{key} {format_value(value)}" for key, value in logs.items())
        if kind == "epoch_end" and self.batches:
            words.append(f"{self.batches:,} batch" + ("" if self.batches == 1 else "es"))
        return Text(" · ".join(words), style=STYLE_TRAINING)


# ---------------------------------------------------------------------------- values


def _append_src(text: Text, event: Event) -> None:
    if event.get("src"):
        text.append(f"  {event['src']}", style=STYLE_DETAIL)
