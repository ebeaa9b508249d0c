"""The lesson file: a small TOML file a teacher can write, and how it is read.

A lesson runs a Keras script (or replays a recorded trace) and stops at chosen events,
each with the teacher's words. The whole format::

    title = "The three stages of Sequential.build"        # required
    summary = "What model.build(input_shape) does, step by step."
    script = "seed_build.py"   # next to this file, or a built-in script's name
    # trace = "seed.jsonl"     # ...or a recorded trace instead of a script
    # args = ["--epochs", "1"] # arguments for the script (optional)
    # engine = "tf-keras"      # the Keras it runs under (optional; also per step)

    [[step]]                                   # one table per stop, in trace order
    stop = { kind = "call", name = "Dense.build", layer = "dense" }
    title = "Dense.build gets the input shape" # optional: the narration's title
    text = "`{layer}` receives {input_shape}."  # the teacher's words, placeholders ok
    question = "What shape will the kernel have?"   # optional, with answer
    answer = "(784, 512): one row per input, one column per unit."
    show = ["topology", "stack"]                # optional: the panels that matter
    # model = "two_branches"                    # optional: the model to draw
    # engine = "keras3"                         # optional: stop in this engine's run

``stop`` selects an event. Its keys: ``kind`` (call, return, set, add_weight, raise,
or a training kind such as compile or epoch_end), ``name`` (the Keras name or its end:
"Dense.build" matches ``keras.layers.core.dense.Dense.build``), ``layer``, ``attr`` and
``value`` (for ``set`` events: ``attr = "built", value = true``), ``weight`` (for
``add_weight``: "kernel"), ``error`` (for ``raise``: "ValueError") and ``occurrence``
(2 = the second match). Each stop is looked for *after* the previous step's event, so
steps follow the trace in order and "the next Dense.build" is simply
``{ kind = "call", name = "Dense.build" }``.

Everything a file gets wrong is a :class:`LessonError` naming the file and the line
(:mod:`buildtrace.lessons.lesson_reader` reads and checks files). ``FORMAT.md``, beside
this module, is the teacher's version of this page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from buildtrace.trace.events import BUILD_KINDS, TRAINING_KINDS, Event
from buildtrace.trace.matching import EventPattern

HEADER_KEYS = ("title", "summary", "script", "trace", "args", "engine")
STEP_KEYS = ("stop", "title", "text", "question", "answer", "show", "model", "engine")

#: The engines a lesson or a step may run its script under (``buildtrace.engines``'s
#: names, repeated here: the lessons sit below the engines in the import order).
ENGINE_NAMES = ("mini", "tf-keras", "keras3")
STOP_KEYS = ("kind", "name", "layer", "attr", "value", "weight", "error", "occurrence")
KINDS = (*BUILD_KINDS, *TRAINING_KINDS)

#: Panels a step may point at (the TUI's panels; the handout draws topology and build).
PANELS = ("narration", "topology", "build", "stack", "model", "source", "training")
DEFAULT_SHOW = ("narration", "topology")


class LessonError(ValueError):
    """A lesson that cannot be used, with where the problem is.

    Attributes:
        path: the lesson file (None for a lesson read from text).
        line: the 1-based line the problem is on, when known.
        problem: what is wrong, without the place.
    """

    def __init__(self, problem: str, path: Path | None = None, line: int | None = None) -> None:
        self.path, self.line, self.problem = path, line, problem
        where = [f"lesson file {path.name}"] if path is not None else []
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)


@dataclass(frozen=True)
class Selector:
    """Which event a step stops at (see the module docstring for the keys).

    Example:
        >>> Selector(kind="set", attr="built", value=True, has_value=True).describe()
        '{ kind = "set", attr = "built", value = true }'
    """

    kind: str | None = None
    name: str | None = None
    layer: str | None = None
    attr: str | None = None
    value: Any = None
    weight: str | None = None
    error: str | None = None
    occurrence: int = 1
    has_value: bool = field(default=False, repr=False)

    @cached_property
    def pattern(self) -> EventPattern:
        """The stop as an :class:`~buildtrace.trace.matching.EventPattern`: the pattern
        language breakpoints and the stepper use too (``occurrence`` is counted apart)."""
        return EventPattern(
            kinds=None if self.kind is None else frozenset({self.kind}),
            names=None if self.name is None else frozenset({self.name}),
            layers=None if self.layer is None else frozenset({self.layer}),
            attr=self.attr,
            value=self.value,
            has_value=self.has_value,
            weight=self.weight,
            error_type=self.error,
        )

    def matches(self, event: Event) -> bool:
        """Whether ``event`` fits every key given (``occurrence`` is counted elsewhere)."""
        return self.pattern.matches(event)

    def describe(self) -> str:
        """The selector as the teacher would write it in TOML."""
        parts = []
        for key in STOP_KEYS:
            value = getattr(self, key)
            if key == "value" and not self.has_value:
                continue
            if value is None or (key == "occurrence" and value == 1):
                continue
            parts.append(f"{key} = {_toml(value)}")
        return "{ " + ", ".join(parts) + " }"


@dataclass(frozen=True)
class LessonStep:
    """One stop of a lesson, as written in the file.

    Attributes:
        number: 1, 2, 3... in the file's order.
        stop: the event to stop at.
        title, text, question, answer: the teacher's words (may hold placeholders).
        show: the panels that matter at this step.
        model: the model to draw, when the default (the last one made) is not it.
        engine: the engine whose run this step stops in (None: the lesson's).
        line: the line of the step's ``[[step]]`` header.
        lines: the line of each key written in the step (for error messages).
    """

    number: int
    stop: Selector
    title: str = ""
    text: str = ""
    question: str = ""
    answer: str = ""
    show: tuple[str, ...] = DEFAULT_SHOW
    model: str | None = None
    engine: str | None = None
    line: int = 1
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        """The line of ``key`` in this step, else of the step itself."""
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class Lesson:
    """A lesson: what to run and where to stop.

    Attributes:
        name: the file's name without ``.toml`` (``seed-build``): what ``buildtrace
            lesson NAME`` takes.
        title, summary: for lists and headings.
        steps: the stops, in order.
        path: the lesson file.
        script: the Keras script to run (None when the lesson replays a trace).
        trace: a recorded JSON Lines trace to replay instead.
        args: the script's arguments.
        builtin: shipped with buildtrace (rather than written by a teacher).
        engine: the engine the script runs under (None: the one ``--engine`` chose).
    """

    name: str
    title: str
    summary: str
    steps: tuple[LessonStep, ...]
    path: Path | None = None
    script: Path | None = None
    trace: Path | None = None
    args: tuple[str, ...] = ()
    builtin: bool = False
    engine: str | None = None

    @property
    def engines(self) -> tuple[str, ...]:
        """The engines the lesson's steps name, in the order they first appear; empty
        for a lesson that names none (its script runs once, under ``--engine``'s)."""
        named = [step.engine or self.engine for step in self.steps]
        if not any(named):
            return ()
        return tuple(dict.fromkeys(e or "mini" for e in named))

    def engine_of(self, step: LessonStep) -> str | None:
        """The engine whose run ``step`` stops in (None for a lesson without engines)."""
        return (step.engine or self.engine or "mini") if self.engines else None

    @property
    def source(self) -> Path:
        """The script or the trace the lesson reads."""
        found = self.script or self.trace
        assert found is not None  # parse_lesson guarantees one of them
        return found


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
