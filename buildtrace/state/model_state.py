"""The model as of event *i*: layers, their flags, shapes, weights and connections.

A pure fold over build events, so a viewer can show the model at any step of a
recorded trace, forwards or backwards, without the model object. What it reads:

* ``Layer.__init__`` returns (a layer now exists, with its name and class) and the
  ``config`` on the return of a layer's outermost ``__init__``;
* ``set`` events (``built``, ``_graph_initialized``), ``add_weight`` events;
* ``Node.__init__`` calls (``node_of``, ``inbound``, ``output_shapes``): the graph;
* ``Sequential.add`` (``added``) and ``_map_graph_network`` returns (``layers``):
  which layers a model holds.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from buildtrace.state import keras3_names as k3
from buildtrace.state.callstack import CallStack
from buildtrace.trace import Event, keras_names

# Each fact under its Keras 2 name and, for a trace of Keras 3, under Keras 3's.
_LAYER_INIT = (keras_names.LAYER_INIT, k3.KERAS3_LAYER_INIT)
_MODEL_INIT = (keras_names.MODEL_INIT, k3.KERAS3_MODEL_INIT)
_NODE_INIT = (keras_names.NODE_INIT, k3.KERAS3_NODE_INIT)
_ADD = (keras_names.SEQUENTIAL_ADD, k3.KERAS3_ADD)
_MAP_GRAPH = (keras_names.MAP_GRAPH_NETWORK, k3.KERAS3_MAP_GRAPH)
_INFER_OUTPUT = keras_names.LAYER_INFER_OUTPUT_SIGNATURE
_INFERRED_INPUT_CONTEXT = (
    keras_names.SEQUENTIAL_BUILD_GRAPH_NETWORK_FOR_INFERRED_SHAPE,
    keras_names.SEQUENTIAL_ADD,
    k3.KERAS3_SEQUENTIAL_BUILD,  # Keras 3's Sequential.build makes the InputLayer itself
    k3.KERAS3_ADD,
)


@dataclass
class WeightState:
    """A weight created by ``add_weight``."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    initializer: str
    trainable: bool
    params: int
    seq: int


@dataclass
class LayerState:
    """One layer (or model) as the trace has shown it so far."""

    name: str
    cls: str
    created_seq: int
    config: dict[str, Any] = field(default_factory=dict)
    built: bool = False
    built_seq: int | None = None
    build_input_shape: Any = None
    output_shape: Any = None
    weights: list[WeightState] = field(default_factory=list)
    inbound: list[str] = field(default_factory=list)
    is_input: bool = False
    inferred_by: str | None = None

    @property
    def params(self) -> int:
        """Parameters created so far."""
        return sum(w.params for w in self.weights)

    @property
    def trainable_params(self) -> int:
        return sum(w.params for w in self.weights if w.trainable)

    @property
    def activation(self) -> str | None:
        value = self.config.get("activation")
        return value if isinstance(value, str) else None


@dataclass
class ModelFlags:
    """A model's own flags and members."""

    name: str
    cls: str
    built: bool = False
    graph_initialized: bool | None = None
    members: list[str] = field(default_factory=list)
    mapped: list[str] = field(default_factory=list)
    #: Keras 3: the Sequential this Functional was made for (its build makes one, and
    #: the Sequential runs it): not a model of the script's own.
    delegate_of: str | None = None

    @property
    def layers(self) -> list[str]:
        """The model's layers, input layer included once the graph is mapped."""
        if self.mapped:
            return list(self.mapped)
        return list(self.members)


@dataclass
class ModelState:
    """Everything the fold knows: layers by name (in creation order) and models."""

    layers: dict[str, LayerState] = field(default_factory=dict)
    models: dict[str, ModelFlags] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    last_seq: int = -1
    last_change: Event | None = None
    stack: CallStack = field(default_factory=CallStack)

    # ------------------------------------------------------------------ folding
    def apply(self, event: Event) -> None:
        """Take one more event into account."""
        self.last_seq = event.get("seq", self.last_seq + 1)
        kind = event["kind"]
        name = event.get("name", "")
        if kind == "call":
            self._on_call(event, name)
            self.stack.apply(event)
            return
        self.stack.apply(event)
        if kind == "return":
            self._on_return(event, name)
        elif kind == "set":
            self._on_set(event)
        elif kind == "add_weight":
            # A cell's or wrapped layer's weights count for the layer that holds it.
            layer = self.layers.get(event.get("owner") or event.get("layer") or "")
            if layer is not None:
                layer.weights.append(
                    WeightState(
                        name=event["weight"],
                        shape=tuple(event["shape"]),
                        dtype=event.get("dtype", "float32"),
                        initializer=event.get("initializer", ""),
                        trainable=bool(event.get("trainable", True)),
                        params=int(event.get("params", 0)),
                        seq=self.last_seq,
                    )
                )
            self.last_change = event

    def _on_call(self, event: Event, name: str) -> None:
        if name in _NODE_INIT and "node_of" in event:
            target = self.layers.get(event["node_of"])
            if target is None:
                return
            shapes = event.get("output_shapes") or []
            if shapes:
                target.output_shape = tuple(shapes[0]) if len(shapes) == 1 else shapes
            inbound = [str(entry[0]) for entry in event.get("inbound") or []]
            if not inbound:
                target.is_input = True
            for source in inbound:
                if source not in target.inbound:
                    target.inbound.append(source)
                if (source, target.name) not in self.edges:
                    self.edges.append((source, target.name))
        elif name in _ADD and (model := event.get("layer")) in self.models:
            members = self.models[str(model)].members
            added = event.get("added")
            if isinstance(added, str) and added not in members:
                members.append(added)
        elif name.endswith(".build") and (built := event.get("layer")) in self.layers:
            self.layers[str(built)].build_input_shape = _tuple(event.get("input_shape"))

    def _on_return(self, event: Event, name: str) -> None:
        layer_name = event.get("layer")
        if name in _LAYER_INIT and layer_name and layer_name not in self.layers:
            state = LayerState(name=layer_name, cls=event.get("cls", "Layer"),
                               created_seq=self.last_seq)  # fmt: skip
            context = self._open_context()
            if state.cls == "InputLayer" and context is not None:
                state.inferred_by = context
            self.layers[layer_name] = state
            frames = self.stack.frames
            if frames and frames[-1].get("name") in _MODEL_INIT:
                # A model's own Layer.__init__: from here on it is a model, not one more
                # loose layer (Model.__init__ is still running; its return says so too).
                self.models.setdefault(layer_name, ModelFlags(layer_name, state.cls))
        elif name in _MODEL_INIT and layer_name:
            self.models.setdefault(layer_name, ModelFlags(layer_name, event.get("cls", "Model")))
            building = self._open(k3.KERAS3_SEQUENTIAL_BUILD)
            if building not in (None, layer_name):
                self.models[layer_name].delegate_of = building
        elif name in _MAP_GRAPH and self.stack.frames:
            owner = self.stack.frames[-1].get("layer")
            if owner is None and self.models:
                # Keras 3 maps the graph inside Function.__init__, whose call was recorded
                # before the model had its name: the model is the one made last.
                owner = list(self.models)[-1]
            if owner in self.models:
                self.models[owner].mapped = list(event.get("layers") or [])
                sequential = self.models[owner].delegate_of
                if sequential in self.models:  # Keras 3: the Sequential's graph is this one
                    self.models[sequential].mapped = list(event.get("layers") or [])
        elif name == _INFER_OUTPUT and layer_name in self.layers and event.get("output_shape"):
            # The output's shape is known from here on, before Node.__init__ records it.
            shapes = event["output_shape"]
            if isinstance(shapes, list) and shapes and all(isinstance(s, list) for s in shapes):
                shapes = shapes[0] if len(shapes) == 1 else shapes  # as Node.__init__ has it
            self.layers[layer_name].output_shape = _tuple(shapes)
        if "config" in event and layer_name in self.layers:
            self.layers[layer_name].config = dict(event["config"] or {})

    def _open(self, name: str) -> str | None:
        """The layer of the innermost open call of ``name``, if one is open."""
        for frame in reversed(self.stack.frames):
            if frame.get("name") == name:
                return frame.get("layer")
        return None

    def _open_context(self) -> str | None:
        """The Sequential whose build or add is running (an inferred input's owner)."""
        for frame in reversed(self.stack.frames):
            if frame.get("name") in _INFERRED_INPUT_CONTEXT:
                layer = frame.get("layer")
                return layer if isinstance(layer, str) else None
        return None

    def _on_set(self, event: Event) -> None:
        target = event.get("layer")
        attr, value = event.get("attr"), event.get("value")
        self.last_change = event
        if target in self.models:
            flags = self.models[target]
            if attr == "built":
                flags.built = bool(value)
            elif attr == "_graph_initialized":
                flags.graph_initialized = bool(value)
        if target in self.layers and attr == "built":
            layer = self.layers[target]
            if value and not layer.built:
                layer.built_seq = self.last_seq
            layer.built = bool(value)

    # ------------------------------------------------------------------- reading
    @property
    def plain_layers(self) -> list[LayerState]:
        """Layers that are not models, in creation order."""
        return [layer for name, layer in self.layers.items() if name not in self.models]

    def focus(self) -> str | None:
        """The layer the innermost open call is about (the one being built/called)."""
        for frame in reversed(self.stack.frames):
            name = frame.get("layer")
            if name in self.layers and name not in self.models:
                return str(name)
        return None

    def copy(self) -> ModelState:
        """An independent snapshot (for checkpoints when stepping through long traces)."""
        return copy.deepcopy(self)


def _tuple(shape: Any) -> Any:
    if isinstance(shape, list) and shape and all(isinstance(s, list) for s in shape):
        return [tuple(s) for s in shape]
    return tuple(shape) if isinstance(shape, list) else shape


def model_state(events: Iterable[Event]) -> ModelState:
    """The model state after ``events``.

    Example:
        >>> state = model_state(events)  # doctest: +SKIP
        >>> state.layers["dense"].weights[0].shape  # doctest: +SKIP
        (784, 512)
    """
    state = ModelState()
    for event in events:
        state.apply(event)
    return state
