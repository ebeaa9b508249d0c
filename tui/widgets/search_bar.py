"""The timeline's search box: Enter finds the next match, Esc closes."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """An input that searches the timeline (names, layers, kinds, messages).

    Example:
        >>> SearchBar().placeholder
        'search: a function, a layer, a kind… or seq 24 (Enter: go, Esc: close)'
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "close search")]

    class Closed(Message):
        """The user closed the search."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="search: a function, a layer, a kind… or seq 24 (Enter: go, Esc: close)",
            id=id,
        )

    def action_close(self) -> None:
        self.post_message(self.Closed())
