"""Handouts: a walkthrough as a document to read after class, with its diagrams.

A handout is made from a lesson (its steps, in order, with the teacher's words and the
questions) or from any script or trace (the teaching view's steps, the same ones
``buildtrace run`` prints). Either way the steps are grouped into the build's stages
(:func:`buildtrace.state.build_stages.build_stages`), each step says what happens, why,
and which Keras function it mirrors, and diagrams come from the render API: the
build-trace diagram once at the top, the topology as of selected steps, and a table of
the model's layers and weights at the end.

This module gathers the content (:class:`Handout`), with the sections of
:mod:`handout_sections`; :mod:`handout_html` and :mod:`handout_md` write it, drawing the
diagrams with :mod:`handout_pictures`. :func:`write_handout` picks the writer from the
file name.

Example:
    >>> handout = handout_from_trace(events, title="How seed.py builds")  # doctest: +SKIP
    >>> write_handout(handout, "seed.html")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from buildtrace.lessons.handout_sections import group_by_stage
from buildtrace.lessons.lesson_format import Lesson, LessonError
from buildtrace.lessons.stops import ResolvedStep
from buildtrace.narration.context import plural
from buildtrace.render.diagrams import build_dot, model_graph, topology_dot
from buildtrace.render.frames import build_frames, data_name
from buildtrace.state.callstack import call_stack
from buildtrace.state.model_state import model_state
from buildtrace.trace import Event
from buildtrace.trace.events import short_name
from buildtrace.trace.shapes import format_shape

#: How many times a function is explained in full in a script's handout.
FULL_EXPLANATIONS = 2


@dataclass(frozen=True)
class Figure:
    """A diagram: its DOT text, a caption, a file stem for Markdown (``step-007``), and
    whether it is wide (the build diagram) rather than tall (a topology)."""

    name: str
    caption: str
    dot: str
    wide: bool = False


@dataclass
class HandoutStep:
    """One step: the narration of its event, and the lesson's words when there are any.

    ``title`` is the step's heading (a lesson's own title, else the narration's);
    ``explained`` is the narration's title, shown too when the two differ. A ``brief``
    step (a function already explained in full twice) is shown by its :attr:`gist`.
    """

    number: int
    seq: int
    title: str
    mirrors: str
    text: str
    why: str
    teacher: str = ""
    question: str = ""
    answer: str = ""
    stack: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    explained: str = ""
    brief: bool = False
    event: Event = field(default_factory=Event, repr=False)

    @property
    def gist(self) -> str:
        """The narration's first sentence: what a brief step shows."""
        # A sentence ends at a full stop followed by a capital or code ("e.g. x" does not).
        first = re.split(r"(?<=\.)\s+(?=[A-Z`(])", self.text.strip(), maxsplit=1)[0]
        return first if len(first) < 240 else first[:237] + "…"


@dataclass
class HandoutSection:
    """The steps of one stage of the build (or those before or after every stage)."""

    title: str
    detail: str
    steps: list[HandoutStep] = field(default_factory=list)


@dataclass(frozen=True)
class LayerRow:
    """A line of the closing table: one layer, its output shape, weights and parameters."""

    name: str
    cls: str
    output_shape: str
    weights: str
    params: int


@dataclass
class Handout:
    """Everything a handout shows, ready to be written as HTML or Markdown."""

    title: str
    summary: str
    source: str
    overview: Figure | None
    sections: list[HandoutSection]
    model_name: str | None = None
    layers: list[LayerRow] = field(default_factory=list)
    #: What the run trained on, as the trace names it (``stand-in digits (not MNIST)``).
    data: str | None = None

    @property
    def steps(self) -> list[HandoutStep]:
        return [step for section in self.sections for step in section.steps]

    @property
    def figures(self) -> list[Figure]:
        """Every diagram, in the order the document shows them."""
        found = [self.overview] if self.overview else []
        return found + [figure for step in self.steps for figure in step.figures]

    @property
    def params(self) -> int:
        return sum(row.params for row in self.layers)


def handout_from_lesson(
    lesson: Lesson, events: list[Event], steps: Sequence[ResolvedStep]
) -> Handout:
    """A lesson's handout: its resolved steps with the teacher's words and questions.

    Raises:
        LessonError: a step's ``model`` names no model of the trace.
    """
    made = [
        HandoutStep(
            number=step.number,
            seq=step.seq,
            title=_titled(step),
            explained=step.explanation.title,
            event=step.event,
            mirrors=step.explanation.mirrors,
            text=step.explanation.text,
            why=step.explanation.why,
            teacher=step.text,
            question=step.question,
            answer=step.answer,
            stack=_stack(_run_of(step, events)[: step.index + 1]) if "stack" in step.show else [],
            figures=_lesson_figures(lesson, step, _run_of(step, events)),
        )
        for step in steps
    ]
    source = f"{'script' if lesson.script else 'trace'} {lesson.source.name}"
    sections = None
    if lesson.engines:  # the stages of one run do not order the steps of two
        engines = " and ".join(_ENGINE_WORDS.get(e, e) for e in lesson.engines)
        sections = [HandoutSection(f"{engines}, step by step", "each step in its own run", made)]
    return _assemble(lesson.title, lesson.summary, f"Lesson {lesson.name} · {source}", events,
                     made, sections)  # fmt: skip


#: How a handout names the engine of a lesson's step that names one.
_ENGINE_WORDS = {"mini": "buildtrace's Keras", "tf-keras": "Keras 2", "keras3": "Keras 3"}


def _titled(step: ResolvedStep) -> str:
    """A step's heading, saying whose run it stops in unless it says so already."""
    words = _ENGINE_WORDS.get(step.engine or "", step.engine)
    if not step.engine or (words and words in step.title):
        return step.title
    return f"{step.title} ({words})"


def _run_of(step: ResolvedStep, events: list[Event]) -> list[Event]:
    """The events of the run a step stops in (its engine's, in a lesson of engines)."""
    return list(step.trace) if step.trace is not None else events


def _lesson_figures(lesson: Lesson, step: ResolvedStep, events: list[Event]) -> list[Figure]:
    """The diagrams a lesson step asks for with ``show``: the topology, the build."""
    stem = f"step-{step.number:03d}"
    figures = []
    if "topology" in step.show:
        try:
            dot = topology_dot(events, at=step.seq, model=step.step.model)
        except ValueError as exc:  # a model name the trace does not have
            raise LessonError(
                f"step {step.number}: {exc}", lesson.path, step.step.line_of("model")
            ) from None
        figures.append(Figure(stem, f"The model at step {step.number}", dot))
    if "build" in step.show:
        dot = build_dot(events, at=step.seq)
        caption = f"The build so far, at step {step.number}"
        figures.append(Figure(f"{stem}-build", caption, dot, wide=True))
    return figures


def handout_from_trace(events: list[Event], *, title: str, source: str = "") -> Handout:
    """A script's or trace's handout: every step of the teaching view, with the topology
    drawn where the model changes (a flag turns True, an error) and at each stage's end.

    A function explained in full twice (``Layer.__call__`` for the first two layers) is
    listed briefly after that, so a deep model's handout stays readable.
    """
    frames = build_frames(events)
    explained: Counter[str] = Counter()
    made = []
    for frame in frames:
        step = HandoutStep(
            frame.number,
            frame.seq,
            frame.title,
            frame.mirrors,
            frame.text,
            frame.why,
            explained=frame.title,
            event=frame.event,
        )
        if frame.event.get("kind") == "call":
            name = str(frame.event.get("name"))
            step.brief = explained[name] >= FULL_EXPLANATIONS
            explained[name] += 1
        made.append(step)
    sections = _sections(made, events)
    for section in sections:
        for index, step in enumerate(section.steps):
            frame = frames[step.number - 1]
            last = index == len(section.steps) - 1
            if last or _changes_the_model(frame.event):
                # Drawn afresh rather than from frame.dot: a frame's caption quotes the
                # whole event, which makes the picture too wide for the page's column.
                caption = f"The model at step {step.number}"
                dot = topology_dot(events, at=step.seq)
                step.figures.append(Figure(f"step-{step.number:03d}", caption, dot))
    summary = (
        f"The {plural(len(made), 'step')} of the build, as Keras 2 takes them: what each does, "
        "why, and the Keras function it mirrors."
        if made
        else "This run built no model, so there is no build to walk through."
    )
    return _assemble(title, summary, source, events, made, sections)


def _assemble(
    title: str,
    summary: str,
    source: str,
    events: list[Event],
    steps: list[HandoutStep],
    sections: list[HandoutSection] | None = None,
) -> Handout:
    overview = Figure("build", "The whole build, stage by stage", build_dot(events), wide=True)
    handout = Handout(title, summary, source, overview, sections or _sections(steps, events))
    handout.data = data_name(events)
    _add_layers(handout, events)
    return handout


def _changes_the_model(event: Event) -> bool:
    """A flag turned True, or an error: the steps worth a picture of the model."""
    if event.get("kind") == "raise":
        return True
    return (
        event.get("kind") == "set" and event.get("value") is True and event.get("old") is not True
    )


def _sections(steps: list[HandoutStep], events: list[Event]) -> list[HandoutSection]:
    return [HandoutSection(*section) for section in group_by_stage(steps, events)]


def _stack(events: Sequence[Event]) -> list[str]:
    """The open calls at the end of ``events``, outermost first: ``Dense.build [dense]``."""
    frames = call_stack(events)
    return [
        short_name(str(f.get("name", "?"))) + (f" [{f['layer']}]" if f.get("layer") else "")
        for f in frames
    ]


def _add_layers(handout: Handout, events: list[Event]) -> None:
    """The closing table: the drawn model's layers, as the end of the trace knows them."""
    graph = model_graph(events)
    state = model_state(events)
    handout.model_name = graph.name
    for layer in graph.layers:
        known = state.layers.get(layer.name)
        weights = known.weights if known else []
        listed = ", ".join(f"{w.name} {format_shape(w.shape)}" for w in weights)
        output = format_shape(layer.output_shape) if layer.output_shape is not None else "?"
        handout.layers.append(
            LayerRow(layer.name, layer.cls, output, listed or "—", sum(w.params for w in weights))
        )


def write_handout(handout: Handout, path: str | os.PathLike[str]) -> list[str]:
    """Write ``handout`` as HTML (``.html``/``.htm``) or Markdown (``.md``).

    Returns:
        Notes for the user (one when Graphviz's ``dot`` is missing: the handout is
        written with the diagrams replaced by a note on installing Graphviz).

    Raises:
        ValueError: another suffix.
        OSError: the file (or, for Markdown, its ``FILE_files`` folder) cannot be written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in (".html", ".htm"):
        from buildtrace.lessons.handout_html import write_html

        return write_html(handout, target)
    if suffix in (".md", ".markdown"):
        from buildtrace.lessons.handout_md import write_markdown

        return write_markdown(handout, target)
    raise ValueError(f"a handout is .html or .md, not {target.name}")
