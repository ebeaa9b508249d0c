"""Which panels show: one rule for wide screens, small screens and presenter mode.

On a wide screen every panel has its place and keys 1-7 show or hide them. On a small
one (an 80×24 terminal) the panels cannot all be read at once, so the explanation comes
first: the timeline keeps a strip at the top, and the other panels take turns below it
behind a row of tabs (keys 2-7 pick one). Presenter mode shows only the words, the
model and its diagram. :class:`PanelLayout` says, for a state of these, which widgets
show; the viewer applies it (see :mod:`tui.panel_actions`).

Example:
    >>> layout = PanelLayout(compact=True, tab="model")
    >>> shown = layout.displays()
    >>> shown["#model"], shown["#explain"], shown["#left"]
    (True, False, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.panels import PANEL_SPECS, in_place

#: Panel name -> the widget's id (keys 1-7 toggle them, or on a small screen pick a tab).
PANELS = {spec.name: spec.selector.lstrip("#") for spec in PANEL_SPECS}

#: The panels that take turns behind the tabs on a small screen, in the tabs' order,
#: with the tab's label (its key first, as the keys 2-7 pick them).
TABS = {spec.name: spec.tab for spec in PANEL_SPECS if spec.tab}

#: Below this many columns, or this many rows, the screen is small (see the module).
COMPACT_WIDTH = 100
COMPACT_HEIGHT = 26

#: The rows that hold panels side by side on a wide screen.
_ROWS = {f"#{row}": tuple(spec.name for spec in in_place(row)) for row in ("middle", "bottom")}

#: The parts of the right column, top to bottom (one left alone takes all its height).
PARTS = (
    *(spec.selector for spec in in_place("right")),
    *_ROWS,
    *(spec.selector for spec in in_place("below")),
)


def is_compact(width: int, height: int) -> bool:
    """Whether a screen of ``width`` × ``height`` cells gets the small-screen layout."""
    return width < COMPACT_WIDTH or height < COMPACT_HEIGHT


@dataclass(frozen=True)
class PanelLayout:
    """The state that decides which panels show.

    Attributes:
        compact: a small screen (tabs).
        presenting: presenter mode (overrides the rest).
        lesson: a lesson is followed (its panel shows above the others).
        hidden: the panels the student hid (names of :data:`PANELS`).
        tab: the tab shown on a small screen (a name of :data:`TABS`).
    """

    compact: bool = False
    presenting: bool = False
    lesson: bool = False
    hidden: frozenset[str] = field(default_factory=lambda: frozenset({"log"}))
    tab: str = "explain"

    def shows(self, name: str) -> bool:
        """Whether the panel ``name`` (of :data:`PANELS`) shows, presenter mode aside."""
        if self.compact and name in TABS:
            return name == self.tab
        return name not in self.hidden

    def displays(self) -> dict[str, bool]:
        """Every widget's ``display``, by selector."""
        shown = {f"#{PANELS[name]}": self.shows(name) for name in PANELS}
        for row, members in _ROWS.items():
            shown[row] = any(self.shows(name) for name in members)
        shown["#tabs"] = self.compact
        shown["#lesson"] = self.lesson
        shown["#right"] = any(shown[selector] for selector in ("#lesson", "#tabs", *PARTS))
        if self.presenting:
            # The words (the lesson panel) and the panels that declare they present.
            shown.update({spec.selector: spec.presenting for spec in PANEL_SPECS})
            for row, members in _ROWS.items():
                shown[row] = any(shown[f"#{PANELS[name]}"] for name in members)
            shown.update({"#tabs": False, "#right": True, "#lesson": True})
        return shown
