"""``Input`` and ``InputLayer``: where a graph of layers starts.

Mirrors: ``keras/engine/input_layer.py``. ``Input(shape=(784,))`` creates an
``InputLayer``; the layer is *built from birth* (``built = True`` in its ``__init__``),
makes a symbolic tensor of shape ``(None, 784)`` and a ``Node`` with no inputs, and
``Input`` returns that tensor. A ``Sequential`` built from an input shape makes one of
these itself, named after its first layer (``dense_input``): the hidden InputLayer.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras import backend
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.keras_tensor import KerasTensor, Shape
from buildtrace.keras.engine.node import Node
from buildtrace.trace import traced


class InputLayer(Layer):
    """The layer behind ``keras.Input``: holds the model's input placeholder.

    Example:
        >>> layer = InputLayer(input_shape=(784,), name="pixels")
        >>> layer.built, layer._batch_input_shape
        (True, (None, 784))
    """

    @traced
    def __init__(
        self,
        input_shape: Any = None,
        batch_size: int | None = None,
        dtype: str | None = None,
        input_tensor: Any = None,
        sparse: bool | None = None,
        name: str | None = None,
        ragged: bool | None = None,
        type_spec: Any = None,
        **kwargs: Any,
    ) -> None:
        if "batch_input_shape" in kwargs:
            batch_input_shape = kwargs.pop("batch_input_shape")
            if input_shape and batch_input_shape:
                raise ValueError(
                    "Only provide the input_shape OR batch_input_shape argument to "
                    "InputLayer, not both at the same time."
                )
            if batch_input_shape:
                batch_size = batch_input_shape[0]
                input_shape = batch_input_shape[1:]
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {list(kwargs.keys())}")
        if sparse or ragged or type_spec is not None:
            raise NotImplementedError(
                "Sparse, ragged and type_spec inputs are not supported by buildtrace."
            )
        if input_tensor is not None:
            raise NotImplementedError("`Input(tensor=...)` is not supported by buildtrace.")
        if not name:
            # Input layers count from 1 (input_1), unlike other layers (dense, dense_1).
            name = f"input_{backend.get_uid('input')}"
        super().__init__(dtype=dtype, name=name)
        self.built = True
        self.sparse = False
        self.ragged = False
        self.is_placeholder = True
        if isinstance(input_shape, int):
            input_shape = (input_shape,)
        if input_shape is None:
            raise NotImplementedError(
                "An Input of unknown rank (no shape) is not supported by buildtrace."
            )
        self._batch_input_shape: Shape = (batch_size, *tuple(input_shape))
        tensor = KerasTensor(self._batch_input_shape, self.dtype, name=self.name)
        Node(self, outputs=tensor)

    @property
    def input_shape(self) -> Any:
        """``[(None, 16)]``: Keras hands out the input node's shapes as they are, a list."""
        return self._inbound_nodes[0].input_shapes

    @property
    def output_shape(self) -> Any:
        """``[(None, 16)]``, as ``summary()`` prints it. Mirrors ``Layer.output_shape``,
        which returns a single node's ``output_shapes`` without unwrapping them."""
        return self._inbound_nodes[0].output_shapes

    def get_config(self) -> dict[str, Any]:
        return {
            "batch_input_shape": self._batch_input_shape,
            "dtype": self.dtype,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "name": self.name,
        }


@traced(layer_arg="name")
def Input(
    shape: Any = None,
    batch_size: int | None = None,
    name: str | None = None,
    dtype: str | None = None,
    sparse: bool | None = None,
    tensor: Any = None,
    ragged: bool | None = None,
    type_spec: Any = None,
    **kwargs: Any,
) -> KerasTensor:
    """A symbolic input tensor, made by a new ``InputLayer``.

    Mirrors: ``keras/engine/input_layer.py::Input``. ``shape`` excludes the batch
    dimension; ``batch_shape`` (or ``batch_input_shape``) includes it.

    Example:
        >>> Input(shape=(784,), name="pixels")
        <KerasTensor: shape=(None, 784) dtype=float32 (created by layer 'pixels')>
    """
    if sparse and ragged:
        raise ValueError("Cannot set both `sparse` and `ragged` to `True` in a Keras `Input`.")
    batch_input_shape = kwargs.pop("batch_input_shape", kwargs.pop("batch_shape", None))
    if shape is not None and batch_input_shape is not None:
        raise ValueError(
            "Only provide the `shape` OR `batch_input_shape` argument to Input, "
            "not both at the same time."
        )
    if batch_input_shape is None and shape is None and tensor is None and type_spec is None:
        raise ValueError(
            "Please provide to Input a `shape` or a `tensor` or a `type_spec` argument. "
            "Note that `shape` does not include the batch dimension."
        )
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {list(kwargs.keys())}")
    config: dict[str, Any] = {
        "name": name,
        "dtype": dtype,
        "sparse": sparse,
        "ragged": ragged,
        "input_tensor": tensor,
        "type_spec": type_spec,
    }
    if batch_input_shape:
        config["batch_input_shape"] = tuple(batch_input_shape)
    else:
        config.update({"batch_size": batch_size, "input_shape": shape})
    layer = InputLayer(**config)
    outputs: KerasTensor = layer._inbound_nodes[0].outputs
    return outputs
