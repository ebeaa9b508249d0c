"""Rich styles taken from the Textual theme, so every panel reads well, light or dark.

Panels draw rich renderables (tables, charts, boxes), which cannot use the stylesheet's
``$variables`` directly; :class:`ThemeStyles` turns the theme's variables into rich
styles once per theme. The ``text-*`` variables are the theme's colours adjusted to be
readable on its background.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.style import Style
from textual.color import Color

from tui.labels import Palette
from tui.topology_drawing import TopologyStyles


def _color(variables: dict[str, str], name: str, fallback: str) -> str:
    value = variables.get(name, fallback)
    try:
        return Color.parse(value).hex6
    except Exception:  # "auto 60%" and other non-colours
        return Color.parse(fallback).hex6


@dataclass(frozen=True)
class ThemeStyles:
    """The rich styles of one theme.

    Example:
        >>> styles = ThemeStyles.from_variables({"text-success": "#337E4A"})
        >>> styles.palette.weight.color.name
        '#337e4a'
    """

    palette: Palette
    topology: TopologyStyles
    title: Style
    muted: Style
    changed: Style
    current: Style
    loss: Style
    accuracy: Style
    epoch: Style
    validation: Style

    @classmethod
    def from_variables(cls, variables: dict[str, str]) -> ThemeStyles:
        """The styles of a theme given its CSS variables (``App.get_css_variables()``)."""

        def color(name: str, fallback: str) -> str:
            return _color(variables, name, fallback)

        background = color("background", "#1e1e1e")
        foreground = color("foreground", "#e0e0e0")
        success, warning = color("success", "#4ebf71"), color("warning", "#fea62b")
        palette = Palette(
            name=Style(),
            layer=Style(color=color("text-primary", "#57a5e2")),
            detail=Style(dim=True),
            flag=Style(color=color("text-warning", "#ffc473"), bold=True),
            weight=Style(color=color("text-success", "#8ad4a1")),
            error=Style(color=color("text-error", "#d17e92"), bold=True),
            training=Style(color=color("text-secondary", "#5684a5")),
        )
        topology = TopologyStyles(
            plain=Style(color=foreground, dim=True),
            filled=Style(color=background, bgcolor=success, bold=True),
            focus=Style(color=background, bgcolor=warning, bold=True),
            line=Style(dim=True),
        )
        return cls(
            palette=palette,
            topology=topology,
            title=Style(bold=True),
            muted=Style(dim=True),
            changed=Style(color=background, bgcolor=warning, bold=True),
            current=Style(bold=True, color=color("text-accent", "#ffc473")),
            loss=Style(color=color("text-error", "#d17e92")),
            accuracy=Style(color=color("text-success", "#8ad4a1")),
            epoch=Style(color=color("text-primary", "#57a5e2"), bold=True),
            validation=Style(color=color("text-warning", "#ffc473"), bold=True),
        )

    def for_projector(self) -> ThemeStyles:
        """The same styles with the topology's lines at full strength.

        Dim lines read well on a screen at arm's length and vanish on a projector seen
        from the back of a room; presenter mode draws the diagram with these.
        """
        lines = replace(self.topology, line=Style(bold=True))
        return replace(self, topology=lines)
