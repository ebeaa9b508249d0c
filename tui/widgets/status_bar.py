"""The top line: what is being watched, where the cursor is, and what the run is doing."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.widgets import Static


@dataclass
class Status:
    """Everything the status bar says."""

    source: str = ""
    run: str = "loading"
    run_style: Style = field(default_factory=lambda: Style(bold=True))
    position: str = ""
    flags: tuple[str, ...] = ()
    error: str = ""


class StatusBar(Static):
    """One line: source · run state · cursor position · modes (follow, lockstep...).

    Example:
        >>> StatusBar().status.run
        'loading'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = Status()

    def show(self, status: Status) -> None:
        """Show ``status``."""
        self.status = status
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {status.source} ", style="bold")
        text.append(f" {status.run} ", style=status.run_style)
        if status.position:
            text.append(f"  {status.position}")
        for flag in status.flags:
            text.append(f"  [{flag}]", style="bold")
        if status.error:
            text.append(f"  {status.error}", style="bold")
        self.update(text, layout=False)
