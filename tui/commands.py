"""The command palette (Ctrl+P): every key of the viewer, found by what it does.

A Textual command :class:`~textual.command.Provider` fed from the key map, which takes
the panels' keys from the panel registry (:mod:`tui.panels`): a new panel is in the
palette as soon as it declares itself.

Example:
    >>> [key.action for key in palette_keys() if key.group == "panels"][:2]
    ["toggle_panel('timeline')", "toggle_panel('explain')"]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keymap import KEYMAP, Key


def palette_keys() -> tuple[Key, ...]:
    """The keys the palette offers, in the key map's order."""
    return KEYMAP


class KeyCommands(Provider):
    """One command per key of the key map: its description, and its key as the help."""

    def keys(self) -> Sequence[Key]:
        """The keys offered (compare mode offers its own, :mod:`tui.compare.keymap`)."""
        return palette_keys()

    def _command(self, key: Key) -> tuple[str, Callable[[], object], str]:
        run = partial(self.app.run_action, key.action)
        return key.description.capitalize(), run, f"key: {key.shown_keys}"

    async def discover(self) -> Hits:
        """Every command, when nothing is typed yet."""
        for key in self.keys():
            title, run, help_text = self._command(key)
            yield DiscoveryHit(title, run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands whose description matches ``query``, best first."""
        matcher = self.matcher(query)
        for key in self.keys():
            title, run, help_text = self._command(key)
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)
