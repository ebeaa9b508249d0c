"""``Sequential``: a plain stack of layers, each feeding the next.

Mirrors: ``keras/engine/sequential.py``. A ``Sequential`` is a ``Functional`` model
that builds its graph as soon as it knows its input shape:

* from an ``Input`` added first, or a first layer given ``input_shape=`` (in ``add``);
* from ``model.build(input_shape)``, in three stages: (1) check ``input_shape``;
  (2) ``_build_graph_network_for_inferred_shape``: make an ``Input`` named
  ``<first layer>_input`` and call every layer on it, which builds each layer;
  (3) ``_init_graph_network``: map the graph, set ``built``;
* or from the first call on data (directly, or inside ``fit``), with that data's shape.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.engine import functional, input_layer, trace_details, training_utils
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.keras_tensor import KerasTensor, Shape
from buildtrace.keras.engine.node import Node
from buildtrace.keras.engine.training import Model
from buildtrace.keras.utils.generic_utils import default
from buildtrace.keras.utils.nest import flatten
from buildtrace.keras.utils.tf_utils import static_shape
from buildtrace.trace import traced

SINGLE_LAYER_OUTPUT_ERROR_MSG = (
    "All layers in a Sequential model should have a single output tensor. For multi-output "
    "layers, use the functional API."
)


class Sequential(functional.Functional):
    """A linear stack of layers.

    Example:
        >>> from buildtrace import keras
        >>> model = keras.Sequential([keras.layers.Dense(512, activation="relu"),
        ...                           keras.layers.Dense(10, activation="softmax")])
        >>> model.built
        False
        >>> model.build(input_shape=(None, 784))
        >>> model.built, model.layers[0].kernel.shape
        (True, TensorShape([784, 512]))
    """

    @traced
    def __init__(self, layers: Any = None, name: str | None = None) -> None:
        # Skip Functional.__init__: there is no graph yet. Model.__init__ does the rest.
        Model.__init__(self, name=name, autocast=False)
        self.supports_masking = True
        self._inferred_input_shape: Shape | None = None
        self._has_explicit_input_shape = False
        self._use_legacy_deferred_behavior = False
        self._created_nodes: set[Node] = set()
        self._graph_initialized = False
        if layers:
            if not isinstance(layers, list | tuple):
                layers = [layers]
            for layer in layers:
                self.add(layer)

    @property
    def input_spec(self) -> Any:
        """Keras checks a Sequential's input only when it was given one explicitly.

        With an inferred input shape the first layer does the checking instead.
        """
        manual = self.__dict__.get("_manual_input_spec")
        if manual is not None or not self._has_explicit_input_shape:
            return manual
        return functional.Functional.input_spec.fget(self)  # type: ignore[attr-defined]

    @input_spec.setter
    def input_spec(self, value: Any) -> None:
        self.__dict__["_manual_input_spec"] = value

    @property
    def layers(self) -> list[Layer]:
        """The layers, without the (possibly hidden) ``InputLayer``."""
        layers = super().layers
        if layers and isinstance(layers[0], input_layer.InputLayer):
            return layers[1:]
        return layers

    @traced(details=trace_details.added_details)
    def add(self, layer: Any) -> None:
        """Add a layer on top of the stack.

        Mirrors: ``Sequential.add``. When the model already has a graph (its input shape
        is known), the new layer is called at once and the graph re-initialised.

        Raises:
            TypeError: ``layer`` is not a layer.
            ValueError: its name is taken, or it has several outputs.
        """
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            origin = layer._keras_history.layer
            if isinstance(origin, input_layer.InputLayer):
                layer = origin
        if not isinstance(layer, Layer):
            raise TypeError(
                "The added layer must be an instance of class Layer. "
                f"Received: layer={layer} of type {type(layer)}."
            )
        if any(existing.name == layer.name for existing in self._self_tracked_trackables):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f'"{layer.name}" is already the name of a layer in this model. Update the '
                "`name` argument to pass a unique name."
            )
        self.built = False
        set_inputs = False
        if not self._self_tracked_trackables:
            if isinstance(layer, input_layer.InputLayer):
                set_inputs = True
            else:
                batch_shape, dtype = training_utils.get_input_shape_and_dtype(layer)
                if batch_shape:
                    x = input_layer.Input(
                        batch_shape=batch_shape, dtype=dtype, name=layer.name + "_input"
                    )
                    layer(x)
                    set_inputs = True
            if set_inputs:
                outputs = flatten(layer._inbound_nodes[-1].outputs)
                if len(outputs) != 1:
                    raise ValueError(SINGLE_LAYER_OUTPUT_ERROR_MSG)
                self.outputs = outputs
                self.inputs = [_source_input(outputs[0])]
                self.built = True
                self._has_explicit_input_shape = True
        elif self.outputs:
            output = layer(self.outputs[0])
            if len(flatten(output)) != 1:
                raise ValueError(SINGLE_LAYER_OUTPUT_ERROR_MSG)
            self.outputs = [output]
            self.built = True
        if set_inputs or self._graph_initialized:
            self._init_graph_network(self.inputs, self.outputs)
            self._graph_initialized = True
        else:
            self._self_tracked_trackables.append(layer)

    @traced
    def pop(self) -> None:
        """Remove the last layer. Mirrors ``Sequential.pop``.

        The new last layer forgets where its output went (its outbound nodes), and the
        graph is mapped again (``_init_graph_network``, under this call).
        """
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        self._self_tracked_trackables.pop()
        if not self.layers:
            self.outputs = None
            self.inputs = None
            self.built = False
            self._inferred_input_shape = None
            self._has_explicit_input_shape = False
            self._graph_initialized = False
        elif self._graph_initialized:
            self.layers[-1]._outbound_nodes = []
            self.outputs = [self.layers[-1].output]
            self._init_graph_network(self.inputs, self.outputs)
            self.built = True

    @traced(details=trace_details.build_details)
    def _build_graph_network_for_inferred_shape(
        self, input_shape: Any, input_dtype: str | None = None
    ) -> None:
        """Make the hidden ``Input`` and call every layer on it: stage 2 of ``build``.

        Mirrors: ``Sequential._build_graph_network_for_inferred_shape``. If a layer
        refuses the symbolic input, Keras quietly falls back to its legacy deferred
        behaviour (the model is then run layer by layer, and the error shows up when it
        is called): we do the same.
        """
        # Nothing to infer: no shape yet, or no layer to call on it.
        if input_shape is None or not self.layers:
            return
        # A model given its input shape (an `Input` first, or `input_shape=` on its first
        # layer) built its graph in `add` and keeps it; a model that fell back to the
        # legacy behaviour below never tries again.
        if self._has_explicit_input_shape or self._use_legacy_deferred_behavior:
            return
        # Is the shape new? A shape that only differs in sizes seen before is relaxed
        # to None there (a second batch size makes the batch None), so the model is
        # rebuilt once for a shape that covers both, not once per batch size.
        input_shape = tuple(input_shape)
        if self._inferred_input_shape is None:
            new_shape: Shape | None = input_shape
        else:
            new_shape = relax_input_shape(self._inferred_input_shape, input_shape)
        if new_shape is None or new_shape == self._inferred_input_shape:
            return
        # The graph's input: a hidden `Input` named after the first layer, which is why
        # a Sequential built this way has an input layer called `dense_input`.
        inputs = input_layer.Input(
            batch_shape=new_shape, dtype=input_dtype, name=self.layers[0].name + "_input"
        )
        layer_input: Any = inputs
        created_nodes: set[Node] = set()
        for layer in self.layers:
            # Forget the nodes an earlier build made on this layer, so `layer.output`
            # always leads to this graph's input (only those nodes: a layer shared
            # with another model keeps its nodes there).
            clear_previously_created_nodes(layer, self._created_nodes)
            # Calling the layer on the symbolic tensor builds it and records a node.
            # If a layer cannot be called symbolically (a bug in it, or a layer that
            # does not return tensors), Keras gives up on the graph: the model then
            # runs layer by layer on data, where the user sees the layer's own error.
            try:
                layer_output = layer(layer_input)
            except Exception:
                self._use_legacy_deferred_behavior = True
                return
            if len(flatten(layer_output)) != 1:
                raise ValueError(SINGLE_LAYER_OUTPUT_ERROR_MSG)
            track_nodes_created_by_last_call(layer, created_nodes)
            layer_input = layer_output
        outputs = layer_input
        self._created_nodes = created_nodes
        # Stage 3: a graph from the hidden input to the last output, as a Functional
        # model makes one. This sets `built`; `_graph_initialized` says the graph exists.
        try:
            self._init_graph_network(inputs, outputs)
            self._graph_initialized = True
        except Exception:
            self._use_legacy_deferred_behavior = True
        self._inferred_input_shape = new_shape

    @default
    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any = None) -> None:
        """Build the model for ``input_shape`` (batch dimension included, may be None).

        Mirrors: ``Sequential.build``. Stage 1 is the check below; stage 2 and 3 happen
        in ``_build_graph_network_for_inferred_shape``.

        Raises:
            ValueError: "You must provide an `input_shape` argument." when it is None.
        """
        # A graph already exists (the model had an `Input`): only re-map it.
        if self._graph_initialized:
            self._init_graph_network(self.inputs, self.outputs)
        else:
            # 1. Without a shape there is nothing to build from.
            if input_shape is None:
                raise ValueError("You must provide an `input_shape` argument.")
            # 2-3. Make the hidden Input, call every layer on it, map the graph.
            self._build_graph_network_for_inferred_shape(input_shape)
            # No graph could be made (legacy deferred behaviour): build as a subclassed
            # model does, by calling the model on a placeholder of that shape.
            if not self.built:
                input_shape = tuple(input_shape)
                self._build_input_shape = input_shape
                Model.build(self, input_shape)
        # Keras writes it in every case, so the trace shows one more `built = True` after
        # the one `_init_graph_network` wrote.
        self.built = True

    @traced
    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        """Run the layers on ``inputs``, first building the graph for their shape.

        Mirrors: ``Sequential.call``.
        """
        if not self._has_explicit_input_shape:
            dtype = getattr(inputs, "dtype", None)
            self._build_graph_network_for_inferred_shape(
                static_shape(inputs), str(dtype) if dtype is not None else None
            )
        if self._graph_initialized:
            if not self.built:
                self._init_graph_network(self.inputs, self.outputs)
            return super().call(inputs, training=training, mask=mask)
        outputs = inputs
        for layer in self.layers:
            kwargs = {"training": training} if layer._expects_training_arg else {}
            outputs = layer(inputs, **kwargs)
            if len(flatten(outputs)) != 1:
                raise ValueError(SINGLE_LAYER_OUTPUT_ERROR_MSG)
            inputs = outputs
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = input_shape
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self) -> dict[str, Any]:
        layers = [
            {"class_name": type(layer).__name__, "config": layer.get_config()}
            for layer in super().layers
        ]
        return {"name": self.name, "layers": layers}


def _source_input(tensor: KerasTensor) -> KerasTensor:
    """The ``Input`` tensor a tensor of a chain of single-input layers came from."""
    while tensor._keras_history is not None:
        node = tensor._keras_history.layer._inbound_nodes[tensor._keras_history.node_index]
        if node.is_input:
            return tensor
        tensor = node.keras_inputs[0]
    return tensor


def relax_input_shape(shape_1: Shape | None, shape_2: Shape | None) -> Shape | None:
    """The most specific shape both fit: sizes that differ become None.

    Mirrors: ``keras/engine/sequential.py::relax_input_shape``.

    Example:
        >>> relax_input_shape((2, 784), (3, 784))
        (None, 784)
    """
    if shape_1 is None or shape_2 is None or len(shape_1) != len(shape_2):
        return None
    return tuple(None if d1 != d2 else d1 for d1, d2 in zip(shape_1, shape_2))


@traced
def clear_previously_created_nodes(layer: Layer, created_nodes: set[Node]) -> None:
    """Forget the nodes an earlier inferred-shape build made for ``layer``."""
    for node in layer._inbound_nodes:
        for parent in flatten(node.inbound_layers):
            parent._outbound_nodes = [n for n in parent._outbound_nodes if n not in created_nodes]
    layer._inbound_nodes = [n for n in layer._inbound_nodes if n not in created_nodes]


@traced
def track_nodes_created_by_last_call(layer: Layer, created_nodes: set[Node]) -> None:
    """Remember the node ``layer``'s last call made (and its parents' links to it)."""
    if not layer._inbound_nodes:
        return
    created_nodes.add(layer._inbound_nodes[-1])
    for parent in flatten(layer._inbound_nodes[-1].inbound_layers):
        if parent._outbound_nodes:
            created_nodes.add(parent._outbound_nodes[-1])
