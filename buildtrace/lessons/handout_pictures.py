"""Drawing a handout's diagrams: one run of Graphviz for all of them, as SVG.

Shared by the HTML and Markdown writers. Without Graphviz's ``dot`` nothing is drawn
and the writers put :data:`DOT_NOTE` where the pictures would be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from buildtrace.lessons.handout import Handout

#: Said once, at the top, when Graphviz is missing: the handout is written without pictures.
DOT_NOTE = (
    "The diagrams need Graphviz's `dot`, which was not found. Install Graphviz "
    "(Debian/Ubuntu: `sudo apt-get install graphviz`; macOS: `brew install graphviz`; "
    "Windows: `winget install graphviz`) and make the handout again to see them."
)


def render_figures(handout: Handout) -> dict[str, bytes] | None:
    """Every figure drawn as SVG by one run of ``dot``, by name; None without ``dot``."""
    from buildtrace.render.output import DotMissing, fit_viewbox, render_many

    figures = handout.figures
    try:
        pictures = render_many([figure.dot for figure in figures], "svg")
    except DotMissing:
        return None
    return {figure.name: fit_viewbox(picture) for figure, picture in zip(figures, pictures)}
