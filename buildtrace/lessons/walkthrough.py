"""Walkthroughs: guided lessons through a build, for a class or a student alone.

A lesson is a small TOML file (see :mod:`buildtrace.lessons.lesson_format` and
``FORMAT.md``) naming a Keras script and the events to stop at, with the teacher's
words and "predict before you look" questions. This module is what a front end needs:

* :func:`list_lessons` and :func:`load_lesson` find lessons: buildtrace's own (in
  ``buildtrace/lessons/builtin/``), and a teacher's (the folder in ``$BUILDTRACE_LESSONS``
  or given as ``directory``), which win over built-ins of the same name;
* :func:`lesson_events` runs the lesson's script (or reads its trace);
* :func:`resolve` ties each step to its event;
* :class:`Walkthrough` steps through the resolved lesson (next, previous, reveal). It
  holds no UI: the terminal text mode and the TUI both drive it.

Example:
    >>> lesson = load_lesson("seed-build")
    >>> walk = Walkthrough(resolve(lesson, lesson_events(lesson).events))  # doctest: +SKIP
    >>> walk.current.title, walk.next()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from buildtrace.lessons.lesson_format import Lesson, LessonError, LessonStep, Selector
from buildtrace.lessons.lesson_reader import parse_lesson
from buildtrace.lessons.stops import ResolvedStep, find_stop, resolve
from buildtrace.trace import Event

__all__ = [
    "BUILTIN_DIR",
    "Lesson",
    "LessonError",
    "LessonEvents",
    "LessonInfo",
    "LessonStep",
    "ResolvedStep",
    "Selector",
    "Walkthrough",
    "find_stop",
    "lesson_events",
    "list_lessons",
    "load_lesson",
    "resolve",
]

#: buildtrace's own lessons; the scripts they run are in its ``scripts`` folder.
BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
BUILTIN_SCRIPTS = BUILTIN_DIR / "scripts"

#: The environment variable naming a teacher's folder of lessons.
LESSONS_ENV = "BUILDTRACE_LESSONS"


@dataclass(frozen=True)
class LessonInfo:
    """A lesson found by :func:`list_lessons`: loaded, or why it could not be.

    Attributes:
        name: what ``buildtrace lesson NAME`` takes.
        path: the lesson file.
        lesson: the lesson (None when the file has an error).
        error: the error, naming the line (None when the file is fine).
    """

    name: str
    path: Path
    lesson: Lesson | None
    error: str | None = None

    @property
    def builtin(self) -> bool:
        return self.path.parent == BUILTIN_DIR


def lesson_folders(directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """Where lessons are looked for, first match winning: ``directory``, then the
    folder in ``$BUILDTRACE_LESSONS``, then the built-ins."""
    folders = [Path(d) for d in (directory, os.environ.get(LESSONS_ENV)) if d]
    return [*folders, BUILTIN_DIR]


def list_lessons(directory: str | os.PathLike[str] | None = None) -> list[LessonInfo]:
    """Every lesson there is, by name; a teacher's lesson hides a built-in of its name.

    A lesson whose script lies outside its folder is listed with that error: it runs
    only when asked with ``--allow-outside-scripts``.
    """
    found: dict[str, LessonInfo] = {}
    for folder in lesson_folders(directory):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if path.stem in found:
                continue
            try:
                found[path.stem] = LessonInfo(path.stem, path, read_lesson_file(path))
            except (LessonError, OSError, UnicodeDecodeError) as exc:
                found[path.stem] = LessonInfo(path.stem, path, None, str(exc))
    return list(found.values())


def read_lesson_file(
    path: str | os.PathLike[str], *, allow_outside_scripts: bool = False
) -> Lesson:
    """Read one lesson file.

    Args:
        path: the lesson file.
        allow_outside_scripts: accept a script outside the lesson's folder (see
            :func:`~buildtrace.lessons.lesson_reader.parse_lesson`).

    Raises:
        LessonError: it is not a valid lesson (the message names the line).
        OSError: it cannot be read.
    """
    path = Path(path).resolve()
    text = path.read_text(encoding="utf-8")
    return parse_lesson(
        text,
        path,
        scripts=BUILTIN_SCRIPTS,
        builtin=path.parent == BUILTIN_DIR,
        allow_outside_scripts=allow_outside_scripts,
    )


def load_lesson(
    path_or_name: str | os.PathLike[str],
    directory: str | os.PathLike[str] | None = None,
    *,
    allow_outside_scripts: bool = False,
) -> Lesson:
    """A lesson by file (``my_lesson.toml``) or by name (``seed-build``).

    A lesson runs its script: only one in the lesson's folder (or a built-in one),
    unless ``allow_outside_scripts``.

    Raises:
        LessonError: no such lesson (the message lists those there are), or the file
            has an error (the message names the line).
    """
    given = Path(path_or_name)
    if given.suffix == ".toml" or given.is_file():
        if not given.is_file():
            raise LessonError(f"no such lesson file: {given}")
        try:
            return read_lesson_file(given, allow_outside_scripts=allow_outside_scripts)
        except (OSError, UnicodeDecodeError) as exc:
            raise LessonError(f"cannot read {given}: {exc}") from None
    for folder in lesson_folders(directory):
        candidate = folder / f"{given.name}.toml"
        if candidate.is_file():
            return read_lesson_file(candidate, allow_outside_scripts=allow_outside_scripts)
    names = [info.name for info in list_lessons(directory)]
    # "seed" -> "seed-build": a part of one name is as good a clue as a typo.
    close = [n for n in names if given.name in n] or difflib.get_close_matches(given.name, names, 1)
    hint = f" (did you mean {close[0]!r}?)" if len(close) == 1 else ""
    listed = ", ".join(names) or "none"
    raise LessonError(f"no lesson named {str(path_or_name)!r}{hint}; lessons: {listed}")


@dataclass(frozen=True)
class LessonEvents:
    """The events a lesson reads, and how its script run went.

    Attributes:
        events: the trace.
        output: what the script printed (its own prints, ``model.summary()``...).
        error: the exception that ended the script early, as text, if one did.
    """

    events: list[Event]
    output: str = ""
    error: str | None = None
    #: For a lesson whose steps name engines: each engine's run (``events`` is the first).
    by_engine: dict[str, list[Event]] = field(default_factory=dict)


def lesson_events(lesson: Lesson, *, capture: bool = True) -> LessonEvents:
    """Run the lesson's script in this process, or read its trace.

    Args:
        lesson: the lesson.
        capture: keep what the script prints (in :attr:`LessonEvents.output`) instead of
            showing it. This swaps ``sys.stdout`` while the script runs: pass False from
            inside a running Textual app (or run the script in a child process there).

    Raises:
        LessonError: the trace file is not a buildtrace trace.
    """
    if lesson.trace is not None:
        from buildtrace.trace import TraceFormatError, read_events

        try:
            return LessonEvents(read_events(lesson.trace))
        except (TraceFormatError, UnicodeDecodeError, OSError) as exc:
            raise LessonError(f"cannot read the trace {lesson.trace}: {exc}", lesson.path) from None
    if lesson.engines:
        return _engine_runs(lesson)
    from buildtrace.runner.script import run_script

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed) if capture else contextlib.nullcontext():
        result = run_script(lesson.source, lesson.args)
    error = None
    if result.error is not None:
        error = f"{type(result.error).__name__}: {result.error}"
    return LessonEvents(result.events, printed.getvalue(), error)


def _engine_runs(lesson: Lesson) -> LessonEvents:
    """Run the lesson's script once under each engine its steps name, each in a child
    process of its own (tf-keras and Keras 3 cannot share one: ``tf.keras`` is one or
    the other for a process's life), and read the traces they record.

    Raises:
        LessonError: an engine is not installed, or a run left no trace.
    """
    import subprocess
    import sys
    import tempfile

    from buildtrace.trace import TraceFormatError, read_events

    by_engine: dict[str, list[Event]] = {}
    output: list[str] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="buildtrace-lesson-") as folder:
        for engine in lesson.engines:
            trace = Path(folder) / f"{engine}.jsonl"
            command = [sys.executable, "-m", "buildtrace", "run", "--engine", engine,
                       "--no-tree", "-o", str(trace), str(lesson.source), *lesson.args]  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  cwd=lesson.source.parent)  # fmt: skip
            lines = [ln for ln in done.stderr.splitlines() if "not installed" in ln]
            if lines:
                raise LessonError(f"this lesson runs its script under {engine}: {lines[-1]}",
                                  lesson.path)  # fmt: skip
            try:
                by_engine[engine] = read_events(trace)
            except (TraceFormatError, OSError) as exc:
                tail = done.stderr.strip().splitlines()[-1:] or [str(exc)]
                raise LessonError(f"the run under {engine} left no trace: {tail[0]}",
                                  lesson.path) from None  # fmt: skip
            output.append(f"── under {engine} ──\n{done.stdout}")
            if done.returncode != 0:
                errors.append(f"under {engine}: exit status {done.returncode}")
    first = by_engine[lesson.engines[0]]
    return LessonEvents(first, "".join(output), "; ".join(errors) or None, by_engine)


Move = Literal["reveal", "step", "end"]


class Walkthrough:
    """Steps through a resolved lesson: the model any front end drives.

    A step with a question first shows the question; the first :meth:`next` reveals the
    answer, the second moves on. Going back to a step whose answer was seen shows it
    revealed. Nothing here prints or waits: the caller shows :attr:`current`.

    Args:
        steps: the resolved steps (at least one).
        lesson: the lesson they come from, for titles.

    Example:
        >>> walk = Walkthrough(steps)  # doctest: +SKIP
        >>> walk.next()  # doctest: +SKIP
        'reveal'
    """

    def __init__(self, steps: Sequence[ResolvedStep], lesson: Lesson | None = None) -> None:
        if not steps:
            raise ValueError("a walkthrough needs at least one step")
        self.steps = list(steps)
        self.lesson = lesson
        self.index = 0
        self.finished = False
        self._revealed: set[int] = set()

    @property
    def current(self) -> ResolvedStep:
        """The step shown now."""
        return self.steps[self.index]

    @property
    def revealed(self) -> bool:
        """Whether the current step's answer is shown (False when it has no question)."""
        return self.current.has_question and self.index in self._revealed

    @property
    def position(self) -> str:
        """``3 / 12``."""
        return f"{self.index + 1} / {len(self.steps)}"

    @property
    def seqs(self) -> list[int]:
        """The ``seq`` of every stop, in order (to mark them on a timeline)."""
        return [step.seq for step in self.steps]

    @property
    def at_start(self) -> bool:
        return self.index == 0

    @property
    def at_end(self) -> bool:
        return self.index == len(self.steps) - 1

    def next(self) -> Move:
        """Reveal the answer, or go to the next step; ``"end"`` past the last step."""
        if self.current.has_question and not self.revealed:
            self._revealed.add(self.index)
            return "reveal"
        if self.at_end:
            self.finished = True
            return "end"
        self.index += 1
        return "step"

    def previous(self) -> bool:
        """Go back one step; False when already at the first."""
        self.finished = False
        if self.at_start:
            return False
        self.index -= 1
        return True

    def go(self, index: int) -> None:
        """Jump to step ``index`` (0-based; clamped to the lesson)."""
        self.index = max(0, min(len(self.steps) - 1, index))
        self.finished = False

    def reveal(self) -> None:
        """Show the current step's answer now (no effect without a question)."""
        if self.current.has_question:
            self._revealed.add(self.index)
