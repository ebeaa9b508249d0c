"""Where lesson texts are registered: one entry per Keras function or event kind.

The ``texts_*`` modules fill two tables when imported:

* :data:`FUNCTIONS`, keyed by the Keras 2 name a ``call``/``return`` event carries
  (``keras.engine.base_layer.Layer._maybe_build``): a title, the Keras source it
  mirrors, the reason Keras does it, and two small functions that write the call's and
  the return's text from the event's values;
* :data:`KINDS`, keyed by an event kind (``set``, ``add_weight``, ``raise``,
  ``compile``, ``batch_end``...): a function that writes the whole explanation.

:mod:`buildtrace.narration.explanations` looks events up here; nothing else does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from buildtrace.narration.context import Ctx, code, mirror_path, shape, short

#: A text written from the event: a fixed string or a function of the context.
Piece = str | Callable[[Ctx], str]


class Parts(NamedTuple):
    """The four fields of an explanation, before :mod:`narration` wraps them."""

    title: str
    mirrors: str
    text: str
    why: str


def render(piece: Piece, ctx: Ctx) -> str:
    """A piece's text for this context."""
    return piece(ctx) if callable(piece) else piece


def returns_text(ctx: Ctx) -> str:
    """The default text of a ``return`` event: what came back, in one sentence."""
    what = f"{code(short(ctx.name))}"
    if ctx.layer:
        what += f" (on {code(ctx.layer)})"
    output = ctx.get("output_shape")
    if output is not None:
        return f"{what} returns an output of shape {shape(output)}."
    return f"{what} is done and returns to its caller."


@dataclass(frozen=True)
class Entry:
    """The lesson of one traced function.

    Attributes:
        title: ``"Layer._maybe_build — build the layer the first time it is called"``.
        why: why Keras does this (one or two sentences).
        call: the text of the ``call`` event (the main text).
        done: the text of the ``return`` event; by default "... returns (None, 512)".
        mirrors: the Keras 2 source location; by default derived from the name.
    """

    title: Piece
    why: Piece
    call: Piece
    done: Piece = returns_text
    mirrors: Piece | None = None

    def parts(self, ctx: Ctx, name: str) -> Parts:
        """The explanation of a ``call`` (main text) or ``return`` (short text)."""
        text = self.done if ctx.kind == "return" else self.call
        mirrors = render(self.mirrors, ctx) if self.mirrors is not None else mirror_path(name)
        return Parts(render(self.title, ctx), mirrors, render(text, ctx), render(self.why, ctx))


#: Lessons of traced functions, by Keras 2 name.
FUNCTIONS: dict[str, Entry] = {}

#: Lessons of the other event kinds. A writer returns None when it has nothing
#: specific to say about this event (the narration then falls back to a generic text).
KINDS: dict[str, Callable[[Ctx], Parts | None]] = {}


def function(
    name: str,
    title: Piece,
    why: Piece,
    call: Piece,
    done: Piece = returns_text,
    mirrors: Piece | None = None,
) -> None:
    """Register the lesson of the traced function ``name`` (a Keras 2 name)."""
    FUNCTIONS[name] = Entry(title=title, why=why, call=call, done=done, mirrors=mirrors)


def kind(name: str) -> Callable[[Callable[[Ctx], Parts | None]], Callable[[Ctx], Parts | None]]:
    """Decorator: register the writer of event kind ``name``."""

    def register(writer: Callable[[Ctx], Parts | None]) -> Callable[[Ctx], Parts | None]:
        KINDS[name] = writer
        return writer

    return register
