"""The stages of a build, found in a trace: what the build diagram draws, in order.

A Keras 2 build goes through named stages. ``Sequential.build(input_shape)``

1. checks the input shape (Keras's error when there is none is raised here);
2. ``_build_graph_network_for_inferred_shape``: makes the hidden ``Input`` and calls each
   layer on it, ``Layer.__call__ → ... → _maybe_build → build → add_weight``;
3. ``_init_graph_network → _map_graph_network → _build_map``: maps the graph.

A functional model is built a layer at a time, as each layer is *called* on a symbolic
tensor, and ``keras.Model(inputs, outputs)`` only maps the graph. A ``Sequential``
given an ``Input`` first builds each layer as it is added. A ``Sequential`` without any
input shape is built later, by its first call on data (often inside ``fit``): that
call is the build's *trigger*, a stage of its own.

This is a pure fold like the rest of ``buildtrace.state``: it reads the teaching set
of a trace (:mod:`buildtrace.state.teaching`), or any prefix of it, and returns plain
data. It knows nothing of drawing.

Example:
    >>> stages = build_stages(events)  # doctest: +SKIP
    >>> [stage.key for stage in stages]  # doctest: +SKIP
    ['check', 'layers', 'graph']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from buildtrace.state import keras3_names as k3
from buildtrace.state.teaching import teaching_step
from buildtrace.trace import Event, keras_names
from buildtrace.trace.events import short_name

SEQUENTIAL_BUILD = keras_names.SEQUENTIAL_BUILD
MODEL_BUILD = keras_names.MODEL_BUILD
INFERRED_GRAPH = keras_names.SEQUENTIAL_BUILD_GRAPH_NETWORK_FOR_INFERRED_SHAPE
INIT_GRAPH = keras_names.FUNCTIONAL_INIT_GRAPH_NETWORK
SEQUENTIAL_ADD = keras_names.SEQUENTIAL_ADD
LAYER_CALL = keras_names.LAYER_CALL
CONSTRUCTION_CALL = keras_names.LAYER_FUNCTIONAL_CONSTRUCTION_CALL
INPUT = keras_names.INPUT
ADD_WEIGHT = keras_names.LAYER_ADD_WEIGHT


@dataclass
class Step:
    """One event of the teaching set, with (for a call) what happened inside it.

    Attributes:
        event: the ``call``, ``set``, ``add_weight`` or ``raise`` event.
        children: for a call, the steps inside it, in order.
        end: for a call, its ``return`` or ``raise`` (None while it still runs).
    """

    event: Event
    children: list[Step] = field(default_factory=list)
    end: Event | None = None

    @property
    def kind(self) -> str:
        return str(self.event.get("kind"))

    @property
    def name(self) -> str:
        return str(self.event.get("name", ""))

    @property
    def short(self) -> str:
        """``Layer._maybe_build`` for a call."""
        return short_name(self.name)

    @property
    def layer(self) -> str | None:
        """The layer or model the step is about (named by its end when the call made it:
        ``Input`` names its ``InputLayer`` only once it exists)."""
        layer = self.event.get("layer")
        if layer is None and self.end is not None:
            layer = self.end.get("layer")
        return layer if isinstance(layer, str) else None

    @property
    def seq(self) -> int:
        return int(self.event.get("seq", -1))

    def walk(self) -> Iterator[Step]:
        """This step and every step inside it, in order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def last_seq(self) -> int:
        """The ``seq`` of the last event this step covers (its end, if it ended)."""
        last = max(step.seq for step in self.walk())
        return max(last, int(self.end.get("seq", last))) if self.end else last


def is_layer_call(step: Step) -> bool:
    """A ``Layer.__call__`` on a symbolic tensor: where a layer is built and wired (in
    Keras 3, the call whose ``Operation.__call__`` goes on to ``symbolic_call``)."""
    if step.name == k3.KERAS3_LAYER_CALL:
        return any(s.name.endswith(".symbolic_call") for s in step.walk())
    return step.name == LAYER_CALL and any(c.name == CONSTRUCTION_CALL for c in step.children)


def weights_of(step: Step) -> list[Event]:
    """The ``add_weight`` events inside ``step``."""
    return [s.event for s in step.walk() if s.kind == "add_weight"]


def flag_changes(step: Step) -> list[Event]:
    """The ``set`` events inside ``step`` that changed a flag's value."""
    return [s.event for s in step.walk() if s.kind == "set" and is_change(s.event)]


def is_change(event: Event) -> bool:
    """Whether a ``set`` event changed the value (``built`` False -> True, not True -> True)."""
    return bool(event.get("old") != event.get("value"))


def call_forest(events: Iterable[Event]) -> list[Step]:
    """The teaching-set calls of ``events`` as trees, outermost calls first.

    Calls left out of the teaching set are skipped and what happened inside them joins
    the nearest call shown. An error joins the call it started in.
    """
    roots: list[Step] = []
    running: list[tuple[int, Step]] = []  # open calls shown, with their depth

    def attach(step: Step) -> None:
        (running[-1][1].children if running else roots).append(step)

    for event in events:
        kind = event.get("kind")
        depth = event.get("depth", 0)
        if kind == "call":
            # Trust depth over pairing: a trace cut short must not leave calls open.
            while running and running[-1][0] >= depth:
                running.pop()
            if _in_teaching_set(event):
                step = Step(event)
                attach(step)
                running.append((depth, step))
        elif kind in ("return", "raise"):
            if kind == "raise" and event.get("origin", True) and event.get("name") != "<script>":
                attach(Step(event))
            if running and running[-1][0] == depth and running[-1][1].name == event.get("name"):
                running.pop()[1].end = event
        elif kind in ("set", "add_weight") and _in_teaching_set(event):
            attach(Step(event))
    return roots


def _in_teaching_set(event: Event) -> bool:
    try:
        return teaching_step(event) is not None
    except (KeyError, TypeError):  # an event missing a field: leave it out of the picture
        return False


@dataclass
class Stage:
    """One stage of a build.

    Attributes:
        number: 1, 2, 3... in the order the stages happened.
        key: what kind of stage: ``trigger``, ``check``, ``layers``, ``graph`` (the three
            stages of ``Sequential.build``, after a trigger for a deferred build);
            ``input``, ``call``, ``model`` (a functional model: ``Input``, each layer's
            call, ``keras.Model(...)``); ``add`` (``Sequential.add`` building a layer).
        title: a short heading: ``input-shape check``.
        detail: one line saying what happens.
        header: the call the stage is about (``Sequential.build``,
            ``_build_graph_network_for_inferred_shape``, ``_init_graph_network``...).
        steps: what to draw inside ``header``, in order (for ``layers``, the ``Input``
            and each layer's call; for ``check``, an error if there is one).
        path: for a trigger, the calls from the outermost down to the build
            (``Model.fit → Model.train_step → Layer.__call__ → Sequential.call``).
        after: flags written once ``header`` returned (``_graph_initialized = True``).
        written_in: for each step of ``after``, the call that wrote it (the caller of
            ``header``, or its caller: ``Sequential.build`` writes ``built`` last).
        about: the model the stage is about, when not ``header``'s layer.
    """

    number: int
    key: str
    title: str
    detail: str
    header: Step
    steps: list[Step] = field(default_factory=list)
    path: list[Step] = field(default_factory=list)
    after: list[Step] = field(default_factory=list)
    written_in: list[Step] = field(default_factory=list)
    #: The model the stage is about when it is not the header's (Keras 3's Functional
    #: is made for the Sequential being built).
    about: str | None = None

    @property
    def owner(self) -> str | None:
        """The model or layer the stage is about."""
        return self.about or self.header.layer

    @property
    def layer_calls(self) -> list[Step]:
        """The symbolic layer calls of the stage (each one builds a layer)."""
        if is_layer_call(self.header):
            return [self.header]
        return [step for step in self.steps if is_layer_call(step)]

    @property
    def first_seq(self) -> int:
        return (self.path or [self.header])[0].seq

    @property
    def last_seq(self) -> int:
        covered = [self.header, *self.steps, *self.after]
        return max(step.last_seq() for step in covered)


def build_stages(events: Iterable[Event]) -> list[Stage]:
    """The stages of every build in ``events``, in the order they happened."""
    finder = _StageFinder()
    for root in call_forest(events):
        finder.scan(root, [])
    return finder.stages


class _StageFinder:
    """Walks the call trees and cuts them into stages (see the module's docstring)."""

    def __init__(self) -> None:
        self.stages: list[Stage] = []

    def add(self, key: str, header: Step, **fields: Any) -> Stage:
        """Append a stage (numbered next) about ``header``."""
        title, detail = _describe(key, header)
        stage = Stage(len(self.stages) + 1, key, title, detail, header, **fields)
        self.stages.append(stage)
        return stage

    def scan(self, step: Step, path: list[Step]) -> None:
        if step.kind != "call":
            return
        children = [c for c in step.children if c.kind == "call"]
        if step.name == SEQUENTIAL_BUILD:
            self.sequential_build(step, path)
        elif step.name == k3.KERAS3_SEQUENTIAL_BUILD:
            self.keras3_sequential_build(step, path)
        elif step.name == INFERRED_GRAPH and children:
            if path:  # called from outside Sequential.build: the call on data that built
                self.add("trigger", path[0], path=path, steps=_side_steps(path, step))
            self.inferred_graph(step)
        elif step.name == INIT_GRAPH:
            self.add("model", step, steps=step.children)
        elif step.name == SEQUENTIAL_ADD and any(
            is_layer_call(c) or c.name == INIT_GRAPH for c in children
        ):
            self.add("add", step, steps=step.children)
        elif is_layer_call(step) or (
            step.name == LAYER_CALL and path and path[-1].name == MODEL_BUILD
        ):
            # (a subclassed Model.build calls its layers on placeholders: no Node, still
            # where each layer is built)
            self.add("call", step, steps=step.children)
        elif step.name == INPUT and not path:
            self.add("input", step, steps=step.children)
        else:
            for child in step.children:
                self.scan(child, [*path, step])

    def sequential_build(self, build: Step, path: list[Step]) -> None:
        children = build.children
        split = next(
            (i for i, c in enumerate(children) if c.name in (INFERRED_GRAPH, INIT_GRAPH)),
            len(children),
        )
        self.add("check", build, steps=children[:split], path=path)
        if split == len(children):
            return
        inner = children[split]
        if inner.name == INFERRED_GRAPH:
            self.inferred_graph(inner)
        else:
            self.add("graph", inner, steps=inner.children)
        # Flags written back in Sequential.build, once the graph is made.
        trailing = children[split + 1 :]
        self.stages[-1].after.extend(trailing)
        self.stages[-1].written_in.extend([build] * len(trailing))

    def keras3_sequential_build(self, build: Step, path: list[Step]) -> None:
        """Keras 3's ``Sequential.build``: the InputLayer and each layer's call (stage
        ``layers``), then the ``Functional`` made of them (stage ``graph``); ``built``
        is written after it by the ``build_wrapper`` around the build."""
        children = build.children
        split = next(
            (i for i, c in enumerate(children) if c.name == k3.KERAS3_FUNCTIONAL_INIT),
            len(children),
        )
        self.add("layers", build, steps=children[:split])
        if split == len(children):
            return
        graph = children[split]
        after = children[split + 1 :]
        written_in = [build] * len(after)
        wrapper = path[-1] if path and path[-1].name == k3.KERAS3_BUILD_WRAPPER else None
        if wrapper is not None and build in wrapper.children:
            trailing = wrapper.children[wrapper.children.index(build) + 1 :]
            after += trailing
            written_in += [wrapper] * len(trailing)
        stage = self.add("graph", graph, steps=graph.children, after=after, written_in=written_in)
        stage.about = build.layer  # the Functional is made for, and kept by, the Sequential

    def inferred_graph(self, inner: Step) -> None:
        children = inner.children
        split = next((i for i, c in enumerate(children) if c.name == INIT_GRAPH), len(children))
        self.add("layers", inner, steps=children[:split])
        if split < len(children):
            graph = children[split]
            after = children[split + 1 :]
            self.add(
                "graph", graph, steps=graph.children, after=after, written_in=[inner] * len(after)
            )


def _side_steps(path: list[Step], target: Step) -> list[Step]:
    """What happened along a trigger's path before the build: the steps with a flag
    change or an error (``_maybe_build`` marking the model built, say)."""
    side: list[Step] = []
    for index, step in enumerate(path):
        following = path[index + 1] if index + 1 < len(path) else target
        for child in step.children:
            if child is following:
                break
            if any(
                s.kind == "raise" or (s.kind == "set" and is_change(s.event)) for s in child.walk()
            ):
                side.append(child)
    return side


def _describe(key: str, header: Step) -> tuple[str, str]:
    """The title and one-line explanation of a stage."""
    # ``Input()`` without a name learns it inside: take the first step that knows one.
    layer = next((s.layer for s in header.walk() if s.layer), "?")
    if key == "check":
        return "input-shape check", "Sequential.build checks it was given an input_shape"
    if key == "layers" and header.name == k3.KERAS3_SEQUENTIAL_BUILD:
        return (
            "Sequential.build (Keras 3)",
            "an InputLayer, then each layer's __call__ → _maybe_build → build_wrapper → build",
        )
    if key == "graph" and header.name == k3.KERAS3_FUNCTIONAL_INIT:
        return "Functional(inputs, outputs) (Keras 3)", "ops/function.py's map_graph maps the graph"
    if key == "layers":
        return (
            "_build_graph_network_for_inferred_shape",
            "a hidden Input, then each layer's __call__ → … → build → add_weight",
        )
    if key == "graph":
        return "_init_graph_network", "_map_graph_network → _build_map: the graph is mapped"
    if key == "trigger":
        return "trigger: the first call on data", "no input shape was given, so this call builds"
    if key == "model":
        return (
            "keras.Model(inputs, outputs)",
            "_init_graph_network maps the graph; no layer is built here",
        )
    if key == "input":
        return f"Input → InputLayer {layer}", "an InputLayer is built at once: it has no weights"
    if key == "call":
        cls = header.event.get("cls", "Layer")
        if not is_layer_call(header):  # under a subclassed Model.build: no Node
            return f"{layer}(…): {cls} called on a placeholder", "Model.build's call builds it"
        return f"{layer}(…): {cls} called on a symbolic tensor", "the call builds the layer"
    added = header.event.get("added", layer)
    return f"Sequential.add({added})", "the model has an input: the layer is called at once"
