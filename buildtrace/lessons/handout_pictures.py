"""Drawing a handout's diagrams: one run of Graphviz for all of them, as SVG.

Shared by the HTML and Markdown writers. Without Graphviz's ``dot`` nothing is drawn
and the writers put :data:`DOT_NOTE` where the pictures would be.
"""

from __future__ import annotations

import re
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
    from buildtrace.render.output import DotMissing, render_many

    figures = handout.figures
    try:
        pictures = render_many([figure.dot for figure in figures], "svg")
    except DotMissing:
        return None
    return {figure.name: fit_viewbox(picture) for figure, picture in zip(figures, pictures)}


_VIEWBOX = re.compile(rb'viewBox="0\.00 0\.00 ([\d.]+) ([\d.]+)"')
_SCALE = re.compile(rb'<g id="[^"]*" class="graph" transform="scale\(([\d.]+) ([\d.]+)\)')
_BACKGROUND = re.compile(rb'<polygon fill="[^"]*" stroke="transparent" points="([^"]+)"')


def fit_viewbox(svg: bytes) -> bytes:
    """An SVG whose ``viewBox`` holds the whole picture.

    Graphviz (2.43 at least) drawing at a dpi other than 72 scales the picture
    (``scale(1.33 1.33)``) but leaves the ``viewBox`` at its unscaled size, so a browser
    shows only the top-left three quarters. When the background polygon says so, the
    ``viewBox`` is widened to the scaled size; an SVG without the problem is unchanged.
    """
    box, scale, background = _VIEWBOX.search(svg), _SCALE.search(svg), _BACKGROUND.search(svg)
    if box is None or scale is None or background is None:
        return svg
    width, height = float(box[1]), float(box[2])
    sx, sy = float(scale[1]), float(scale[2])
    xs = [float(point.split(b",")[0]) for point in background[1].split()]
    if abs(sx - 1) < 0.01 or abs((max(xs) - min(xs)) - width) > 1:
        return svg
    fixed = f'viewBox="0.00 0.00 {width * sx:.2f} {height * sy:.2f}"'.encode()
    return svg[: box.start()] + fixed + svg[box.end() :]
