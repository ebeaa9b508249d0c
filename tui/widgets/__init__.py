"""The viewer's panels, each a widget of its own."""

from tui.widgets.explain_panel import ExplainPanel
from tui.widgets.key_footer import KeyFooter
from tui.widgets.lesson_panel import LessonPanel, LessonView
from tui.widgets.model_panel import ModelPanel
from tui.widgets.panel_tabs import PanelTabs
from tui.widgets.search_bar import SearchBar
from tui.widgets.stack_panel import StackPanel
from tui.widgets.status_bar import Status, StatusBar
from tui.widgets.timeline_view import TimelineView
from tui.widgets.topology_panel import TopologyPanel
from tui.widgets.training_panel import TrainingCursor, TrainingPanel

__all__ = [
    "ExplainPanel",
    "KeyFooter",
    "LessonPanel",
    "LessonView",
    "ModelPanel",
    "PanelTabs",
    "SearchBar",
    "StackPanel",
    "Status",
    "StatusBar",
    "TimelineView",
    "TopologyPanel",
    "TrainingCursor",
    "TrainingPanel",
]
