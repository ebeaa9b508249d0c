"""Frames: the topology at every step of a build, each with what the step means.

A frame is the model's topology (:mod:`buildtrace.render.topology`) drawn from the
fold of the events up to one step, with the layer being built in orange, plus an
explanation of that step. The fold is the TUI's own (:class:`ModelState`, one event at a
time, that event included), so a frame and the viewer standing on the same event show
the same model; the tests check it on every step of every sample.

The steps are the build events of the teaching view (every call a Keras build is
explained by, every flag written, every weight created, every error), or only those of
one kind (``every="add_weight"``, ``every="set"``, or a
function such as ``every="Layer._maybe_build"``).

Frames become numbered image files (slides) with :func:`write_frame_files`, or one
self-contained HTML page with :mod:`buildtrace.render.frames_html`.

Example:
    >>> frames = build_frames(events, every="add_weight")  # doctest: +SKIP
    >>> [frame.title for frame in frames]  # doctest: +SKIP
    ['add_weight — `dense` gets its `kernel`', ...]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from buildtrace.narration import explain
from buildtrace.render.graph import ModelGraph, graph_from_state
from buildtrace.render.output import DotMissing, Written, render_many, write_dot
from buildtrace.render.topology import TopologyOptions, topology_source
from buildtrace.render.tree import raise_label, set_label, weight_label
from buildtrace.state.build_stages import build_stages
from buildtrace.state.model_state import ModelState
from buildtrace.state.teaching import teaching_step
from buildtrace.trace import Event
from buildtrace.trace.events import BUILD_KINDS, short_name

#: How the stand-in digits are named wherever training data is named (the words
#: ``buildtrace.keras.datasets.standin.LABEL`` writes into the trace).
STANDIN_LABEL = "stand-in digits (not MNIST)"

#: The kinds ``every`` accepts besides function names.
FRAME_KINDS = ("call", "set", "add_weight", "raise")


@dataclass(frozen=True)
class Frame:
    """One step of the build and the picture of the model at that step.

    Attributes:
        number: 1, 2, 3... in order.
        seq: the ``seq`` of the step's event.
        event: the event itself.
        title, text, why, mirrors: what the step means (``why`` and ``mirrors`` may be
            empty when no lesson covers the event).
        index: where the event is in the trace (0 for the first event): the viewer's
            cursor on this step.
        graph: what ``dot`` draws: the model folded over the events up to ``index``.
        options: how the topology is drawn.
        dot: the topology at this step, as DOT text (made when first asked for: the
            frames page draws from ``graph`` without it).
    """

    number: int
    seq: int
    event: Event
    title: str
    text: str
    why: str
    mirrors: str
    index: int
    graph: ModelGraph
    options: TopologyOptions | None = field(default=None, compare=False)

    @cached_property
    def dot(self) -> str:
        """The topology at this step, as DOT text."""
        return topology_source(self.graph, self.options)


def frame_filter(every: str | None) -> Callable[[Event], bool]:
    """Which events make frames: the teaching view's build events, or one kind of them.

    Args:
        every: None for every build step; a kind (``call``, ``set``, ``add_weight``,
            ``raise``); or a function's short or full Keras name (``Layer._maybe_build``,
            ``Dense.build``).

    Raises:
        ValueError: ``every`` names nothing buildtrace knows how to select.
    """
    if every is not None and not every.strip():
        raise ValueError("--every needs a kind (call, set, add_weight, raise) or a function name")

    def is_step(event: Event) -> bool:
        if event.get("kind") not in BUILD_KINDS or event.get("kind") == "return":
            return False
        if event.get("kind") == "raise":
            return bool(event.get("origin", True))
        try:
            return teaching_step(event) is not None
        except (KeyError, TypeError):
            return False

    if every is None:
        return is_step
    if every in FRAME_KINDS:
        return lambda event: is_step(event) and event.get("kind") == every
    return lambda event: (
        is_step(event)
        and event.get("kind") == "call"
        and every in (event.get("name"), short_name(str(event.get("name", ""))))
    )


def build_frames(
    events: Iterable[Event],
    *,
    every: str | None = None,
    model: str | None = None,
    options: TopologyOptions | None = None,
    whole_trace: bool = False,
    build_events: Iterable[Event] | None = None,
) -> list[Frame]:
    """One frame per selected step of ``events`` (see :func:`frame_filter`).

    Args:
        events: the trace, in order: a list, or anything that can be read twice (a
            :class:`~buildtrace.trace.TraceFile` streams from disk: where the build ends,
            then the steps up to there).
        every: which steps (None: every build step of the teaching view).
        model: the model to draw (default: as :func:`graph_from_state` chooses).
        options: how to draw the topology.
        whole_trace: go on after the last build (compile, fit, evaluate...); by default
            the frames end where the last build does.
        build_events: ``events`` less those that change no build (a long fit's batches,
            skipped unread), to find where the build ends; by default ``events``.
    """
    selected = frame_filter(every)
    until = None if whole_trace else build_end(events if build_events is None else build_events)
    state = ModelState()
    frames: list[Frame] = []
    for index, event in enumerate(events):
        if until is not None and int(event.get("seq", 0)) > until:
            break
        state.apply(event)
        if not selected(event):
            continue
        graph = graph_from_state(state, model)
        graph.step = f"step {len(frames) + 1} · {_caption(event)}"
        title, text, why, mirrors = explain_step(event, state)
        seq = int(event.get("seq", len(frames)))
        number = len(frames) + 1
        frames.append(Frame(number, seq, event, title, text, why, mirrors, index, graph, options))
    return frames


def data_name(events: Iterable[Event]) -> str | None:
    """What the trace says its training data is: ``"stand-in digits (not MNIST)"``,
    ``"MNIST"``, or None when no data set was loaded.

    ``keras.datasets.mnist.load_data``'s ``return`` event carries ``dataset`` (``"mnist"``
    or ``"standin"``) and ``dataset_label`` (the words to show); the last load counts.
    """
    found: str | None = None
    for event in events:  # forwards: a trace may be a file read as it is drawn
        if event.get("kind") == "return" and "dataset" in event:
            if event.get("dataset") == "standin":
                found = STANDIN_LABEL  # ours, whatever a hand-edited label says
            else:
                label = event.get("dataset_label")
                found = label if isinstance(label, str) and label else str(event["dataset"])
    return found


def is_standin(label: str | None) -> bool:
    """Whether a :func:`data_name` is the stand-in's (shown as a warning, not a fact)."""
    return label == STANDIN_LABEL


def build_end(events: Iterable[Event]) -> int | None:
    """The ``seq`` where the last build of ``events`` ends (None if nothing was built).

    A trigger (``fit`` building a model on its first batch) is not counted: it goes on
    long after the build inside it is over.
    """
    ends = [stage.last_seq for stage in build_stages(events) if stage.key != "trigger"]
    return max(ends) if ends else None


def explain_step(event: Event, state: ModelState | None = None) -> tuple[str, str, str, str]:
    """``(title, text, why, mirrors)`` for an event, from :func:`buildtrace.narration.explain`."""
    explanation = explain(event, state)
    return explanation.title, explanation.text, explanation.why, explanation.mirrors


def _caption(event: Event) -> str:
    """``Dense.build [dense]`` / ``dense.built = True`` / ``+ kernel (784, 512) ...``."""
    if event.get("kind") == "call":
        layer = event.get("layer")
        name = short_name(str(event.get("name", "?")))
        return f"{name} [{layer}]" if layer else name
    labels = {"set": set_label, "add_weight": weight_label, "raise": raise_label}
    label = labels.get(str(event.get("kind")))
    return label(event).plain if label else str(event.get("kind"))


def write_frame_files(
    frames: Sequence[Frame], directory: str | os.PathLike[str], fmt: str = "svg"
) -> list[Written]:
    """Write each frame as ``frame_001.svg`` (or ``.png``, ``.pdf``, ``.dot``) in ``directory``.

    The folder is created if needed. Without Graphviz's ``dot`` the frames are written
    as DOT text, and each :class:`Written` carries the install hint.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(len(frames))))
    paths = [folder / f"frame_{frame.number:0{width}d}.{fmt}" for frame in frames]
    if fmt in ("dot", "gv"):
        return [write_dot(frame.dot, path) for frame, path in zip(frames, paths)]
    try:
        pictures = render_many([frame.dot for frame in frames], fmt)
    except DotMissing:
        return [write_dot(frame.dot, path) for frame, path in zip(frames, paths)]
    for path, picture in zip(paths, pictures):
        path.write_bytes(picture)
    return [Written(path) for path in paths]
