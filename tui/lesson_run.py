"""A lesson followed live: its steps resolved as the script's events arrive.

``buildtrace lesson NAME`` in the viewer runs the lesson's script in a child process,
like ``buildtrace tui``, so the stops of a lesson are not all known when it starts: a
step's event may not have happened yet. :class:`LessonRun` resolves the steps against
the events seen so far (``resolve(..., partial=True)``), drives a
:class:`~buildtrace.lessons.walkthrough.Walkthrough` over the steps found, and says
"wait" when the student is ahead of the script. Once the script has ended, a step that
was never found is the lesson's error, with the line of the lesson file that names it.

Nothing here draws or knows Textual: the viewer shows :attr:`LessonRun.current`.

Example:
    >>> run = LessonRun(load_lesson("seed-build"))  # doctest: +SKIP
    >>> run.update(events, finished=False); run.forward()  # doctest: +SKIP
    'reveal'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from buildtrace.lessons.walkthrough import (
    Lesson,
    LessonError,
    ResolvedStep,
    Walkthrough,
    resolve,
)
from buildtrace.trace import Event

#: What :meth:`LessonRun.forward` did: showed the answer, moved on, must wait for the
#: script, or the lesson is over (or cannot go on: see :attr:`LessonRun.error`).
Forward = Literal["reveal", "step", "wait", "end"]


class LessonRun:
    """The state of one lesson in the viewer: which step, what is revealed, what is found.

    Args:
        lesson: the lesson to follow.
    """

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.walk: Walkthrough | None = None
        #: Why the lesson cannot go on (a stop never found), naming the lesson's line.
        self.error: str | None = None
        #: The student asked for the next step before the script reached it.
        self.waiting = False
        self._seen = 0

    # ------------------------------------------------------------------ reading events
    @property
    def total(self) -> int:
        """Steps in the lesson (found or not)."""
        return len(self.lesson.steps)

    @property
    def found(self) -> int:
        """Steps whose event has been seen."""
        return len(self.walk.steps) if self.walk is not None else 0

    @property
    def complete(self) -> bool:
        """Every step is found (nothing more to read from the events)."""
        return self.found == self.total

    def update(self, events: Sequence[Event], *, finished: bool) -> bool:
        """Resolve the steps again against ``events``; True when new steps were found.

        Resolving folds the model state up to each stop, so it is not free: the caller
        asks when it matters (at the start, while the student waits, at the end).

        Args:
            events: every event of the run so far, in order.
            finished: the script has ended; a step still missing is then an error.
        """
        if self.complete or self.error is not None:
            return False
        if len(events) == self._seen and not finished:
            return False
        self._seen = len(events)
        try:
            new = self._add(resolve(self.lesson, events, partial=True))
            if finished and not self.complete:
                resolve(self.lesson, events)  # raises, naming the step's line, with a hint
        except LessonError as exc:
            self.error = str(exc)
            self.waiting = False
            return False
        return new

    def _add(self, steps: list[ResolvedStep]) -> bool:
        """Take the steps found so far; True when there are new ones."""
        if len(steps) <= self.found:
            return False
        if self.walk is None:
            # The first stop is the step shown first: nothing to wait for any more.
            self.walk = Walkthrough(steps, self.lesson)
            self.waiting = False
        else:
            # The steps already shown keep their words: the ones before a stop cannot
            # change when later events arrive, so only the new ones are added.
            self.walk.steps.extend(steps[self.found :])
        return True

    # ------------------------------------------------------------------ moving
    @property
    def current(self) -> ResolvedStep | None:
        """The step shown (None before the first stop has been seen)."""
        return self.walk.current if self.walk is not None else None

    @property
    def revealed(self) -> bool:
        """Whether the current step's answer is shown."""
        return self.walk is not None and self.walk.revealed

    @property
    def number(self) -> int:
        """The current step's number, 1-based (0 before the first stop is seen)."""
        return self.walk.index + 1 if self.walk is not None else 0

    @property
    def at_end(self) -> bool:
        """On the last step of the lesson, with its answer (if any) shown."""
        walk = self.walk
        if walk is None or walk.index != self.total - 1:
            return False
        return not walk.current.has_question or walk.revealed

    def forward(self) -> Forward:
        """Reveal the answer, or go to the next step (``"wait"`` if it is not found yet)."""
        walk = self.walk
        if walk is None:
            self.waiting = self.error is None
            return "wait" if self.waiting else "end"
        answered = not walk.current.has_question or walk.revealed
        if answered and walk.at_end and not self.complete and self.error is None:
            # The last step found so far, but not the lesson's last: its stop is to come.
            self.waiting = True
            return "wait"
        self.waiting = False
        return walk.next()

    def arrived(self) -> bool:
        """After :meth:`update`: move on to the step the student was waiting for."""
        walk = self.walk
        if not self.waiting or walk is None:
            return False
        if walk.index + 1 < len(walk.steps):
            walk.next()
            self.waiting = False
            return True
        return False

    def backward(self) -> bool:
        """Go back one step (stop waiting, if waiting); False at the first step."""
        if self.waiting:
            self.waiting = False
            return True
        return self.walk is not None and self.walk.previous()
