"""Colours, fonts and small HTML-label helpers shared by every Graphviz diagram.

One palette for the topology, the build diagram and the frames, so that a colour means
the same thing on every picture a student sees:

* green: built (its weights exist, ``built`` is True);
* grey, dashed border: not built yet (only its configuration is known);
* orange, thick border: the layer this step is about (the innermost running call's):
  an orange fill while it is being built, green once it is built;
* blue: an input layer, dashed when Keras made it for you (the *inferred* ``InputLayer``
  of a ``Sequential`` built with an input shape);
* yellow: a flag written (``built``, ``_graph_initialized``);
* red: an error.

The colours are light fills with dark borders and black text, which survive a washed-out
projector and a black-and-white printout (the borders differ in style too).
"""

from __future__ import annotations

from dataclasses import dataclass

from buildtrace.render.escape import dot_html

#: A font every Graphviz install resolves (fontconfig falls back along the list).
FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
#: For code: function names, shapes.
MONO = "DejaVu Sans Mono,Menlo,Consolas,monospace"

#: Text sizes in points: readable from the back of a classroom at 96 dpi and up.
TITLE_SIZE = 20
LABEL_SIZE = 15
SMALL_SIZE = 13

TEXT = "#1A1A1A"
MUTED = "#555555"
EDGE = "#37474F"


@dataclass(frozen=True)
class Look:
    """How a box is drawn: fill, border colour, border style and width."""

    fill: str
    border: str
    style: str = "filled,rounded"
    penwidth: str = "1.5"


BUILT = Look("#DCEFD8", "#2E7D32")
NOT_BUILT = Look("#F2F2F2", "#8A8A8A", "filled,rounded,dashed")
BEING_BUILT = Look("#FFE0B2", "#E65100", "filled,rounded,bold", "3")
#: A built layer the step is about (called again, or its call finishing): built's fill,
#: the orange border of the step's layer.
RUNNING = Look("#DCEFD8", "#E65100", "filled,rounded,bold", "3")
INPUT = Look("#E3F2FD", "#1565C0")
INFERRED_INPUT = Look("#E3F2FD", "#1565C0", "filled,rounded,dashed", "2")
MODEL = Look("#EDE7F6", "#5E35B1")
CALL = Look("#FFFFFF", "#607D8B")
WEIGHT = Look("#E8F5E9", "#2E7D32")
FLAG = Look("#FFF59D", "#F9A825")
ERROR = Look("#FFCDD2", "#C62828", "filled,rounded,bold", "2.5")
GHOST = Look("#FFFFFF", "#B0B0B0", "rounded,dashed")

#: Cluster backgrounds of the build diagram's stages, alternating so neighbours differ.
STAGE_FILLS = ("#F7F9FC", "#FBF8F3")
STAGE_BORDER = "#90A4AE"


def node_style(look: Look) -> dict[str, str]:
    """The Graphviz node attributes of a :class:`Look`."""
    return {
        "style": look.style,
        "fillcolor": look.fill,
        "color": look.border,
        "penwidth": look.penwidth,
    }


def text(value: object) -> str:
    """``value`` escaped for an HTML-like label (``<``, ``>``, ``&`` and quotes)."""
    return dot_html(value)


def table(rows: list[str], *, padding: int = 3) -> str:
    """An HTML-like label: one borderless table, one row per string (already markup).

    Graphviz draws the node's own border around it, so the table stays invisible and
    only lines up the rows.
    """
    body = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{padding}">{body}</TABLE>>'
    )


def font(markup: str, *, size: int | None = None, color: str | None = None, face: str = "") -> str:
    """Wrap ``markup`` in a ``<FONT>`` with the given size, colour and face."""
    attributes = ""
    if size is not None:
        attributes += f' POINT-SIZE="{size}"'
    if color is not None:
        attributes += f' COLOR="{color}"'
    if face:
        attributes += f' FACE="{face}"'
    return f"<FONT{attributes}>{markup}</FONT>" if attributes else markup


def highlight(markup: str, fill: str) -> str:
    """``markup`` on a coloured band (a one-cell table, as a label row cannot be filled)."""
    return (
        f'<TABLE BORDER="0" CELLPADDING="2" CELLSPACING="0"><TR>'
        f'<TD BGCOLOR="{fill}">{markup}</TD></TR></TABLE>'
    )


def format_count(value: int) -> str:
    """``401920`` -> ``401,920``: digits grouped, as ``model.summary()`` prints them."""
    return f"{value:,}"


def plural(count: int, word: str, suffix: str = "s") -> str:
    """``1 param``, ``2 params``."""
    return f"{format_count(count)} {word}{'' if count == 1 else suffix}"
