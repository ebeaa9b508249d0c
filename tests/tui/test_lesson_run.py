"""A lesson followed while its script runs: steps found as events arrive, waiting, errors."""

from __future__ import annotations

import pytest

from buildtrace.lessons.walkthrough import LessonEvents, lesson_events, load_lesson
from tui.lesson_run import LessonRun


@pytest.fixture(scope="module")
def seed_run() -> LessonEvents:
    """The seed-build lesson's script, run once in this process."""
    return lesson_events(load_lesson("seed-build"))


def first_stop(run: LessonEvents) -> int:
    """How many events there are up to and including the lesson's first stop."""
    full = LessonRun(load_lesson("seed-build"))
    full.update(run.events, finished=True)
    assert full.walk is not None
    return full.walk.steps[0].index + 1


def test_steps_are_found_as_the_events_arrive(seed_run: LessonEvents) -> None:
    events = seed_run.events
    run = LessonRun(load_lesson("seed-build"))
    assert run.current is None and run.forward() == "wait" and run.waiting

    full = LessonRun(load_lesson("seed-build"))
    full.update(events, finished=True)
    assert full.complete and full.error is None
    first, second = full.walk.steps[0], full.walk.steps[1]  # type: ignore[union-attr]

    # Only the events up to the first stop have arrived.
    assert run.update(events[: first.index + 1], finished=False)
    assert run.number == 1 and not run.waiting and run.found == 1
    assert run.current is not None and run.current.event is first.event
    assert run.forward() == "reveal"  # step 1 asks a question first
    assert run.forward() == "wait"  # step 2's event has not come yet
    assert run.waiting and not run.arrived()

    # Nothing new: no work is done again.
    assert not run.update(events[: first.index + 1], finished=False)
    # Step 2's event arrives: the student, who was waiting, is taken there.
    assert run.update(events[: second.index + 1], finished=False)
    assert run.arrived() and run.number == 2 and not run.waiting
    assert run.current is not None and run.current.index == second.index


def test_going_back_while_waiting_stops_waiting(seed_run: LessonEvents) -> None:
    events = seed_run.events
    run = LessonRun(load_lesson("seed-build"))
    run.update(events[: first_stop(seed_run)], finished=False)
    assert run.found == 1
    run.forward()
    assert run.forward() == "wait"
    assert run.backward() and not run.waiting and run.number == 1
    run.update(events, finished=False)
    assert not run.arrived() and run.number == 1  # nobody is waiting any more


def test_a_script_that_ends_before_a_stop_is_an_error_naming_the_line(
    seed_run: LessonEvents,
) -> None:
    run = LessonRun(load_lesson("seed-build"))
    run.update(seed_run.events[: first_stop(seed_run)], finished=True)
    assert run.found == 1  # what was found stays
    assert run.error is not None
    assert "seed-build.toml, line" in run.error
    run.forward()
    assert run.forward() == "end"  # the lesson cannot go on


def test_the_end_of_the_lesson(seed_run: LessonEvents) -> None:
    run = LessonRun(load_lesson("seed-build"))
    run.update(seed_run.events, finished=True)
    moves = []
    while True:
        move = run.forward()
        moves.append(move)
        if move == "end":
            break
    assert moves.count("step") == run.total - 1
    assert run.at_end and run.walk is not None and run.walk.finished
