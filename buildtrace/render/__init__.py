"""Views of a trace that read events only: the printed tree (and, later, diagrams).

Example:
    >>> from buildtrace.render import render_text
    >>> print(render_text(events))  # doctest: +SKIP
"""

from __future__ import annotations

from buildtrace.render.tree import build_tree, count_in_view, in_teaching_view, render_text

__all__ = ["build_tree", "count_in_view", "in_teaching_view", "render_text"]
