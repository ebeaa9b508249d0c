"""The viewer's panel actions: show/hide panels, tabs on a small screen, the zoom.

Which panel shows is decided in one place, :class:`~tui.panel_layout.PanelLayout`, from
the screen's size, the panels the student hid, the tab picked on a small screen and
presenter mode; :meth:`PanelActions.apply_layout` applies it. A resize that crosses
the small-screen threshold switches layouts at once.

These live apart from :mod:`tui.app` to keep each module readable;
:class:`~tui.app.BuildTraceApp` is the only class that uses them.
"""

from __future__ import annotations

from dataclasses import replace

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widgets import Tabs

from tui.panel_layout import PARTS, TABS, PanelLayout, is_compact
from tui.screens.zoom_screen import ZoomScreen
from tui.widgets.panel_tabs import PanelTabs


class PanelActions(App[int]):
    """Panels on and off, the small-screen tabs, and the full-screen zoom (key z).

    Example:
        >>> PanelActions.action_zoom.__doc__.split(" (")[0]
        'Show what this step does, all of it, on the whole screen'
    """

    #: The state the panels' visibility follows (see :class:`PanelLayout`).
    layout = PanelLayout()
    #: Whether a layout has been applied (the viewer does it once mounted, for its size).
    laid_out = False

    def _show_cursor(self) -> None:
        """Redraw every panel for the cursor (the viewer's)."""
        raise NotImplementedError

    def apply_layout(self, layout: PanelLayout | None = None) -> None:
        """Switch to ``layout`` (default: the current one again) and show its panels."""
        if layout is not None:
            self.layout = layout
        layout = self.layout
        self.laid_out = True
        displays = layout.displays()
        for selector, shown in displays.items():
            self.query_one(selector).display = shown
        # A part of the right column left alone there takes all of its height.
        parts = [part for part in PARTS if displays[part]]
        for part in PARTS:
            self.query_one(part).set_class(parts == [part], "-alone")
        self.screen_of_panels.set_class(layout.compact and not layout.presenting, "-compact")
        if layout.compact:
            self.query_one(PanelTabs).pick(layout.tab)

    @property
    def screen_of_panels(self) -> Screen[object]:
        """The screen the panels are on (a zoom may be on top of it)."""
        return self.query_one("#body").screen

    def on_resize(self, event: events.Resize) -> None:
        compact = is_compact(event.size.width, event.size.height)
        if self.laid_out and compact != self.layout.compact:
            self.apply_layout(replace(self.layout, compact=compact))
            self._show_cursor()

    def action_toggle_panel(self, name: str) -> None:
        """Show or hide a panel (the others take its room); on a small screen, pick its tab."""
        layout = self.layout
        if layout.compact and name in TABS:
            self.apply_layout(replace(layout, tab=name))
        else:
            self.apply_layout(replace(layout, hidden=layout.hidden ^ {name}))
        self._show_cursor()

    def show_panel(self, name: str) -> None:
        """Make sure the panel ``name`` shows on a wide screen (it keeps its tab on a small one)."""
        if name in self.layout.hidden:
            self.apply_layout(replace(self.layout, hidden=self.layout.hidden - {name}))

    def on_tabs_tab_activated(self, message: Tabs.TabActivated) -> None:
        name = PanelTabs.panel_of(message.tab)
        if name in TABS and name != self.layout.tab:
            self.apply_layout(replace(self.layout, tab=name))
            self._show_cursor()

    def action_zoom(self) -> None:
        """Show what this step does, all of it, on the whole screen (z again: back)."""
        if isinstance(self.screen, ZoomScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(ZoomScreen())
        self._show_cursor()  # fills the zoom
