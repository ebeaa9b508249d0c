"""Diagrams and exports from Python: what the CLI, the TUI and notebooks call.

Every function takes its *source* in any of these forms:

* a live model (``keras.Sequential``, ``keras.Model``): drawn from its public API (see
  :mod:`buildtrace.render.model_graph`), topology only;
* a list of events (``buildtrace.read_events(...)``, or collected live);
* a :class:`~buildtrace.render.trace_view.Trace`;
* the path of a JSON Lines trace file.

``at=SEQ`` draws the state after the event numbered ``SEQ`` (the step a viewer stands on).

A trace file is read as it is drawn, never held whole (:class:`Events`): what a diagram
keeps is what it draws (the model's state, the build's calls), so a trace of a long fit
(10^6 ``batch_end`` events) costs no more memory to draw than its build alone.

Example:
    >>> from buildtrace.render.diagrams import plot_model, plot_build, export_perfetto
    >>> plot_model(model, "model.png", rankdir="LR")  # doctest: +SKIP
    Written(path=PosixPath('model.png'), note=None)
    >>> plot_build("seed.jsonl", "build.svg")  # doctest: +SKIP
    >>> export_perfetto("seed.jsonl", "seed.json")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from buildtrace.render.build_diagram import BuildOptions, build_source
from buildtrace.render.frames import build_frames, data_name, write_frame_files
from buildtrace.render.frames_html import frames_html
from buildtrace.render.graph import ModelGraph, graph_from_state
from buildtrace.render.model_graph import graph_from_model
from buildtrace.render.output import PAGE_HINT, Written, dot_available, write_dot
from buildtrace.render.perfetto import write_chrome_trace
from buildtrace.render.topology import TopologyOptions, topology_source
from buildtrace.state.model_state import model_state
from buildtrace.trace import Event, TraceFile, TraceFormatError, iter_events, read_events
from buildtrace.trace.reader import parse_event

#: The training events a long fit writes by the million, which change nothing a diagram
#: draws (the model's state, the build's calls): a drawing pass over a trace file already
#: checked whole leaves their lines unparsed. (A quote inside a JSON string is escaped,
#: so these bytes only ever match an event's own ``kind``.)
_NOT_DRAWN = (b'"kind":"batch_end"', b'"kind":"batch_begin"')


def is_live_model(source: Any) -> bool:
    """Whether ``source`` is a model object (rather than events, a trace or a path)."""
    return hasattr(source, "layers") and hasattr(source, "built") and hasattr(source, "name")


def load_events(source: Any, at: int | None = None) -> list[Event]:
    """The events of ``source`` (a list, a ``Trace`` or a trace file), up to ``at``, as a list.

    The diagrams themselves stream (see :class:`Events`); this is for callers that want
    the events in hand.

    Raises:
        TypeError: ``source`` is a live model (it has no events: record its build with
            ``buildtrace.record`` or ``buildtrace run``), or something else.
        FileNotFoundError, TraceFormatError: the trace file is missing or not a trace.
    """
    if isinstance(source, str | os.PathLike):
        _check_source(source)
        events = read_events(source)
        return events if at is None else [e for e in events if int(e.get("seq", 0)) <= at]
    return list(Events(source, at))


class Events:
    """The events of ``source`` up to ``at``, read anew each time they are iterated.

    A trace file (a path, a :class:`~buildtrace.trace.TraceFile`) is read from disk on
    every pass and never held whole; events already in memory (a list, a ``Trace``) are
    used as they are; a one-shot iterator (a generator) is gathered once so that it can
    be read twice (the frames need two passes: where the build ends, then the steps).

    Raises:
        TypeError: ``source`` is a live model or something that holds no events.
    """

    def __init__(self, source: Any, at: int | None = None, *, drawn: bool = False) -> None:
        _check_source(source)
        self.at = at
        self.source: Iterable[Event]
        if isinstance(source, TraceFile):
            # ``drawn``: only what diagrams draw is wanted, and a trace file read once
            # already (so that where it stops is known) is then read skipping batches.
            # Where it stops is taken now: a pass cut short (the frames stop at the
            # build's end) forgets it.
            checked = source.count > 0 or source.error is not None
            error = source.error
            if drawn and checked:
                self.source = _Reread(lambda: _drawn_events(source, error))
            else:
                self.source = source
        elif isinstance(source, str | os.PathLike):
            path = source
            self.source = _Reread(lambda: iter_events(path))
        elif hasattr(source, "events"):
            self.source = source.events
        elif isinstance(source, list | tuple):
            self.source = source
        else:  # a generator such as iter_events(...)
            self.source = list(source)

    def __iter__(self) -> Iterator[Event]:
        if self.at is None:
            return iter(self.source)
        at = self.at
        return (event for event in self.source if int(event.get("seq", 0)) <= at)


class _Reread:
    """An iterable that calls ``start`` for a fresh iterator on each pass."""

    def __init__(self, start: Any) -> None:
        self.start = start

    def __iter__(self) -> Iterator[Event]:
        iterator: Iterator[Event] = self.start()
        return iterator


def _drawn_events(trace: TraceFile, error: TraceFormatError | None) -> Iterator[Event]:
    """The events of a checked trace file but its batches, up to where it stops
    (``error``, as the trace file found it)."""
    if error is not None and not error.line:  # stopped for a reason with no line: as it did
        yield from trace
        return
    stop = error.line if error is not None and error.line else None
    with open(trace.path, "rb") as stream:
        for number, line in enumerate(stream, 1):
            if stop is not None and number >= stop:
                return
            if not line.strip() or any(kind in line for kind in _NOT_DRAWN):
                continue
            try:
                event = parse_event(line.rstrip(b"\n"))
            except TraceFormatError:  # changed since it was checked: stop, as it would
                return
            yield event


def _check_source(source: Any) -> None:
    if is_live_model(source):
        raise TypeError(
            "a live model has no recorded build: record one with buildtrace.record(...) "
            "or `buildtrace run script.py -o trace.jsonl`, and pass the trace"
        )
    if not isinstance(source, str | os.PathLike | Iterable) and not hasattr(source, "events"):
        raise TypeError(f"cannot draw a {type(source).__name__}: give events, a Trace or a path")


def model_graph(source: Any, *, at: int | None = None, model: str | None = None) -> ModelGraph:
    """The neutral graph of a live model, or of a trace's model at step ``at``."""
    if is_live_model(source):
        return graph_from_model(source)
    return graph_from_state(model_state(Events(source, at, drawn=True)), model)


def topology_dot(
    source: Any,
    *,
    at: int | None = None,
    model: str | None = None,
    options: TopologyOptions | None = None,
) -> str:
    """The topology of ``source`` as DOT text."""
    graph = model_graph(source, at=at, model=model)
    if at is not None and not is_live_model(source):
        graph.step = f"at seq {at}"
    return topology_source(graph, options)


def build_dot(source: Any, *, at: int | None = None, options: BuildOptions | None = None) -> str:
    """The build-trace diagram of ``source`` as DOT text."""
    return build_source(Events(source, at, drawn=True), options)


def plot_model(
    model: Any,
    to_file: str | os.PathLike[str] = "model.png",
    show_shapes: bool = True,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 96,
    show_layer_activations: bool = True,
    show_trainable: bool = False,
    *,
    show_params: bool = True,
    at: int | None = None,
    model_name: str | None = None,
) -> Written:
    """Draw a model's topology to a file, like ``keras.utils.plot_model``.

    The arguments up to ``show_trainable`` are ``plot_model``'s, in its order. Unlike
    ``plot_model``, a missing Graphviz is no error: the DOT text is written instead and
    :attr:`Written.note` says how to install Graphviz.

    Args:
        model: a live model, or events / a Trace / a trace file (then ``at`` and
            ``model_name`` choose the step and the model).
        to_file: ``.png``, ``.svg``, ``.pdf`` or ``.dot``.
    """
    options = TopologyOptions(
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        show_params=show_params,
    )
    return write_dot(topology_dot(model, at=at, model=model_name, options=options), to_file)


def plot_build(
    source: Any,
    to_file: str | os.PathLike[str] = "build.svg",
    *,
    at: int | None = None,
    options: BuildOptions | None = None,
) -> Written:
    """Draw the build, stage by stage, to a file (see :mod:`buildtrace.render.build_diagram`)."""
    return write_dot(build_dot(source, at=at, options=options), to_file)


def plot_frames(
    source: Any,
    target: str | os.PathLike[str],
    *,
    every: str | None = None,
    at: int | None = None,
    model: str | None = None,
    options: TopologyOptions | None = None,
    fmt: str = "svg",
    title: str | None = None,
) -> list[Written]:
    """The topology at every build step: an HTML handout, or numbered image files.

    Args:
        target: ``something.html`` for one self-contained page; otherwise a folder that
            receives ``frame_001.svg``, ``frame_002.svg``... (``fmt``: svg, png, pdf, dot).
        every: which steps make frames (see :func:`~buildtrace.render.frames.frame_filter`).

    Returns:
        What was written; nothing when no step was selected.
    """
    drawn, whole = Events(source, at, drawn=True), Events(source, drawn=True)
    frames = build_frames(
        Events(source, at), every=every, model=model, options=options, build_events=drawn
    )
    if not frames:
        return []
    path = Path(target)
    if path.suffix.lower() in (".html", ".htm"):
        subject = title or f"How {_subject(source)} is built"
        page = frames_html(frames, title=subject, data=data_name(whole), options=options)
        path.write_text(page, encoding="utf-8")
        note = None if dot_available() else f"{PAGE_HINT} (in {path.name})"
        return [Written(path, note)]
    return write_frame_files(frames, path, fmt)


def export_perfetto(
    source: Any, to_file: str | os.PathLike[str], *, at: int | None = None, title: str = ""
) -> Path:
    """Write a Chrome / Perfetto timeline of ``source`` (see :mod:`buildtrace.render.perfetto`)."""
    # A trace file streams through (never whole in memory); other sources are lists.
    events = source if isinstance(source, TraceFile) else load_events(source)
    return write_chrome_trace(events, to_file, title=title or _subject(source), at=at)


def _subject(source: Any) -> str:
    """A name for titles: the trace file's name, else "the model"."""
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    name = getattr(source, "name", None)
    return str(name) if isinstance(name, str) and name else "the model"
