"""``buildtrace lesson NAME`` in the viewer: the lesson's script runs live, the lesson leads.

The lesson's script runs in a child process exactly as ``buildtrace tui SCRIPT.py``
runs one (so training, if the script trains, goes on while the class talks), or its
recorded trace is read. The viewer then opens at the lesson's first stop, with the
teacher's words above the usual panels (see :mod:`tui.lesson_actions` for the keys).

Example:
    >>> app = create_lesson_app(load_lesson("seed-build"))  # doctest: +SKIP
    >>> app.run()  # doctest: +SKIP
"""

from __future__ import annotations

from buildtrace.lessons.walkthrough import Lesson
from tui.app import BuildTraceApp
from tui.child_run import ChildRun


def create_lesson_app(
    lesson: Lesson, *, presenting: bool = False, app_class: type[BuildTraceApp] = BuildTraceApp
) -> BuildTraceApp:
    """The viewer following ``lesson``: its script run in a child, or its trace read.

    Args:
        lesson: the lesson (see :func:`buildtrace.lessons.walkthrough.load_lesson`).
        presenting: start in presenter mode.
        app_class: the app to make (a subclass, for tests).
    """
    if lesson.script is not None:
        run = ChildRun(lesson.script, lesson.args)
        return app_class(
            run.trace_path,
            run=run,
            source_name=lesson.script.name,
            lesson=lesson,
            presenting=presenting,
        )
    if lesson.trace is None:  # the lesson reader makes sure one of the two is given
        raise ValueError(f"the lesson {lesson.name!r} names neither a script nor a trace")
    return app_class(
        lesson.trace,
        follow_file=False,
        source_name=lesson.trace.name,
        lesson=lesson,
        presenting=presenting,
    )


def run_lesson(lesson: Lesson, *, presenting: bool = False) -> int:
    """Run ``lesson`` in the viewer until the student quits; returns the exit status.

    The status is 1 when the lesson could not go on (a stop that its script never
    reached: the viewer says which, naming the lesson file's line), else 0.
    """
    app = create_lesson_app(lesson, presenting=presenting)
    app.run()
    run = app.lesson
    if run is not None and run.error is not None:
        print(f"buildtrace: {run.error}")
        return 1
    return 0
