"""The script's output (its stdout and stderr), as the child writes it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Log

from tui.panel_spec import PanelSpec


class ScriptOutput(Log):
    """What the script prints, last 2000 lines; hidden until asked for (key 7) or it fails.

    Example:
        >>> ScriptOutput().border_title
        'script output'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=2000)
        self.border_title = "script output"


PANEL = PanelSpec(
    "log", "below", 10, "7", "the script's output", tab="7 output",
    widget=ScriptOutput, css=Path(__file__).with_suffix(".tcss"),
)  # fmt: skip
