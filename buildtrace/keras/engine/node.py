"""A node: one call of a layer, linking the tensors that went in to those that came out.

Mirrors: ``keras/engine/node.py::Node``. Each time a layer is called on symbolic
tensors Keras creates a ``Node``, appends it to the layer's ``_inbound_nodes`` and to
the ``_outbound_nodes`` of the layers that produced its inputs, and stamps every output
with ``_keras_history = (layer, node_index, tensor_index)``. The model's graph *is*
these nodes; ``functional._build_map`` walks them backwards from the outputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.keras_tensor import KerasHistory, KerasTensor
from buildtrace.keras.utils.nest import flatten
from buildtrace.trace import traced

if TYPE_CHECKING:
    from buildtrace.keras.engine.base_layer import Layer


class Node:
    """One call of ``layer``: its inputs (``call_args``) and ``outputs``.

    An ``InputLayer``'s node has no inputs (``is_input`` is True).
    """

    @traced(details=trace_details.node_details)
    def __init__(
        self,
        layer: Layer,
        call_args: tuple[Any, ...] | None = None,
        call_kwargs: dict[str, Any] | None = None,
        outputs: Any = None,
    ) -> None:
        self.layer = layer
        self.is_input = not call_args and not call_kwargs
        self.call_args: tuple[Any, ...] = call_args or ()
        self.call_kwargs: dict[str, Any] = call_kwargs or {}
        self.outputs = outputs
        # The symbolic tensors among the arguments: the edges into this node.
        self._keras_inputs = [
            x for x in flatten((self.call_args, self.call_kwargs)) if isinstance(x, KerasTensor)
        ]
        # Wire the graph: this node is the layer's next inbound node, and an outbound node
        # of every layer that produced one of its inputs.
        layer._inbound_nodes.append(self)
        for tensor in self._keras_inputs:
            history = tensor._keras_history
            if history is not None:
                history.layer._outbound_nodes.append(self)
        node_index = len(layer._inbound_nodes) - 1
        for tensor_index, tensor in enumerate(flatten(outputs)):
            tensor._keras_history = KerasHistory(layer, node_index, tensor_index)
        # What running the graph looks up at every call, worked out once: the input edges
        # by id, the outputs as a flat list, and whether the layer was called the usual
        # way, on one tensor (Keras's `_single_positional_tensor_passed`).
        self._keras_input_ids = frozenset(id(x) for x in self._keras_inputs)
        self._flat_outputs: list[KerasTensor] = flatten(outputs)
        self._single_positional_tensor_passed = (
            not self.call_kwargs
            and len(self.call_args) == 1
            and isinstance(self.call_args[0], KerasTensor)
        )

    @property
    def keras_inputs(self) -> list[KerasTensor]:
        """The symbolic tensors this node consumed."""
        return self._keras_inputs

    def map_arguments(self, values: dict[int, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """This node's call arguments with each symbolic tensor replaced by its value.

        Mirrors: ``Node.map_arguments``; ``values`` maps ``id(tensor)`` to a value.
        """
        if self._single_positional_tensor_passed:
            return (values[id(self.call_args[0])],), {}  # the common case, made quick
        args = _substitute(self.call_args, values)
        kwargs = _substitute(self.call_kwargs, values)
        return args, kwargs

    @property
    def parent_nodes(self) -> list[Node]:
        """The nodes that produced this node's inputs."""
        parents = []
        for tensor in self._keras_inputs:
            history = tensor._keras_history
            if history is not None:
                parents.append(history.layer._inbound_nodes[history.node_index])
        return parents

    @property
    def inbound_layers(self) -> Layer | list[Layer]:
        """The layer(s) whose outputs came in (a single layer when there is one)."""
        layers = [t._keras_history.layer for t in self._keras_inputs if t._keras_history]
        return layers[0] if len(layers) == 1 else layers

    @property
    def input_tensors(self) -> Any:
        """The inputs as the layer received them (the first call argument)."""
        if self.is_input:
            return self.outputs
        return self.call_args[0] if self.call_args else None

    @property
    def input_shapes(self) -> Any:
        """Shapes of ``input_tensors``, nested the same way."""
        if self.is_input:  # Keras wraps an input node's tensor in a list
            return [_shapes(self.outputs)]
        return _shapes(self.input_tensors)

    @property
    def output_shapes(self) -> Any:
        """Shapes of ``outputs``, nested the same way.

        An input node's are a list: ``InputLayer.output_shape`` is ``[(None, 16)]``, as
        Keras's ``Node.output_tensors`` wraps the tensor (and ``summary()`` prints it).
        """
        if self.is_input:
            return [_shapes(self.outputs)]
        return _shapes(self.outputs)

    def __repr__(self) -> str:
        return f"<Node of layer '{self.layer.name}'{' (input)' if self.is_input else ''}>"


def _substitute(structure: Any, values: dict[int, Any]) -> Any:
    if isinstance(structure, KerasTensor):
        return values[id(structure)]
    if isinstance(structure, list):
        return [_substitute(x, values) for x in structure]
    if isinstance(structure, tuple):
        return tuple(_substitute(x, values) for x in structure)
    if isinstance(structure, dict):
        return {k: _substitute(v, values) for k, v in structure.items()}
    return structure


def _shapes(structure: Any) -> Any:
    if isinstance(structure, list | tuple):
        return [_shapes(x) for x in structure]
    return getattr(structure, "shape", None)
