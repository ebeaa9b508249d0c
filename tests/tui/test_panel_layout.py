"""Which panels show, for every screen size, tab, hidden set and presenter mode."""

from __future__ import annotations

from itertools import combinations

import pytest

from tui.panel_layout import PANELS, TABS, PanelLayout, is_compact


@pytest.mark.parametrize(
    ("size", "compact"),
    [((80, 24), True), ((99, 40), True), ((120, 25), True), ((100, 26), False), ((120, 36), False)],
)
def test_small_screens_are_those_under_100_columns_or_26_rows(
    size: tuple[int, int], compact: bool
) -> None:
    assert is_compact(*size) == compact


@pytest.mark.parametrize("tab", list(TABS))
def test_a_small_screen_shows_the_timeline_and_exactly_one_tab(tab: str) -> None:
    for hidden in (frozenset(), frozenset({"model", "explain", "log"})):
        shown = PanelLayout(compact=True, tab=tab, hidden=hidden).displays()
        assert shown["#left"] and shown["#tabs"] and shown["#right"]
        panels = [name for name in TABS if shown[f"#{PANELS[name]}"]]
        assert panels == [tab]  # what was hidden on the wide screen has its tab here
        assert shown["#middle"] == (tab in ("model", "topology"))
        assert shown["#bottom"] == (tab in ("stack", "training"))


def test_a_wide_screen_shows_what_is_not_hidden_and_the_rows_follow() -> None:
    names = [name for name in PANELS if name != "timeline"]
    for count in range(len(names) + 1):
        for hidden in combinations(names, count):
            shown = PanelLayout(hidden=frozenset(hidden)).displays()
            assert not shown["#tabs"]
            for name in names:
                assert shown[f"#{PANELS[name]}"] == (name not in hidden)
            assert shown["#middle"] == any(n not in hidden for n in ("model", "topology"))
            assert shown["#bottom"] == any(n not in hidden for n in ("stack", "training"))
            parts = ("#explain", "#middle", "#bottom", "#log")
            assert shown["#right"] == any(shown[part] for part in parts)


@pytest.mark.parametrize("compact", [False, True])
def test_presenter_mode_shows_the_words_the_model_and_its_diagram_only(compact: bool) -> None:
    shown = PanelLayout(compact=compact, presenting=True, tab="training").displays()
    assert [
        s for s in ("#lesson", "#model", "#topology", "#middle", "#right") if not shown[s]
    ] == []
    assert [s for s in ("#left", "#explain", "#bottom", "#log", "#tabs") if shown[s]] == []


def test_the_lesson_panel_shows_in_a_lesson_only() -> None:
    assert PanelLayout(lesson=True).displays()["#lesson"]
    assert not PanelLayout().displays()["#lesson"]
    assert PanelLayout(lesson=True, compact=True).displays()["#lesson"]
