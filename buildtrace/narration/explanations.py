"""Narration: what each event of a trace means, in plain words, with the trace's values.

One lesson is written per Keras function and per event kind (in the ``texts_*``
modules) and filled in from the event, so the same words explain ``dense`` and
``digits``, (None, 784) and (None, 128). :func:`explain` never raises: an event it has
no lesson for gets an honest generic text, and :func:`has_narration` says so.

Example:
    >>> from buildtrace.narration import explain
    >>> e = explain({"kind": "call", "name": "keras.engine.base_layer.Layer._maybe_build",
    ...              "layer": "dense", "depth": 6})
    >>> e.mirrors
    'keras/engine/base_layer.py::Layer._maybe_build'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# Importing the text modules registers their lessons.
from buildtrace.narration import (  # noqa: F401
    texts_augmentation,
    texts_autodiff,
    texts_build,
    texts_engine,
    texts_errors,
    texts_fit_events,
    texts_flags,
    texts_functional,
    texts_graph,
    texts_inputs,
    texts_keras3,
    texts_kernelized,
    texts_layers,
    texts_layers_more,
    texts_layers_spatial,
    texts_masking,
    texts_preprocessing,
    texts_recurrent,
    texts_shapes,
    texts_training,
    texts_weights,
)
from buildtrace.narration.context import Ctx, code, mirror_path, short
from buildtrace.narration.counterparts import NO_COUNTERPART, has_mini_counterpart
from buildtrace.narration.registry import FUNCTIONS, KINDS, Parts
from buildtrace.state.keras3_names import is_keras3_layer_method
from buildtrace.state.model_state import ModelState
from buildtrace.trace import Event


@dataclass(frozen=True)
class Explanation:
    """What one event means.

    Attributes:
        title: e.g. ``"Layer._maybe_build — build the layer the first time it is called"``.
        mirrors: the Keras 2 source location, e.g.
            ``"keras/engine/base_layer.py::Layer._maybe_build"`` (for set, add_weight and
            training events: the function that does it).
        text: what happens at this event, with this trace's values.
        why: why Keras does this (one or two sentences).
    """

    title: str
    mirrors: str
    text: str
    why: str


def explain(event: Event, state: ModelState | None = None) -> Explanation:
    """Explain one event.

    Args:
        event: a trace event (a dict with at least ``kind``; anything else is optional).
        state: the model state folded up to and including ``event``, or None to explain
            from the event alone (texts then leave out what only the state knows, such
            as a Dense layer's number of units at its ``build`` call).

    Returns:
        An :class:`Explanation` whose four fields are non-empty. Never raises.
    """
    return _explain(event, state)[0]


def has_narration(event: Event) -> bool:
    """True when a specific lesson (not the generic fallback) explains this event."""
    return _explain(event, None)[1]


# ------------------------------------------------------------------------ dispatch
def _explain(event: Any, state: ModelState | None) -> tuple[Explanation, bool]:
    if not isinstance(event, dict):
        event = {}
    ctx = Ctx(event, state if isinstance(state, ModelState) else None)
    try:
        parts = _specific(ctx)
    except Exception:  # a lesson must never break the viewer: fall back, honestly
        parts = None
    if parts is not None and all(parts):
        return _counterpart(ctx, Explanation(*parts)), True
    try:
        return _counterpart(ctx, Explanation(*_generic(ctx))), False
    except Exception:
        return Explanation(*_last_resort(event)), False


def _counterpart(ctx: Ctx, explanation: Explanation) -> Explanation:
    """Say so when a real engine's call has no mini-Keras counterpart."""
    if ctx.kind not in ("call", "return") or has_mini_counterpart(ctx.name):
        return explanation
    return replace(explanation, text=explanation.text + NO_COUNTERPART)


def _specific(ctx: Ctx) -> Parts | None:
    if ctx.kind in ("call", "return"):
        entry = FUNCTIONS.get(ctx.name)
        if entry is None and is_keras3_layer_method(ctx.name):
            return _keras3_layer_method(ctx)
        return entry.parts(ctx, ctx.name) if entry is not None else None
    writer = KINDS.get(ctx.kind)
    return writer(ctx) if writer is not None else None


def _keras3_layer_method(ctx: Ctx) -> Parts | None:
    """A Keras 3 layer's own ``build`` / ``call`` (``Dense.build``): the same step as
    in Keras 2, told by its Keras 2 lesson, pointing at Keras 3's source."""
    entry = FUNCTIONS.get("keras." + ctx.name.removeprefix("keras3."))
    if entry is None:
        return None
    parts = entry.parts(ctx, ctx.name)
    why = f"{parts.why} In Keras 2: the same method, which Keras 3 kept."
    return parts._replace(mirrors=mirror_path(ctx.name), why=why)


def _generic(ctx: Ctx) -> Parts:
    """An honest text for events without a lesson: what the event says, nothing more."""
    # A name of only whitespace (a space, U+0085...) would print as nothing: say so.
    name = ctx.name if ctx.name.strip() else "(unnamed)"
    about = f" on {code(ctx.layer)}" if ctx.layer else ""
    if ctx.kind == "raise":
        error = f"{ctx.get('error_type') or 'An error'}: {ctx.get('message') or '(no message)'}"
        where = "Your script" if name == "<script>" else code(short(name))
        who = "your script" if name == "<script>" else short(name)
        title = f"{who} — {ctx.get('error_type') or 'an error'}"
        mirrors = f"your script ({ctx.get('src')})" if name == "<script>" else mirror_path(name)
        text = (
            f"{where} stopped{about} with {error}. buildtrace has no lesson for this message "
            "yet; read it closely: it usually says what was received and what was expected."
        )
    elif ctx.kind in ("call", "return"):
        title = f"{short(name)} — a traced function"
        mirrors = mirror_path(name)
        verb = "starts" if ctx.kind == "call" else "returns"
        text = (
            f"{code(short(name))} {verb}{about}. buildtrace has no lesson for this function "
            f"yet; its {'Keras 3 source' if name.startswith('keras3.') else 'Keras 2 counterpart'}"
            f" is {code(mirrors)}."
        )
    else:
        kind = ctx.kind or "(no kind)"
        title = f"{kind} — an event without a lesson"
        mirrors = "keras (no single function)"
        fields = [k for k in ctx.event if k not in ("v", "seq", "t", "kind", "name", "depth")]
        listed = ", ".join(code(k) for k in fields[:8]) or "no other fields"
        text = f"A {code(kind)} event{about} (named {code(name)}), with {listed}."
    why = (
        "Every step buildtrace records is shown, even those it cannot explain yet; the "
        "fields above are exactly what the trace holds."
    )
    return Parts(title, mirrors, text, why)


def _last_resort(event: Any) -> Parts:
    return Parts(
        "An event",
        "keras (unknown)",
        f"An event buildtrace could not read: {str(event)[:200]}",
        "Shown so that no step of the trace is hidden.",
    )
