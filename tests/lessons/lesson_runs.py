"""Runs of the built-in lessons' scripts, made once per test session and shared.

Each built-in script takes a fraction of a second, but several test files read the
same runs: caching them keeps the lessons' tests well under their time budget.
"""

from __future__ import annotations

from buildtrace.lessons.walkthrough import (
    LessonEvents,
    ResolvedStep,
    lesson_events,
    load_lesson,
    resolve,
)
from buildtrace.trace import Event

_runs: dict[str, LessonEvents] = {}


def run_of(name: str) -> LessonEvents:
    """The events (and printed output) of built-in lesson ``name``'s script."""
    if name not in _runs:
        _runs[name] = lesson_events(load_lesson(name))
    return _runs[name]


def events_of(name: str) -> list[Event]:
    return run_of(name).events


def steps_of(name: str) -> list[ResolvedStep]:
    """Built-in lesson ``name`` resolved against a real run of its script."""
    return resolve(load_lesson(name), events_of(name))
