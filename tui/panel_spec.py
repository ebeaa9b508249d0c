"""What a panel declares about itself: its place, its key, its tab and its refresh.

A panel of the viewer is one module of :mod:`tui.widgets` that ends with a ``PANEL =
PanelSpec(...)``. The viewer finds these (see :mod:`tui.panels`) and builds from them
what used to be written out by hand in six files: the widgets it composes and where,
the keys 1-7 and their help and palette lines, the small screen's tabs, the panels a
lesson step can mark, the stylesheets, and the redraw when the cursor moves.

Example:
    >>> spec = PanelSpec("stack", "bottom", 10, "3", "the call stack", tab="3 stack")
    >>> spec.selector, spec.key_description
    ('#stack', 'show/hide the call stack (small screen: its tab)')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.widget import Widget

from buildtrace.state.model_state import ModelState
from buildtrace.trace import Event
from tui.theme_styles import ThemeStyles

if TYPE_CHECKING:
    from tui.app import BuildTraceApp

#: The places of the wide layout: the left column, and the right column's parts from
#: top to bottom (``middle`` and ``bottom`` are rows of panels side by side).
PLACES = ("left", "right", "middle", "bottom", "below")


@dataclass(frozen=True)
class Moment:
    """What every panel redraws for: the cursor's event and the model as of it.

    Attributes:
        index: the cursor (an index into the event store; -1: no event yet).
        event: the event at the cursor, if any.
        state: the model as of the cursor.
        styles: the theme's styles.
        moved: the cursor moved (a key), as opposed to a live refresh (the tick).
        zoomed: the zoom (key z) is on the screen.
    """

    index: int
    event: Event | None
    state: ModelState
    styles: ThemeStyles
    moved: bool = True
    zoomed: bool = False


#: A panel's redraw: its widget, the viewer, and the moment to show.
Refresh = Callable[[Any, "BuildTraceApp", Moment], None]


@dataclass(frozen=True)
class PanelSpec:
    """One panel, as the viewer's shell sees it.

    Attributes:
        name: the panel's name: its widget's id, its key's argument
            (``toggle_panel('model')``) and its tab's id.
        place: where it goes on a wide screen (one of :data:`PLACES`).
        order: its order within its place (and for its key and tab).
        key: the key that shows or hides it (on a small screen: picks its tab).
        title: what its key's help line calls it.
        tab: its tab's label on a small screen ("" : it never takes turns behind tabs).
        compose: makes its widgets (the first is the panel); default: ``widget(id=name)``.
        widget: its widget class.
        refresh: its redraw when the cursor moves (None: it draws itself).
        live: it is redrawn on the viewer's tick too while events arrive (``moved`` False).
        presenting: it shows in presenter mode (which shows only the words and these).
        css: its stylesheet (a ``.tcss`` next to its module), if it has one.
        lesson_names: the names a lesson step's ``show`` uses for it.
        selector: what is shown or hidden (default: ``#name``).
    """

    name: str
    place: str
    order: int
    key: str
    title: str
    tab: str = ""
    widget: type[Widget] | None = None
    compose: Callable[[BuildTraceApp], Iterable[Widget]] | None = None
    refresh: Refresh | None = None
    live: bool = False
    presenting: bool = False
    css: Path | None = None
    lesson_names: tuple[str, ...] = ()
    selector: str = ""

    def __post_init__(self) -> None:
        if self.place not in PLACES:
            raise ValueError(f"panel {self.name!r}: place {self.place!r} is not one of {PLACES}")
        if not self.selector:
            object.__setattr__(self, "selector", f"#{self.name}")

    @property
    def key_description(self) -> str:
        """Its key's line in the help screen and the command palette."""
        return f"show/hide {self.title}" + (" (small screen: its tab)" if self.tab else "")

    def widgets(self, app: BuildTraceApp) -> Iterable[Widget]:
        """Its widgets, made for ``app`` (the panel itself gets the class ``panel``)."""
        if self.compose is not None:
            made = list(self.compose(app))
        elif self.widget is not None:
            made = [self.widget(id=self.name)]
        else:
            raise ValueError(f"panel {self.name!r} declares neither a widget nor compose")
        for widget in made:
            # The stylesheet's rules for every panel (title rule, lesson accent) use it.
            widget.set_class(widget.id == self.name, "panel")
        return made
