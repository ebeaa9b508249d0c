"""The row of tabs a small screen shows above its one panel (see :mod:`tui.panel_layout`)."""

from __future__ import annotations

from textual.widgets import Tab, Tabs


class PanelTabs(Tabs, can_focus=False):
    """One tab per panel that takes turns on a small screen; keys 2-7 pick them too.

    It never takes the focus: its left/right keys would shadow the viewer's stepping
    keys. A click picks a tab (Textual's ``Tabs.TabActivated``, handled by the viewer).

    Example:
        >>> PanelTabs.panel_of(Tab("4 model", id="tab-model"))
        'model'
    """

    def __init__(self, tabs: dict[str, str], *, id: str | None = None) -> None:
        """One tab per ``tabs`` item: a panel's name and its tab's label."""
        super().__init__(*(Tab(label, id=f"tab-{name}") for name, label in tabs.items()), id=id)

    @staticmethod
    def panel_of(tab: Tab) -> str:
        """The panel a tab stands for (``tab-model`` -> ``model``)."""
        return (tab.id or "").removeprefix("tab-")

    def mark(self, names: set[str]) -> None:
        """Mark the tabs of the panels ``names`` (those a lesson step says matter)."""
        for tab in self.query(Tab):
            tab.set_class(self.panel_of(tab) in names, "-matters")

    def pick(self, name: str) -> None:
        """Show the tab of the panel ``name`` as the active one."""
        tab_id = f"tab-{name}"
        if self.active != tab_id:
            self.active = tab_id
