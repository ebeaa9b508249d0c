"""A modal checklist: choose some of many options (breakpoints, kinds to show)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection


class ChoiceScreen(ModalScreen[list[str] | None]):
    """Tick options; Enter or Esc closes and returns the ticked values.

    Args:
        title: the box's title.
        hint: one line above the list.
        options: ``(label, value, ticked)`` for each option.

    Example:
        >>> ChoiceScreen("kinds", "tick what to show", [("call", "call", True)]).title_text
        'kinds'
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "apply and close"),
        Binding("ctrl+a", "all(True)", "tick all"),
        Binding("ctrl+n", "all(False)", "untick all"),
    ]

    def __init__(self, title: str, hint: str, options: list[tuple[str, str, bool]]) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-body") as body:
            body.border_title = self.title_text
            body.border_subtitle = "space ticks · Esc applies · ctrl+a all · ctrl+n none"
            yield Static(self.hint, id="choice-hint")
            yield SelectionList[str](
                *(Selection(label, value, ticked) for label, value, ticked in self.options),
                id="choice-list",
            )

    def action_close(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))

    def action_all(self, ticked: bool) -> None:
        selection: SelectionList[str] = self.query_one(SelectionList)
        if ticked:
            selection.select_all()
        else:
            selection.deselect_all()
