"""The labels of the build diagram's boxes: calls, flags, weights, errors, compact layers.

Each function returns Graphviz HTML-like markup (see :mod:`buildtrace.render.style`).
Kept apart from :mod:`buildtrace.render.build_diagram`, which decides what is drawn
where; here is only how each box reads.
"""

from __future__ import annotations

import re

import graphviz

from buildtrace.render import style
from buildtrace.state.build_stages import Stage, Step, flag_changes, is_change, weights_of
from buildtrace.trace import Event
from buildtrace.trace.shapes import format_shape

_CREATED_BY = re.compile(r"created by layer '([^']+)'")
_TAG = re.compile(r"<[^>]+>")


def cluster_look(box: graphviz.Digraph, number: int, title: str, detail: str) -> None:
    """A stage's box: ``title`` in bold and ``detail`` (markup) under it."""
    label = style.table(
        [
            style.font(f"<B>{style.text(title)}</B>", size=style.TITLE_SIZE - 2),
            style.font(detail, size=style.SMALL_SIZE, color=style.MUTED),
        ],
        padding=2,
    )
    box.attr(
        label=label,
        labeljust="l",
        style="rounded,filled",
        color=style.STAGE_BORDER,
        fillcolor=style.STAGE_FILLS[number % 2],
        penwidth="1.5",
        margin="14",
    )


def call_label(step: Step, rows: list[Step]) -> str:
    """``Layer.__call__`` / ``dense · (None, 784) → (None, 512)``, then one line per flag
    written and per small call made inside it, in order."""
    lines = [f"<B>{style.text(step.short)}</B>"]
    facts = " · ".join(f for f in (step.layer, tensor_note(step)) if f)
    shapes = _shapes(step)
    if shapes:
        facts += (" " if shapes.startswith("→") else " · ") + shapes if facts else shapes
    if facts:
        lines.append(style.font(style.text(facts), size=style.SMALL_SIZE, color=style.MUTED))
    for row in rows:
        if row.kind == "set":
            lines.append(_flag_row(row.event))
            continue
        words = f"· {row.short}"
        note = tensor_note(row)
        if note:
            words += f" ({note})"
        again = [c.event for c in row.children if c.kind == "set"]
        if again:
            words += (
                " (" + ", ".join(f"{e.get('attr')} = {e.get('value')} again" for e in again) + ")"
            )
        lines.append(style.font(style.text(words), size=style.SMALL_SIZE, color=style.MUTED))
    end = step.end or {}
    if end.get("kind") == "raise":
        error = f"✗ {end.get('error_type', 'error')}"
        lines.append(style.font(style.text(error), color=style.ERROR.border))
    return style.table(lines, padding=2)


def _shapes(step: Step) -> str:
    """``(None, 784) → (None, 512)``, what a call received and gave back, when known."""
    shapes = []
    if step.event.get("input_shape") is not None:
        shapes.append(format_shape(step.event["input_shape"]))
    end = step.end or {}
    if end.get("output_shape") is not None:
        shapes.append(f"→ {format_shape(end['output_shape'])}")
    return " ".join(shapes)


def _flag_text(event: Event) -> str:
    owner = event.get("layer") or event.get("cls") or "?"
    return f"{owner}.{event.get('attr')} = {event.get('value')}"


def _flag_row(event: Event) -> str:
    """A flag written inside a call: yellow when it changed, pale when it did not."""
    if is_change(event):
        return style.highlight(f"<B>⚑ {style.text(_flag_text(event))}</B>", style.FLAG.fill)
    text = f"{_flag_text(event)} (already)"
    return style.font(style.text(text), size=style.SMALL_SIZE, color=style.MUTED)


def flag_label(event: Event, when: str = "") -> str:
    """A flag written outside any call drawn: its own yellow box."""
    rows = [f"<B>⚑ {style.text(_flag_text(event))}</B>"]
    notes = [when] if when else []
    if not is_change(event):
        notes.append("it was already")
    if notes:
        rows.append(style.font(style.text(", ".join(notes)), size=style.SMALL_SIZE))
    return style.table(rows, padding=2)


def weight_label(event: Event) -> str:
    shape = format_shape(event.get("shape") or [])
    params = event.get("params")
    words = [str(event.get("initializer", "?"))]
    if isinstance(params, int):
        words.append(style.plural(params, "param"))
    if event.get("trainable") is False:
        words.append("non-trainable")
    return style.table(
        [
            f"<B>+ {style.text(event.get('weight', '?'))}</B>  "
            + style.font(style.text(shape), face=style.MONO),
            style.font(style.text(" · ".join(words)), size=style.SMALL_SIZE),
        ],
        padding=2,
    )


def error_label(event: Event) -> str:
    title = f"✗ {event.get('error_type', 'error')}"
    message = wrap(str(event.get("message") or ""), 44)
    return style.table([f"<B>{style.text(title)}</B>", message], padding=2)


def compact_label(step: Step, regraph: bool) -> str:
    """One layer's whole build in one box: name, shapes, path, weights, flags."""
    cls = step.event.get("cls", "Layer")
    rows = [
        f"<B>{style.text(step.layer or '?')}</B>  " + style.font(style.text(cls), color=style.MUTED)
    ]
    end = step.end or {}
    if "input_shape" in step.event and "output_shape" in end:
        shapes = f"{format_shape(step.event['input_shape'])} → {format_shape(end['output_shape'])}"
        rows.append(style.font(style.text(shapes), size=style.SMALL_SIZE, face=style.MONO))
    builds = [s.short for s in step.walk() if s.kind == "call" and s.name.endswith(".build")]
    path = f"__call__ → … → {builds[0] if builds else '_maybe_build'}"
    rows.append(
        style.font(style.text(path), size=style.SMALL_SIZE, color=style.MUTED, face=style.MONO)
    )
    weights = weights_of(step)
    if weights:
        names = [f"+ {w.get('weight')} {format_shape(w.get('shape') or [])}" for w in weights]
        pairs = [", ".join(names[i : i + 2]) for i in range(0, len(names), 2)]
        lines = "<BR/>".join(style.text(pair) for pair in pairs)
        rows.append(style.font(lines, size=style.SMALL_SIZE, color=style.WEIGHT.border))
        total = sum(int(w.get("params") or 0) for w in weights)
        frozen = sum(int(w.get("params") or 0) for w in weights if w.get("trainable") is False)
        count = style.plural(total, "param")
        if frozen:
            count += f" ({style.format_count(frozen)} non-trainable)"
        rows.append(style.font(count, size=style.SMALL_SIZE))
    else:
        rows.append(style.font("no weights", size=style.SMALL_SIZE, color=style.MUTED))
    for flag in flag_changes(step):
        rows.append(style.highlight(f"<B>⚑ {style.text(_flag_text(flag))}</B>", style.FLAG.fill))
    if regraph:
        rows.append(
            style.font("then _init_graph_network again", size=style.SMALL_SIZE, color=style.MUTED)
        )
    return style.table(rows, padding=2)


def plain_lines(label: str) -> list[str]:
    """The text lines of an HTML-like label, tags removed (for size estimates)."""
    broken = label.replace("<BR/>", "\n").replace("</TR>", "\n")
    lines = [line.strip() for line in _TAG.sub("", broken).split("\n")]
    return [line for line in lines if line] or [""]


def tensor_note(step: Step) -> str | None:
    """``dense_1's output`` for a ``_build_map_helper`` call (it walks tensors)."""
    tensor = step.event.get("tensor")
    match = _CREATED_BY.search(tensor) if isinstance(tensor, str) else None
    return f"{match.group(1)}'s output" if match else None


def wrap(text: str, width: int) -> str:
    """``text`` escaped, broken into lines of about ``width`` characters."""
    return "<BR/>".join(style.text(line) for line in _lines(text, width))


def _lines(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def title(stages: list[Stage]) -> str:
    models = [
        s.owner for s in stages if s.key in ("check", "layers", "graph", "model", "add", "trigger")
    ]
    name = next((m for m in reversed(models) if m), None)
    headline = f"How {name} is built" if name else "The build"
    # A trigger's header (Model.fit) contains the whole build: count each weight once.
    weights = len({w.get("seq") for s in stages for w in weights_of(s.header)})
    facts = [style.plural(len(stages), "stage"), style.plural(weights, "weight") + " created"]
    rows = [
        style.font(f"<B>{style.text(headline)}</B>", size=style.TITLE_SIZE + 2),
        style.font(" · ".join(facts), size=style.LABEL_SIZE, color=style.MUTED),
    ]
    return style.table(rows, padding=2)
