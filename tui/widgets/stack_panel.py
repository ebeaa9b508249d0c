"""The call stack at the cursor: which engine functions are running, innermost first."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from buildtrace.trace import Event
from buildtrace.trace.events import short_name
from tui.panel_spec import Moment, PanelSpec
from tui.theme_styles import ThemeStyles


class StackPanel(Static):
    """The open calls as of the cursor, like a debugger's call stack.

    Each frame shows the line it is at: the innermost frame the line of the current
    event (a flag written, an error raised) or its own ``def``; an outer frame the line
    that called the frame inside it (the inner call's ``caller``).

    Example:
        >>> panel = StackPanel()
        >>> panel.border_title
        'call stack'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "call stack"
        self._key: tuple[object, ...] | None = None

    def show(self, frames: list[Event], current: Event | None, styles: ThemeStyles) -> None:
        """Show ``frames`` (outermost first) as of the ``current`` event."""
        src = current.get("src") if current is not None else None
        key = (tuple(frame.get("seq") for frame in frames), src, id(styles))
        if key == self._key:
            return
        self._key = key
        if not frames:
            self.update(Text("no call running (top level)", style=styles.muted), layout=False)
            return
        lines = Text(no_wrap=True, overflow="ellipsis")
        here = current.get("src") if current is not None and current.get("kind") != "call" else None
        for depth in range(len(frames) - 1, -1, -1):
            frame = frames[depth]
            inner = frames[depth + 1] if depth + 1 < len(frames) else None
            at = inner.get("caller") if inner is not None else here or frame.get("src")
            innermost = depth == len(frames) - 1
            lines.append("▶ " if innermost else "  ", style=styles.current)
            lines.append(
                short_name(str(frame.get("name", "?"))),
                style=styles.current if innermost else styles.palette.name,
            )
            if frame.get("layer"):
                lines.append(f" [{frame['layer']}]", style=styles.palette.layer)
            if isinstance(at, str):
                # The file's name is enough here: the source panel shows the full path.
                lines.append(f"  {at.rsplit('/', 1)[-1]}", style=styles.muted)
            if depth:
                lines.append("\n")
        self.update(lines, layout=False)


def _refresh(panel: StackPanel, app: object, moment: Moment) -> None:
    panel.show(list(moment.state.stack.frames), moment.event, moment.styles)


PANEL = PanelSpec(
    "stack", "bottom", 10, "3", "the call stack", tab="3 stack",
    widget=StackPanel, refresh=_refresh, lesson_names=("stack",),
)  # fmt: skip
