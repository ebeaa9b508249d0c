"""Views of a trace that read events only: the printed tree, diagrams, exports.

Example:
    >>> from buildtrace.render import render_text
    >>> print(render_text(events))  # doctest: +SKIP
"""

from __future__ import annotations

from buildtrace.render.diagrams import export_perfetto, plot_build, plot_frames, plot_model
from buildtrace.render.tree import build_tree, count_in_view, in_teaching_view, render_text

__all__ = [
    "build_tree",
    "count_in_view",
    "export_perfetto",
    "in_teaching_view",
    "plot_build",
    "plot_frames",
    "plot_model",
    "render_text",
]
