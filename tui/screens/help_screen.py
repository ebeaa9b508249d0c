"""Every key, grouped, with what it does (generated from the key map).

The normal viewer's help lists :data:`tui.keymap.KEYMAP`; compare mode gives its own
key map, groups and introduction (:mod:`tui.compare.keymap`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keymap import GROUPS, KEYMAP, Key

INTRO = (
    "The cursor walks the events of the build, forward and back, like a debugger: every "
    "panel shows the model as of the cursor. Training keeps running and its curves grow. "
    "Ctrl+P opens the command palette (every action, by name). The mouse works too: click "
    "a line to go there, click ▸/▾ to fold. Breakpoints (x) pick events by the rule of a "
    "lesson's stops: a function by its Keras name in full or by its end (Dense.build)."
)


def group_table(
    group: str, keymap: Sequence[Key] = KEYMAP, groups: Mapping[str, str] = GROUPS
) -> Group:
    """One group of keys: its title, then each key and what it does."""
    keys = Table.grid(padding=(0, 2))
    keys.add_column(no_wrap=True, style="bold")
    keys.add_column()
    for key in keymap:
        if key.group == group:
            keys.add_row(key.shown_keys, key.description)
    return Group(Text(groups[group], style="bold underline"), keys, Text())


#: Below this many columns the groups of keys are listed one under the other.
TWO_COLUMNS_FROM = 100


def help_table(
    columns: int = 2, keymap: Sequence[Key] = KEYMAP, titles: Mapping[str, str] = GROUPS
) -> Table:
    """Every group of keys, ``columns`` groups side by side (1 or 2)."""
    table = Table.grid(padding=(0, 3), expand=True)
    groups = list(titles)
    if columns == 1:
        table.add_column()
        for group in groups:
            table.add_row(group_table(group, keymap, titles))
        return table
    table.add_column(ratio=1)
    table.add_column(ratio=1)
    for left, right in zip(groups[::2], [*groups[1::2], None]):
        table.add_row(
            group_table(left, keymap, titles),
            group_table(right, keymap, titles) if right else "",
        )
    return table


class HelpScreen(ModalScreen[None]):
    """The help screen: what the viewer is, then every key.

    Example:
        >>> HelpScreen().BINDINGS[0].key
        'escape,question_mark,q'
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "close help")
    ]

    def __init__(
        self,
        keymap: Sequence[Key] = KEYMAP,
        groups: Mapping[str, str] = GROUPS,
        intro: str = INTRO,
    ) -> None:
        super().__init__()
        self.keymap, self.groups, self.intro = keymap, groups, intro

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "buildtrace · help"
            body.border_subtitle = "Esc closes"
            yield Static(Text(self.intro), id="help-intro")
            columns = 2 if self.app.size.width >= TWO_COLUMNS_FROM else 1
            yield Static(help_table(columns, self.keymap, self.groups), id="help-keys")

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(result)
