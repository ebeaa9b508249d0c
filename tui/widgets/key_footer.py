"""The footer of keys, fitted to the width: keys that do not fit are left out whole.

Textual's footer lets a long row of keys run under the command palette's key at its
right, which then reads ``^p palettet`` on an 80-column terminal. This one drops the
least needed keys (and, when narrow, the palette's key: Ctrl+P still works, and ``?``
lists every key) until the rest fits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Columns from which the command palette's key is shown too.
PALETTE_FROM = 100


def key_width(key: FooterKey) -> int:
    """Cells a key takes in a compact footer: ``n→ next`` and the gap after it."""
    return cell_len(key.key_display) + 1 + cell_len(key.description) + 1


def fitted(keys: Sequence[FooterKey], room: int, drop_order: Sequence[str]) -> list[FooterKey]:
    """``keys`` without the first ones of ``drop_order`` (actions) needed to fit ``room``.

    Keys whose action is not in ``drop_order`` go last, from the end of the row.
    """
    order = [k for action in drop_order for k in keys if k.action == action]
    order += [k for k in reversed(keys) if k not in order]
    kept = list(keys)
    total = sum(key_width(k) for k in kept)
    for key in order:
        if total <= room:
            break
        kept.remove(key)
        total -= key_width(key)
    return kept


class KeyFooter(Footer):
    """A compact footer that shows only the keys that fit, dropping ``drop_order`` first.

    Example:
        >>> KeyFooter(drop_order=["continue(False)"]).compact
        True
    """

    def __init__(self, *, drop_order: Iterable[str] = (), id: str | None = None) -> None:
        super().__init__(compact=True, id=id)
        self.drop_order = tuple(drop_order)
        self._width = 0

    def compose(self) -> ComposeResult:
        widgets: list[Widget] = list(super().compose())
        width = self.size.width or self.app.size.width
        palette = [w for w in widgets if w.has_class("-command-palette")]
        if width < PALETTE_FROM:
            palette = []
        keys = [
            w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")
        ]
        room = width - sum(key_width(k) + 1 for k in palette if isinstance(k, FooterKey))
        kept = fitted(keys, room, self.drop_order)
        for widget in widgets:
            if widget in kept or widget in palette or not isinstance(widget, FooterKey):
                yield widget

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.call_after_refresh(self.recompose)
