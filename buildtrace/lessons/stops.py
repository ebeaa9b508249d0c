"""Finding where a lesson stops in a trace, and filling its words in from those events.

:func:`resolve` walks the trace once: each step's ``stop`` is looked for after the
previous step's event, the model state is folded up to it (so the narration can say
"dense now has 401,920 parameters"), and the step's placeholders are filled in. A stop
that never matches is a :class:`LessonError` naming the step and its line, with a hint:
the event exists but earlier (steps must follow the trace), a close name, or the
layers that function did run for.

Example:
    >>> steps = resolve(load_lesson("seed-build"), events)  # doctest: +SKIP
    >>> steps[0].event["name"]  # doctest: +SKIP
    'keras.engine.sequential.Sequential.build'
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from buildtrace.lessons.lesson_format import Lesson, LessonError, LessonStep, Selector
from buildtrace.lessons.placeholders import PLACEHOLDERS, fill, names_in, values_for
from buildtrace.narration.explanations import Explanation, explain
from buildtrace.state.model_state import ModelState
from buildtrace.trace import Event
from buildtrace.trace.event_types import EventKey
from buildtrace.trace.events import short_name


@dataclass(frozen=True)
class ResolvedStep:
    """A lesson step tied to its event in one trace, with its words filled in.

    Attributes:
        step: the step as written in the lesson file.
        index: the position of the stop event in the events given to :func:`resolve`.
        event: the stop event itself.
        title: the step's title, else the narration's title.
        text, question, answer: the teacher's words, placeholders filled.
        explanation: the narration of the event (what happens, why, what it mirrors).
    """

    step: LessonStep
    index: int
    event: Event
    title: str
    text: str
    question: str
    answer: str
    explanation: Explanation
    #: The engine whose run the step stops in (a lesson naming engines), and that run's
    #: events (``index`` is a position in them); None: the lesson's one run.
    engine: str | None = None
    trace: Sequence[Event] | None = field(default=None, repr=False, compare=False)

    @property
    def number(self) -> int:
        """1, 2, 3... as in the lesson file."""
        return self.step.number

    @property
    def seq(self) -> int:
        """The stop event's ``seq`` (what a viewer moves its cursor to)."""
        return int(self.event.get("seq", self.index))

    @property
    def show(self) -> tuple[str, ...]:
        """The panels that matter at this step."""
        return self.step.show

    @property
    def has_question(self) -> bool:
        return bool(self.question)


def find_stop(selector: Selector, events: Sequence[Event], start: int = 0) -> int | None:
    """The index of the ``occurrence``-th event from ``start`` on that fits ``selector``."""
    seen = 0
    for index in range(start, len(events)):
        if selector.matches(events[index]):
            seen += 1
            if seen == selector.occurrence:
                return index
    return None


def resolve(
    lesson: Lesson,
    events: Sequence[Event],
    *,
    partial: bool = False,
    by_engine: Mapping[str, Sequence[Event]] | None = None,
) -> list[ResolvedStep]:
    """Tie every step of ``lesson`` to its event in ``events``.

    Args:
        lesson: the lesson.
        events: the trace of its script, in order.
        partial: stop quietly at the first step not (yet) found, instead of raising:
            for a viewer that resolves a live trace again as events arrive.
        by_engine: for a lesson whose steps name engines, the trace of each engine's
            run: a step is looked for in its engine's run, after the previous step of
            that engine (each run has its own place in the lesson).

    Raises:
        LessonError: a stop matches no event after the previous step's (the message
            names the step, its line and, when it can, why), or a placeholder has no
            value at the stop.
    """
    runs: dict[str | None, _Run] = {}
    resolved: list[ResolvedStep] = []
    for step in lesson.steps:
        engine = lesson.engine_of(step)
        trace = events if by_engine is None or engine is None else by_engine.get(engine)
        if trace is None:
            raise LessonError(f"step {step.number}: no run under the {engine} engine",
                              lesson.path, step.line_of("engine"))  # fmt: skip
        run = runs.setdefault(engine, _Run(trace))
        mine = [r for r in resolved if r.engine == engine]
        index = find_stop(step.stop, trace, run.start)
        if index is None:
            if partial:
                break
            raise _never_found(lesson, step, trace, run.start, mine)
        state = run.fold_to(index)
        explanation = explain(trace[index], state)
        values = values_for(trace, index, explanation)
        words = {key: _fill(lesson, step, key, values) for key in ("text", "question", "answer")}
        title = _fill(lesson, step, "title", values) or explanation.title
        resolved.append(ResolvedStep(step, index, trace[index], title, explanation=explanation,
                                     engine=engine, trace=trace if engine else None,
                                     **words))  # fmt: skip
        run.start = index + 1
    return resolved


@dataclass
class _Run:
    """One run's place in a lesson: where the next stop is looked for, and its fold."""

    events: Sequence[Event]
    start: int = 0
    folded: int = 0
    state: ModelState = field(default_factory=ModelState)

    def fold_to(self, index: int) -> ModelState:
        """The model state up to and including event ``index``."""
        for event in self.events[self.folded : index + 1]:
            self.state.apply(event)
        self.folded = max(self.folded, index + 1)
        return self.state


def _fill(lesson: Lesson, step: LessonStep, key: str, values: dict[str, str]) -> str:
    template: str = getattr(step, key)
    missing = [name for name in names_in(template) if name not in values]
    if missing:
        have = ", ".join("{" + name + "}" for name in PLACEHOLDERS if name in values)
        raise LessonError(
            f"step {step.number}: {{{missing[0]}}} has no value at this stop "
            f"({_a(values.get('kind', '?'))} event); here you can use {have}",
            lesson.path,
            step.line_of(key),
        )
    return fill(template, values)


def _never_found(
    lesson: Lesson,
    step: LessonStep,
    events: Sequence[Event],
    start: int,
    resolved: list[ResolvedStep],
) -> LessonError:
    """The error for a stop with no match, with the most useful hint there is."""
    selector = step.stop
    after = f"after step {resolved[-1].number}'s stop (seq {resolved[-1].seq})" if resolved else ""
    problem = (
        f"step {step.number}: no event matches its stop {selector.describe()}"
        + (f" {after}" if after else "")
        + f", among the trace's {len(events):,} events"
    )
    problem += _hint(selector, events, start)
    return LessonError(problem, lesson.path, step.line_of("stop"))


def _hint(selector: Selector, events: Sequence[Event], start: int) -> str:
    matches = [i for i, event in enumerate(events) if selector.matches(event)]
    later = [i for i in matches if i >= start]
    if later:
        return (
            f". Only {len(later)} event(s) match from there on, and occurrence = "
            f"{selector.occurrence} asks for the {_ordinal(selector.occurrence)}"
        )
    if matches:
        seq = events[matches[0]].get("seq", matches[0])
        return (
            f". It does match seq {seq}, earlier in the trace: steps must follow the "
            "trace's order, so move this step up or change the steps before it"
        )
    if selector.layer is not None:
        layers = _values(events, replace(selector, layer=None), "layer")
        if layers:
            return f". Without layer = {selector.layer!r} it matches, for: {', '.join(layers)}"
    if selector.name is not None:
        loose = replace(selector, name=None)
        names = sorted({short_name(str(e.get("name", ""))) for e in events if loose.matches(e)})
        close = difflib.get_close_matches(short_name(selector.name), names, n=2, cutoff=0.5)
        if close:
            return ". Did you mean " + " or ".join(repr(n) for n in close) + "?"
    if selector.kind is not None and not any(e.get("kind") == selector.kind for e in events):
        return f". This trace has no {selector.kind!r} events at all"
    return ". Run `buildtrace run SCRIPT.py --full` to see every event and its fields"


def _values(events: Sequence[Event], selector: Selector, key: EventKey) -> list[str]:
    """The distinct ``key`` values of the events ``selector`` matches, in trace order."""
    seen: dict[str, None] = {}
    for event in events:
        if selector.matches(event) and event.get(key):
            seen[str(event[key])] = None
    return list(seen)


def _a(word: str) -> str:
    """``a call``, ``an add_weight``."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _ordinal(number: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10, "th")
    return f"{number}{suffix}"
