"""Functional models: a graph of layers from ``Input`` tensors to output tensors.

Mirrors: ``keras/engine/functional.py``. ``Model(inputs, outputs)`` does not call any
layer: the layers were already called on symbolic tensors, leaving ``Node``s behind.
``_init_graph_network`` walks those nodes backwards from the outputs
(``_map_graph_network -> _build_map -> _build_map_helper``), sorts them by depth, and
that ordering is what the model runs when called on data (``_run_internal_graph``).
A ``Sequential`` model, once it knows its input shape, is one of these too.
"""

from __future__ import annotations

import collections
import inspect
import logging
from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.engine import data_adapter, trace_details
from buildtrace.keras.engine import input_spec as input_spec_module
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_layer import InputLayer
from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.keras.engine.node import Node
from buildtrace.keras.engine.training import Model
from buildtrace.keras.utils.nest import flatten
from buildtrace.tf import tape as tf_tape
from buildtrace.trace import suspended, traced


class Functional(Model):
    """A model defined by its input and output tensors.

    Example:
        >>> from buildtrace import keras
        >>> x = keras.Input(shape=(4,))
        >>> y = keras.layers.Dense(2)(x)
        >>> model = keras.Model(x, y)
        >>> [layer.name for layer in model.layers]  # doctest: +ELLIPSIS
        ['input_...', 'dense...']
    """

    @traced
    def __init__(
        self, inputs: Any, outputs: Any, name: str | None = None, trainable: bool = True, **kw: Any
    ) -> None:
        # `keras.Model(inputs, outputs)` makes its Functional in `Model.__new__` with
        # `skip_init=True`; Python then runs `__init__` again: Keras's runs twice too.
        if kw.pop("skip_init", False):
            return
        if kw:
            raise TypeError(f"Keyword argument not understood: {next(iter(kw))}")
        super().__init__(name=name, trainable=trainable)
        self._init_graph_network(inputs, outputs)

    def _init_set_name(self, name: str | None, zero_based: bool = True) -> None:
        # keras.Model(inputs, outputs) makes a Functional, yet names it "model", "model_1"...
        if not name and type(self) is Functional:
            name = backend.unique_object_name("model", zero_based=zero_based)
        super()._init_set_name(name, zero_based)

    @property
    def input_spec(self) -> Any:
        """One spec per input, from the input layers' shapes (batch size left free)."""
        manual = self.__dict__.get("_manual_input_spec")
        if manual is not None or not self._is_graph_network:
            return manual
        specs = []
        for tensor in self.inputs:
            shape = (None, *tensor.shape[1:])
            specs.append(input_spec_module.InputSpec(shape=shape, allow_last_axis_squeeze=True))
        return specs[0] if len(specs) == 1 else specs

    @input_spec.setter
    def input_spec(self, value: Any) -> None:
        self.__dict__["_manual_input_spec"] = value

    @property
    def input_shape(self) -> Any:
        """The shape(s) of the model's input(s), nested as the inputs are.

        Mirrors: ``Functional.input_shape`` (``int_shape`` of each of ``self.input``).
        """
        if not self._is_graph_network:
            return super().input_shape
        return _nested_shapes(self._nested_inputs)

    @property
    def output_shape(self) -> Any:
        """The shape(s) of the model's output(s). Mirrors: ``Functional.output_shape``."""
        if not self._is_graph_network:
            return super().output_shape
        return _nested_shapes(self._nested_outputs)

    @traced
    def _init_graph_network(self, inputs: Any, outputs: Any) -> None:
        """Turn input and output tensors into a runnable graph of layers.

        Mirrors: ``Functional._init_graph_network``. Note where ``built`` becomes True:
        right after the inputs and outputs are validated, before the graph is mapped.
        """
        # A method of its own, not part of `__init__`: Sequential calls it again each
        # time a layer added or removed changes the graph.
        self._is_graph_network = True
        # Running the graph gives the outputs' masks too: `_set_mask_metadata` skips it.
        self._compute_output_and_mask_jointly = True
        # 1. Normalise the inputs and outputs. A list of one tensor is that tensor (the
        #    model then returns a tensor, not a list of one); the nested form is kept for
        #    `model.input_shape` and for calls, `inputs`/`outputs` are the flat lists.
        if isinstance(inputs, list) and len(flatten(inputs)) == 1:
            inputs = inputs[0]
        if isinstance(outputs, list) and len(flatten(outputs)) == 1:
            outputs = outputs[0]
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        self.inputs = flatten(inputs)
        self.outputs = flatten(outputs)
        # 2. Every input must be a `keras.Input` and every output a layer's output;
        #    otherwise there is no graph to walk.
        self._validate_graph_inputs_and_outputs()
        # 3. A graph network creates no weights of its own: its layers were built when
        #    they were called on the inputs. So it is built already, before the graph is
        #    even mapped, and its build input shape is that of its inputs.
        self.built = True
        self._build_input_shape = [x.shape for x in self.inputs]
        if len(self._build_input_shape) == 1:
            self._build_input_shape = self._build_input_shape[0]
        # 4. The layers at both ends, read off the tensors' `_keras_history`.
        self._input_layers = [x._keras_history.layer for x in self.inputs]
        self._output_layers = [x._keras_history.layer for x in self.outputs]
        # 5. Map the graph: every node between inputs and outputs, grouped by depth
        #    (the order a call runs them in), and the layers in order. These layers
        #    are `model.layers`.
        nodes, nodes_by_depth, layers, _ = _map_graph_network(self.inputs, self.outputs)
        self._network_nodes = nodes
        self._nodes_by_depth = nodes_by_depth
        self._self_tracked_trackables = layers
        # 6. Names by which `fit` matches targets and `fit({...})` matches inputs.
        self._set_output_names()
        self.input_names = [layer.name for layer in self._input_layers]
        # How many nodes use each tensor: a call frees a tensor once its last user ran.
        self._compute_tensor_usage_count()

    @traced
    def _validate_graph_inputs_and_outputs(self) -> None:
        """Inputs must be distinct ``Input`` tensors; outputs must come from layers.

        Mirrors: ``Functional._validate_graph_inputs_and_outputs`` and its messages.
        """
        cls_name = type(self).__name__
        if len({id(i) for i in self.inputs}) != len(self.inputs):
            raise ValueError(
                "The list of inputs passed to the model contains the same input multiple "
                f"times. All inputs should only appear once. Received inputs={self.inputs}"
            )
        for x in self.inputs:
            if getattr(x, "_keras_history", None) is None:
                raise ValueError(
                    f"Input tensors to a {cls_name} model must come from `tf.keras.Input`. "
                    f"Received inputs={x} (missing previous layer metadata)."
                )
            layer = x._keras_history.layer
            if not isinstance(layer, InputLayer):
                # Keras only warns here; a truly disconnected graph fails in _map_graph_network.
                logging.getLogger("buildtrace.keras").warning(
                    f"{cls_name} model inputs must come from `tf.keras.Input` (thus holding "
                    "past layer metadata). They cannot be the output of a previous non-Input "
                    f"layer. Here, a tensor specified as input to {self.name} was not an "
                    f"Input tensor, it was generated by layer {layer.name}.\nNote that input "
                    "tensors are instantiated via `tensor = tf.keras.Input(shape)`.\nThe "
                    f"tensor that caused the issue was: {x}"
                )
        for x in self.outputs:
            if getattr(x, "_keras_history", None) is None:
                raise ValueError(
                    f"Output tensors of a {cls_name} model must be the output of a "
                    f"TensorFlow `Layer` (thus holding past layer metadata). Found: {x}"
                )

    @traced
    def _set_output_names(self) -> None:
        """Name the outputs after their layers, suffixing repeats (``dense``, ``dense_1``)."""
        uniquified: list[str] = []
        taken: set[str] = set()
        counts: dict[str, int] = {}
        for layer in self._output_layers:
            proposal = layer.name
            while proposal in taken:
                count = counts.get(layer.name, 1)
                proposal = f"{layer.name}_{count}"
                counts[layer.name] = count + 1
            taken.add(proposal)
            uniquified.append(proposal)
        self.output_names = uniquified

    @traced
    def _compute_tensor_usage_count(self) -> None:
        """Count how many times each tensor is consumed, so a run can free it after.

        Mirrors: ``Functional._compute_tensor_usage_count``.
        """
        usage: collections.Counter[int] = collections.Counter()
        available = {id(x) for x in self.inputs}
        for depth in sorted(self._nodes_by_depth, reverse=True)[1:]:
            for node in self._nodes_by_depth[depth]:
                inputs = {id(x) for x in node.keras_inputs}
                if inputs.issubset(available):
                    for x in node.keras_inputs:
                        usage[id(x)] += 1
                    available.update(id(y) for y in flatten(node.outputs))
        for x in self.outputs:
            usage[id(x)] += 1
        self._tensor_usage_count = usage

    @traced
    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        """Run the graph on data (or on symbolic tensors, to nest this model)."""
        return self._run_internal_graph(inputs, training=training)

    @traced
    def _run_internal_graph(self, inputs: Any, training: Any = None) -> Any:
        """Call each node's layer in depth order, feeding it its parents' outputs.

        Mirrors: ``Functional._run_internal_graph``. Inside a training step the tape
        runs the nodes instead (:func:`run_on_tape`), keeping what the gradients need.
        """
        on_tape = _ON_TAPE.get(id(self))
        if on_tape is not None:
            on_tape[1] = self._walk_graph(inputs, on_tape[0])
            return on_tape[1]

        def call_layer(node: Node, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            if node.layer._expects_training_arg and training is not None:
                kwargs["training"] = training
            return node.layer(*args, **kwargs)

        return self._walk_graph(inputs, call_layer)

    def _walk_graph(self, inputs: Any, run_node: Any) -> Any:
        """Feed ``inputs`` through the graph, deepest nodes first.

        ``run_node(node, args, kwargs)`` computes one node's outputs from its arguments
        (tensors replaced by values). Running a model and recording it for gradients
        (``engine/gradients.py``) differ only in that function.
        """
        values: dict[int, Any] = {}
        for ref, value in zip(self.inputs, flatten(inputs)):
            value = _conform_rank(value, ref)
            values[id(ref)] = data_adapter.conform_to_reference_input(value, ref.dtype)
        computed = values.keys()
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                # Run a node once all its inputs are computed (`>=` on ids: superset).
                if node.is_input or not computed >= node._keras_input_ids:
                    continue
                args, kwargs = node.map_arguments(values)
                outputs = run_node(node, args, dict(kwargs))
                for ref, value in zip(node._flat_outputs, flatten(outputs)):
                    values[id(ref)] = value
        results = [values[id(x)] for x in self.outputs]
        if isinstance(self._nested_outputs, list | tuple):
            return results
        return results[0]

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [x.shape for x in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def get_config(self) -> dict[str, Any]:
        """Layers and how they connect. Mirrors ``Functional.get_config`` (see saving/)."""
        from buildtrace.keras.saving import serialization_lib

        return serialization_lib._network_config(self, v3=False)


#: Models whose forward pass a training step's tape is running: id -> [run_node, result].
_ON_TAPE: dict[int, list[Any]] = {}


def run_on_tape(model: Functional, inputs: Any, training: bool, run_node: Any) -> Any:
    """The first training step's forward pass, traced as Keras traces it.

    Keras's ``train_step`` calls the model: ``Layer.__call__ → Sequential.call →
    Functional.call → _run_internal_graph → Layer.__call__`` of every layer. The model is
    called for real here (only its ``call`` under a hand-written tape, inside the model's
    ``Layer.__call__``), and its ``_run_internal_graph`` hands each node to the tape's
    ``run_node`` (which keeps each layer's cache for the backward pass). Returns the
    graph's outputs as the tape computed them.
    """
    slot: list[Any] = [run_node, None]
    _ON_TAPE[id(model)] = slot
    # Under a hand-written tf.GradientTape the tape gets one node for the whole model
    # (engine/gradients.py::call_on_tape): the call is not recorded a second time.
    # There, the model's own Layer.__call__ is already running: only its call is left.
    inside_call = tf_tape.is_recording()
    paused = list(tf_tape._ACTIVE)
    for recorder in paused:
        recorder.paused += 1
    try:
        if inside_call:
            model.call(inputs, training=training)
        else:
            model(inputs, training=training)
    finally:
        _ON_TAPE.pop(id(model), None)
        for recorder in paused:
            recorder.paused -= 1
    return slot[1]


_CALL_REPORTERS: dict[type, Any] = {}


def report_layer_call(layer: Layer, inputs: Any, run: Any) -> Any:
    """``run()`` (a layer's forward pass on the tape) reported as Keras's eager call shows
    it: ``assert_input_compatibility``, then the layer's own ``call`` (``Dense.call``).

    What ``run`` calls inside is not reported (``Flatten``'s forward pass runs its
    ``call``, ``Dense``'s does not): one ``call`` event for every layer either way.
    """
    # A layer whose own __call__ widens its spec for extra inputs (an RNN given its
    # initial state) says which spec the call is checked against.
    spec_for = getattr(layer, "_call_input_spec", None)
    spec = spec_for(inputs) if spec_for is not None else layer.input_spec
    input_spec_module.assert_input_compatibility(spec, inputs, layer.name)
    cls = type(layer)
    reporter = _CALL_REPORTERS.get(cls)
    if reporter is None:
        owner = next(k for k in cls.__mro__ if "call" in vars(k))
        method = inspect.unwrap(vars(owner)["call"])

        def call(self: Layer, run: Any) -> Any:
            with suspended():
                return run()

        call.__module__ = method.__module__
        call.__qualname__ = method.__qualname__
        reporter = _CALL_REPORTERS[cls] = traced(call)
    return reporter(layer, run)


def _nested_shapes(structure: Any) -> Any:
    if isinstance(structure, dict):
        return {k: _nested_shapes(v) for k, v in structure.items()}
    if isinstance(structure, list | tuple):
        return [_nested_shapes(x) for x in structure]
    return tuple(structure.shape)


def _make_node_key(layer_name: str, node_index: int) -> str:
    return f"{layer_name}_ib-{node_index}"


@traced(result=trace_details.graph_layers_details)
def _map_graph_network(
    inputs: list[KerasTensor], outputs: list[KerasTensor]
) -> tuple[set[str], dict[int, list[Node]], list[Layer], dict[int, list[Layer]]]:
    """Find every node and layer between ``inputs`` and ``outputs``, and their depths.

    Mirrors: ``keras/engine/functional.py::_map_graph_network``. Depth 0 is the output;
    a node's parents are one deeper. Layers come back ordered from the inputs (deepest)
    to the outputs, which is the order ``model.layers`` shows.

    Raises:
        ValueError: "Graph disconnected" when an output needs a tensor that none of the
            ``inputs`` lead to, or a layer name used twice.
    """
    # 1. The nodes in an order where each comes after every node it depends on, found
    #    by walking back from the outputs; `layer_indices` numbers the layers in the
    #    order they were met (the tie-break between layers at one depth).
    nodes_in_decreasing_depth, layer_indices = _build_map(outputs)
    # The nodes that belong to this model: a shared layer also has nodes of other graphs.
    network_nodes = {
        _make_node_key(node.layer.name, node.layer._inbound_nodes.index(node))
        for node in nodes_in_decreasing_depth
    }
    nodes_depths: dict[Node, int] = {}
    layers_depths: dict[Layer, int] = {}
    # 2. Depths, walking from the outputs (depth 0) back. A node's depth is the longest
    #    path from it to an output, so every node runs after the nodes it needs; a
    #    layer used twice takes its deepest node's depth.
    for node in reversed(nodes_in_decreasing_depth):
        depth = nodes_depths.setdefault(node, 0)
        depth = max(depth, layers_depths.get(node.layer, 0))
        layers_depths[node.layer] = depth
        nodes_depths[node] = depth
        for parent in node.parent_nodes:
            nodes_depths[parent] = max(depth + 1, nodes_depths.get(parent, 0))
    # An input that no output depends on is still part of the model (depth 0).
    for x in inputs:
        layer = x._keras_history.layer  # type: ignore[union-attr]
        if layer not in layers_depths:
            layers_depths[layer] = 0
            layer_indices[layer] = -1
            nodes_depths[layer._inbound_nodes[0]] = 0
            network_nodes.add(_make_node_key(layer.name, 0))

    # 3. Group nodes and layers by depth; the layers, deepest first (the inputs), become
    #    `model.layers`, in the order they were met at each depth.
    nodes_by_depth: dict[int, list[Node]] = collections.defaultdict(list)
    for node, depth in nodes_depths.items():
        nodes_by_depth[depth].append(node)
    layers_by_depth: dict[int, list[Layer]] = collections.defaultdict(list)
    for layer, depth in layers_depths.items():
        layers_by_depth[depth].append(layer)
    layers: list[Layer] = []
    for depth in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[depth], key=lambda x: layer_indices[x]))

    # 4. Every node's inputs must be computable from the model's inputs, going from the
    #    deepest nodes up: a layer fed by an `Input` the model was not given makes a
    #    "Graph disconnected" error, which names the tensor and the layers reached.
    computable = {id(x) for x in inputs}
    seen_layers: list[str] = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            if node.is_input:
                continue
            for x in node.keras_inputs:
                if id(x) not in computable:
                    raise ValueError(
                        f"Graph disconnected: cannot obtain value for tensor {x} at layer "
                        f'"{node.layer.name}". The following previous layers were accessed '
                        f"without issue: {seen_layers}"
                    )
            computable.update(id(y) for y in flatten(node.outputs))
            seen_layers.append(node.layer.name)

    # 5. Layer names must be unique: weights are saved and `get_layer` finds layers by name.
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(
                f'The name "{name}" is used {names.count(name)} times in the model. '
                "All layer names should be unique."
            )
    return network_nodes, dict(nodes_by_depth), layers, dict(layers_by_depth)


@traced
def _build_map(outputs: list[KerasTensor]) -> tuple[list[Node], dict[Layer, int]]:
    """Topologically sort the nodes that lead to ``outputs``.

    Mirrors: ``keras/engine/functional.py::_build_map``: a depth-first walk from each
    output (``_build_map_helper``), listing a node after all the nodes it depends on.
    """
    # Depth-first search with the usual two marks: a node in progress is on the current
    # path (meeting it again means a cycle), a finished node is never visited twice
    # (a branch shared by two outputs is listed once).
    finished: set[Node] = set()
    in_progress: set[Node] = set()
    ordered: list[Node] = []
    layer_indices: dict[Layer, int] = {}
    for output in outputs:
        _build_map_helper(output, finished, in_progress, ordered, layer_indices)
    return ordered, layer_indices


@traced(details=trace_details.tensor_details)
def _build_map_helper(
    tensor: KerasTensor,
    finished_nodes: set[Node],
    nodes_in_progress: set[Node],
    nodes_in_decreasing_depth: list[Node],
    layer_indices: dict[Layer, int],
) -> None:
    """Visit the node that made ``tensor``, after (recursively) the nodes it came from.

    Mirrors: ``keras/engine/functional.py::_build_map_helper``. Recursion runs from the
    output back towards the input; a node met again while still in progress is a cycle.
    """
    # The tensor's history names the call that made it: the layer and which of its
    # calls (a shared layer has one node per call).
    layer, node_index, _ = tensor._keras_history  # type: ignore[misc]
    node = layer._inbound_nodes[node_index]
    if node in finished_nodes:  # reached already through another branch
        return
    if node in nodes_in_progress:
        raise ValueError(f"Tensor {tensor} from layer '{layer.name}' is part of a cycle.")
    # The first time a layer is met fixes its place among layers of the same depth.
    if layer not in layer_indices:
        layer_indices[layer] = len(layer_indices)
    nodes_in_progress.add(node)
    # First the nodes this one depends on (an Input's node depends on none)...
    if not node.is_input:
        for x in node.keras_inputs:
            _build_map_helper(
                x, finished_nodes, nodes_in_progress, nodes_in_decreasing_depth, layer_indices
            )
    # ...then this node: listed after everything it needs.
    finished_nodes.add(node)
    nodes_in_progress.remove(node)
    nodes_in_decreasing_depth.append(node)


def _conform_rank(value: Any, ref: Any) -> Any:
    """A batch one rank off its ``Input`` by a last axis of 1, made to fit it.

    Mirrors the rank step of ``Functional._conform_to_reference_input``: data of shape
    ``(batch,)`` for an input of ``(None, 1)`` (one feature, as in a single-feature
    regression) gets its last axis added; ``(batch, ..., 1)`` for ``(None, ...)`` loses it.
    """
    if type(value) is not np.ndarray:
        return value
    ref_shape = tuple(ref.shape)
    if value.ndim == len(ref_shape) - 1 and ref_shape and ref_shape[-1] == 1:
        return np.expand_dims(value, -1)
    if value.ndim == len(ref_shape) + 1 and value.shape[-1] == 1:
        return np.squeeze(value, -1)
    return value
