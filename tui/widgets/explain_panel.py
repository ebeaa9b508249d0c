"""What this step does: the explanation of the current event and the source behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual.widgets import Static

from buildtrace.state.model_state import ModelState
from buildtrace.trace import Event
from tui.explainer import Explainer, Explanation
from tui.panel_spec import Moment, PanelSpec
from tui.source_index import function_at
from tui.theme_styles import ThemeStyles

if TYPE_CHECKING:
    from tui.app import BuildTraceApp

#: Lines of source shown above the marked line when the function does not fit.
_CONTEXT_ABOVE = 2

#: Fewest rows worth showing source in (its title and two lines).
_MIN_SOURCE = 3


class RenderedOnce:
    """A renderable drawn once per width and then replayed (highlighting costs)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._lines: list[list[Segment]] | None = None
        self._width = -1

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self._lines is None or self._width != options.max_width:
            self._lines = console.render_lines(self.renderable, options, pad=False)
            self._width = options.max_width
        newline = Segment.line()
        for line in self._lines:
            yield from line
            yield newline


#: Highlighted sources already drawn, by (file, first, last, marked line, dark).
_SOURCES: dict[tuple[str, int, int, int, bool, bool], RenderedOnce] = {}


class ExplainPanel(Static):
    """The explanation (which Keras 2 function, what it does, why) and the source.

    The source is buildtrace's own: the function the event comes from, with the line
    it is at marked (a call's ``def``, the line that wrote a flag or raised an error).
    Both are drawn as one renderable sized to the panel, so a step never needs a new
    layout of the screen (the costliest thing a step could do). The words come first:
    the source gets the rows they leave; words that do not fit end in "… (z: all)",
    and :meth:`whole` gives everything, for the zoom.

    Example:
        >>> ExplainPanel().border_title
        'what this step does'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "what this step does"
        self.explainer = Explainer()
        self._shown: tuple[Event | None, str | None, ModelState, ThemeStyles] | None = None
        self._text: Text = Text()
        self._key: tuple[object, ...] | None = None

    def show(
        self, event: Event | None, src: str | None, state: ModelState, styles: ThemeStyles
    ) -> None:
        """Explain ``event``; show the source line ``src`` (``keras/engine/node.py:48``)."""
        if event is None:
            self._text = Text("waiting for the first event…", style=styles.muted)
        else:
            told = self.explainer.explain(event, state)
            self._text = _explanation_text(told, styles)
        self._shown = (event, src, state, styles)
        self._draw(src, styles)

    def on_resize(self) -> None:
        if self._shown is not None:
            _, src, _, styles = self._shown
            self._key = None
            self._draw(src, styles)

    def _draw(self, src: str | None, styles: ThemeStyles) -> None:
        width = max(self.content_region.width, 20)
        height = max(self.content_region.height, 2)
        key = (self._text.plain, src, width, height, id(styles))
        if key == self._key:
            return
        self._key = key
        lines = list(self._text.wrap(self.app.console, width))
        if len(lines) > height:  # the rest is one key away: z shows it all, scrollable
            lines = lines[:height]
            lines[-1] = _with_hint(lines[-1], width, styles)
        parts: list[RenderableType] = [Text("\n").join(lines)]
        source = self._source(src, height - len(lines), styles)
        if source is not None:
            parts += source
        self.update(Group(*parts), layout=False)

    def whole(self) -> RenderableType:
        """The whole explanation and the whole function behind it (what z shows)."""
        if self._shown is None:
            return Text("waiting for the first event…")
        src, styles = self._shown[1], self._shown[3]
        parts: list[RenderableType] = [self._text]
        source = self._source(src, None, styles, wrap=True)
        if source is not None:
            parts += [Text(), *source]
        return Group(*parts)

    def _source(
        self, src: str | None, room: int | None, styles: ThemeStyles, *, wrap: bool = False
    ) -> list[RenderableType] | None:
        """The function's title and source in ``room`` rows (None: the whole function).

        ``wrap``: long lines wrap (the zoom), else they are cut at the panel's edge.
        """
        found = function_at(src)
        if found is None or (room is not None and room < _MIN_SOURCE):
            return None
        function, line = found
        first, last = function.first, function.last
        if room is not None:
            height = room - 1
            if last - first + 1 > height:
                first = max(first, min(line - _CONTEXT_ABOVE, last - height + 1))
            last = min(last, first + height - 1)
        dark = self.app.current_theme.dark
        key = (function.path, first, last, line, dark, wrap)
        drawn = _SOURCES.get(key)
        if drawn is None:
            # Only the function is highlighted (not its file), and only once per view.
            offset = function.first - 1
            syntax = Syntax(
                function.code,
                "python",
                theme="ansi_dark" if dark else "ansi_light",
                line_numbers=True,
                start_line=function.first,
                line_range=(first - offset, last - offset),
                highlight_lines={line},
                word_wrap=wrap,
                background_color="default",
            )
            if len(_SOURCES) > 256:
                _SOURCES.clear()
            drawn = _SOURCES[key] = RenderedOnce(syntax)
        title = Text(f"{function.path}:{line}  {function.qualname}", style=styles.muted)
        title.no_wrap, title.overflow = True, "ellipsis"
        return [title, drawn]


def _with_hint(line: Text, width: int, styles: ThemeStyles) -> Text:
    """The last line shown, ending in the hint that z shows the rest."""
    hint = " … (z: all)"
    line = line.copy()
    line.rstrip()
    if len(line) + len(hint) > width:
        line.truncate(max(width - len(hint), 0))
    line.append(hint, style=styles.current)
    return line


def _explanation_text(told: Explanation, styles: ThemeStyles) -> Text:
    text = Text()
    text.append(told.title, style=styles.title)
    if told.mirrors:
        text.append(f"   mirrors {told.mirrors}", style=styles.muted)
    text.append("\n")
    append_marked(text, told.text, styles.palette.name, styles.current)
    if told.why:
        text.append("\n")
        append_marked(text, told.why, styles.muted, styles.current)
    return text


def append_marked(text: Text, words: str, style: Style, code: Style) -> None:
    """Append ``words``, showing the narration's `code` spans in the ``code`` style."""
    for number, part in enumerate(words.split("`")):
        text.append(part, style=code if number % 2 else style)


def _refresh(panel: ExplainPanel, app: BuildTraceApp, moment: Moment) -> None:
    # Explaining costs the most of any panel: only when it shows (or fills the zoom).
    if panel.display or moment.zoomed:
        event, store = moment.event, app.store
        source = store.source_of(moment.index) if event is not None else None
        panel.show(event, source, moment.state, moment.styles)


PANEL = PanelSpec(
    "explain", "right", 10, "2", "what this step does", tab="2 what it does",
    widget=ExplainPanel, refresh=_refresh, lesson_names=("narration", "source"),
)  # fmt: skip
