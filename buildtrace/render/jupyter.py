"""Show models and traces as diagrams in Jupyter, without touching the engine.

The engine's classes know nothing of notebooks (render code lives outside the engine,
DESIGN.md section 2). Instead :func:`enable` registers display functions with
IPython's formatters: a ``keras.Model`` (any subclass) then displays as its topology,
and a :class:`~buildtrace.render.trace_view.Trace` as its topology and build diagram.

Example, in a notebook::

    import buildtrace.render.jupyter
    buildtrace.render.jupyter.enable()
    model          # the last line of a cell: its diagram
"""

from __future__ import annotations

from typing import Any

from buildtrace.render.escape import html_text as escape
from buildtrace.render.model_graph import graph_from_model
from buildtrace.render.output import PAGE_HINT, DotMissing, render_svg
from buildtrace.render.topology import topology_source
from buildtrace.render.trace_view import Trace

#: Where the engine's ``Model`` lives, named rather than imported: registering by name
#: leaves the engine unimported until a model exists, and keeps render/ from reaching
#: into the engine's classes.
MODEL_MODULE = "buildtrace.keras.engine.training"
MODEL_CLASS = "Model"


def model_svg(model: Any) -> str | None:
    """A live model's topology as SVG, or None without Graphviz."""
    try:
        return render_svg(topology_source(graph_from_model(model)))
    except DotMissing:
        return None


def model_html(model: Any) -> str:
    """A live model's topology as HTML: the SVG, or its DOT text and how to get images."""
    svg = model_svg(model)
    if svg is not None:
        return f"<div>{svg}</div>"
    dot = topology_source(graph_from_model(model))
    return f"<p>{escape(PAGE_HINT)}.</p><pre>{escape(dot)}</pre>"


def enable(ipython: Any = None) -> bool:
    """Display models and traces as diagrams in this IPython session.

    Args:
        ipython: the shell (by default the running one, from ``IPython.get_ipython()``).

    Returns:
        True when the formatters were registered; False outside IPython.
    """
    if ipython is None:
        try:
            from IPython import get_ipython  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            return False
        ipython = get_ipython()
        if ipython is None:
            return False
    formatters = ipython.display_formatter.formatters
    svg, html = formatters["image/svg+xml"], formatters["text/html"]
    svg.for_type_by_name(MODEL_MODULE, MODEL_CLASS, model_svg)
    html.for_type_by_name(MODEL_MODULE, MODEL_CLASS, model_html)
    svg.for_type(Trace, Trace._repr_svg_)
    html.for_type(Trace, Trace._repr_html_)
    return True
