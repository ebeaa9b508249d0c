"""The top line: what is being watched, where the cursor is, and what the run is doing."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.widgets import Static


@dataclass
class Status:
    """Everything the status bar says.

    Attributes:
        source: the script or trace watched.
        run: what it is doing (running, finished, recorded...).
        position: where the cursor is, by the trace's own numbering (``seq 24``).
        what: the cursor's event (``call Sequential.build``).
        counts: the build's events apart from training's.
        data: the name of the data training runs on, once training has started.
        flags: modes (following, lockstep, waiting...).
        error: why the run or the trace failed.
    """

    source: str = ""
    run: str = "loading"
    run_style: Style = field(default_factory=lambda: Style(bold=True))
    position: str = ""
    what: str = ""
    counts: str = ""
    data: str = ""
    flags: tuple[str, ...] = ()
    error: str = ""


#: What goes first when the line does not fit the width (the event is in the panels).
_DROP_ORDER = ("what", "counts")


class StatusBar(Static):
    """One line: source · run state · cursor position · counts · data · modes.

    What does not fit the width is left out whole, least needed first (the cursor's
    event, then the counts); the data's name and the modes stay.

    Example:
        >>> StatusBar().status.run
        'loading'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = Status()

    def on_resize(self) -> None:
        self.show(self.status)

    def show(self, status: Status) -> None:
        """Show ``status``."""
        self.status = status
        width = self.size.width
        dropped: set[str] = set()
        text = _status_text(status, dropped)
        for part in _DROP_ORDER:
            if not width or text.cell_len <= width:
                break
            dropped.add(part)
            text = _status_text(status, dropped)
        self.update(text, layout=False)


def _status_text(status: Status, dropped: set[str]) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {status.source} ", style="bold")
    text.append(f" {status.run} ", style=status.run_style)
    if status.position:
        text.append(f"  {status.position}", style="bold")
    if status.what and "what" not in dropped:
        text.append(f" · {status.what}")
    if status.counts and "counts" not in dropped:
        text.append(f"  {status.counts}", style="dim")
    if status.data:
        text.append(f"  data: {status.data}", style="bold")
    for flag in status.flags:
        text.append(f"  [{flag}]", style="bold")
    if status.error:
        text.append(f"  {status.error}", style="bold")
    return text
