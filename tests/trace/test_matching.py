"""One pattern language: a lesson's stop and a viewer's breakpoint pick the same events."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildtrace.lessons.lesson_format import Selector
from buildtrace.runner.child import StopRule
from buildtrace.runner.script import run_script
from buildtrace.trace import Event
from buildtrace.trace.matching import EventPattern, name_matches
from tui.breakpoints import Breakpoints

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_events() -> list[Event]:
    result = run_script(ROOT / "samples" / "seed.py", until="build")
    assert result.exit_code == 0
    return result.events


def test_a_name_matches_in_full_or_by_its_end_after_a_dot() -> None:
    full = "keras.layers.core.dense.Dense.build"
    assert name_matches(full, {full})
    assert name_matches(full, {"Dense.build"})
    assert name_matches(full, {"build"})
    assert not name_matches(full, {"ense.build"})  # an end starts after a dot
    assert not name_matches(full, {"Dense"})


@pytest.mark.parametrize("name", ["Dense.build", "Layer._maybe_build", "Sequential.add"])
def test_a_breakpoint_on_a_function_stops_where_the_lesson_stop_does(
    seed_events: list[Event], name: str
) -> None:
    points = Breakpoints()
    points.toggle("function", name)
    stop = Selector(kind="call", name=name)
    by_lesson = [e["seq"] for e in seed_events if stop.matches(e)]
    by_breakpoint = [e["seq"] for e in seed_events if points.matches(e)]
    assert by_lesson, name  # the seed's build runs each of these
    assert by_breakpoint == by_lesson


def test_a_layer_breakpoint_and_a_lesson_stop_on_the_layer_agree(seed_events: list[Event]) -> None:
    points = Breakpoints()
    points.toggle("layer", "dense_1")
    for kind in ("call", "set", "add_weight"):
        stop = Selector(kind=kind, layer="dense_1")
        wanted = [e["seq"] for e in seed_events if stop.matches(e)]
        assert wanted
        assert set(wanted) <= {e["seq"] for e in seed_events if points.matches(e)}


def test_a_lesson_stop_is_the_child_s_stop_rule(seed_events: list[Event]) -> None:
    """What the viewer sends the lockstep child (JSON) stops where the lesson does."""
    stop = Selector(kind="set", attr="built", value=True, has_value=True, layer="dense")
    rule = StopRule.from_json(stop.pattern.to_json())
    assert rule == stop.pattern
    found = [e["seq"] for e in seed_events if rule.matches(e)]
    assert found == [e["seq"] for e in seed_events if stop.matches(e)]
    assert found and all(seed_events[s]["value"] is True for s in found)


def test_true_is_not_one() -> None:
    pattern = EventPattern(attr="built", value=True, has_value=True)
    assert pattern.matches({"kind": "set", "attr": "built", "value": True})
    assert not pattern.matches({"kind": "set", "attr": "built", "value": 1})
