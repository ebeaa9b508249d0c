"""The model's graph as of the cursor, drawn in the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from buildtrace.state.model_state import ModelState
from tui.panel_spec import Moment, PanelSpec
from tui.theme_styles import ThemeStyles
from tui.topology_drawing import Box, Topology, TopologyDrawing, snapshot

if TYPE_CHECKING:
    from tui.app import BuildTraceApp


class TopologyPanel(Static):
    """Layers in rows by depth, joined by lines: built ones filled, the one being built
    highlighted.

    Boxes take three lines when the panel is big enough, then two, then one; a branching
    model the panel cannot hold is listed, one layer a line with its inputs.

    Example:
        >>> TopologyPanel().border_title
        'topology'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "topology"
        self._topology = Topology()
        self._styles: ThemeStyles | None = None
        self.drawing: TopologyDrawing | None = None

    @property
    def _groups(self) -> tuple[tuple[Box, ...], ...]:
        """The boxes by row (as earlier versions kept them)."""
        return self._topology.levels

    def show(self, state: ModelState, styles: ThemeStyles) -> None:
        """Draw the graph of ``state`` (skipped when it looks the same)."""
        topology = snapshot(state)
        if (topology, styles) == (self._topology, self._styles):
            return
        self._topology, self._styles = topology, styles
        self._draw()

    def _draw(self) -> None:
        if self._styles is None:
            return
        region = self.content_region
        self.drawing = TopologyDrawing(
            self._topology, region.width or 24, region.height, styles=self._styles.topology
        )
        self.update(self.drawing, layout=False)

    def on_resize(self) -> None:
        self._draw()


def _refresh(panel: TopologyPanel, app: BuildTraceApp, moment: Moment) -> None:
    # On a projector the diagram gets its own, bolder colours.
    panel.show(moment.state, app.projector_styles if app.presenting else moment.styles)


PANEL = PanelSpec(
    "topology", "middle", 20, "5", "the topology", tab="5 topology",
    widget=TopologyPanel, refresh=_refresh, lesson_names=("topology",), presenting=True,
)  # fmt: skip
