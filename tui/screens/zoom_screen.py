"""Key z: what this step does, the whole of it, on the whole screen, scrollable.

On a small terminal the explanation panel shows what fits and ends in "… (z: all)".
The zoom shows everything: the explanation, why, and the whole function behind the
event. The stepping keys keep working underneath (they are the viewer's), so a student
can read the build step by step at full size; the arrows and PgUp/PgDn scroll.

Example:
    >>> [binding.key for binding in ZoomScreen.BINDINGS][:3]
    ['escape,z', 'slash', '1']
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.keymap import FOOTER_DROP_ORDER
from tui.panels import PANEL_SPECS
from tui.widgets.key_footer import KeyFooter


class ZoomScroll(VerticalScroll, inherit_bindings=False):
    """The zoom's scrolling area: up/down, PgUp/PgDn, Home/End scroll; no left/right.

    Left and right stay the viewer's (previous and next event).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "scroll up", show=False),
        Binding("down", "scroll_down", "scroll down", show=False),
        Binding("pageup", "page_up", "page up", show=False),
        Binding("pagedown", "page_down", "page down", show=False),
        Binding("home", "scroll_home", "top", show=False),
        Binding("end", "scroll_end", "bottom", show=False),
    ]


#: Keys whose action works on the panels under the zoom: they close it first.
_UNDER = {
    "slash": "search",
    **{spec.key: f"toggle_panel('{spec.name}')" for spec in PANEL_SPECS},
}


class ZoomScreen(Screen[None]):
    """The explanation of the cursor's event, full screen; z or Esc goes back.

    The search (/) and the panel keys (1-7) act on the panels: they close the zoom first.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,z", "close", "back", key_display="z"),
        *(Binding(key, f"leave({action!r})", show=False) for key, action in _UNDER.items()),
    ]

    def __init__(self, title: str = "what this step does", content: RenderableType = "") -> None:
        super().__init__(id="zoom")
        self._title = title
        self._content = content

    def compose(self) -> ComposeResult:
        with ZoomScroll(id="zoom-body") as body:
            body.border_title = self._title
            yield Static(self._content, id="zoom-words")
        yield KeyFooter(drop_order=FOOTER_DROP_ORDER)

    def on_mount(self) -> None:
        self.query_one(ZoomScroll).focus()

    def show(self, title: str, content: RenderableType) -> None:
        """Show ``content`` (the cursor moved), from the top."""
        self._title, self._content = title, content
        words = self.query("#zoom-words").results(Static)
        for shown in words:  # none yet: compose shows them
            shown.update(content)
            body = self.query_one(ZoomScroll)
            body.border_title = title
            body.scroll_home(animate=False)

    def action_close(self) -> None:
        """Back to the panels."""
        self.dismiss(None)

    async def action_leave(self, action: str) -> None:
        """Back to the panels, then do ``action`` (an action of the viewer) there."""
        app = self.app
        await self.dismiss(None)
        # Once the panels' screen has its focus back (else it would take the search's).
        app.call_after_refresh(app.run_action, action)
