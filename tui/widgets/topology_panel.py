"""The model's graph as of the cursor, drawn in the terminal."""

from __future__ import annotations

from textual.widgets import Static

from buildtrace.state.model_state import ModelState
from tui.theme_styles import ThemeStyles
from tui.topology_drawing import Box, TopologyDrawing, snapshot


class TopologyPanel(Static):
    """Layers as boxes, top to bottom: built ones filled, the one being built highlighted.

    Boxes take three lines when the panel is tall enough, then two, then one.

    Example:
        >>> TopologyPanel().border_title
        'topology'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "topology"
        self._groups: list[list[Box]] = []
        self._focus: str | None = None
        self._styles: ThemeStyles | None = None

    def show(self, state: ModelState, styles: ThemeStyles) -> None:
        """Draw the graph of ``state`` (skipped when it looks the same)."""
        groups, focus = snapshot(state)
        if (groups, focus, styles) == (self._groups, self._focus, self._styles):
            return
        self._groups, self._focus, self._styles = groups, focus, styles
        self._draw()

    def _draw(self) -> None:
        if self._styles is None:
            return
        width = self.content_region.width or 24
        drawing = TopologyDrawing(self._groups, self._focus, width, styles=self._styles.topology)
        # The biggest boxes that fit: framed, then two lines, then one.
        for lines in (3, 2, 1):
            drawing.box_lines = lines
            if drawing.height() <= max(self.content_region.height, 1):
                break
        self.update(drawing, layout=False)

    def on_resize(self) -> None:
        self._draw()
