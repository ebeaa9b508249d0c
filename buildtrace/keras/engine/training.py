"""``Model``: a layer made of layers, that can be summarised, compiled and trained.

Mirrors: ``keras/engine/training.py::Model``. ``keras.Model(inputs, outputs)`` gives
a ``Functional`` model (see ``Model.__new__``); ``Sequential`` derives from
``Functional``. Training (``compile``/``fit``/``evaluate``/``predict``) lives in
``training_loop.py`` so this module stays about what a model *is*.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.engine.base_layer import Layer, default, shapes_of
from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.trace import traced


def is_functional_model_init_params(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """True for ``Model(inputs, outputs)``-style arguments. Mirrors the Keras 2 helper."""
    return (
        (len(args) == 2)
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


class Model(Layer):
    """A group of layers with training and inference features.

    Example:
        >>> from buildtrace import keras
        >>> inputs = keras.Input(shape=(3,))
        >>> outputs = keras.layers.Dense(2)(inputs)
        >>> type(keras.Model(inputs, outputs)).__name__
        'Functional'
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        # keras.Model(inputs, outputs) really builds a Functional model.
        if cls is Model and is_functional_model_init_params(args, kwargs):
            from buildtrace.keras.engine import functional

            model: Model = object.__new__(functional.Functional)
            return model
        return object.__new__(cls)

    @traced
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        allowed = {"trainable", "dtype", "dynamic", "name", "autocast", "inputs", "outputs"}
        for kwarg in kwargs:
            if kwarg not in allowed:
                raise TypeError("Keyword argument not understood:", kwarg)
        kwargs.pop("autocast", None)
        super().__init__(**{k: v for k, v in kwargs.items() if k in {"trainable", "dtype", "name"}})
        self._is_graph_network = False
        self._self_tracked_trackables: list[Layer] = []
        # Lists of KerasTensors once the model is a graph network.
        self.inputs: Any = None
        self.outputs: Any = None
        self.history: Any = None
        self.optimizer: Any = None
        self.compiled_loss: Any = None
        self.compiled_metrics: Any = None
        self.stop_training = False

    def __setattr__(self, attr: str, value: Any) -> None:
        # A subclassed model tracks the layers assigned to it, as Keras's auto-tracking does.
        if (
            isinstance(value, Layer)
            and not attr.startswith("_")
            and "_self_tracked_trackables" in self.__dict__
            and value not in self._self_tracked_trackables
        ):
            self._self_tracked_trackables.append(value)
        super().__setattr__(attr, value)

    @default
    @traced
    def build(self, input_shape: Any) -> None:
        """Build a model that is not a graph network by calling it on a placeholder.

        Mirrors: ``Model.build`` (simplified: Keras creates placeholders in a scratch
        graph and runs ``call`` on them; we run ``call`` on symbolic tensors).
        """
        if self._is_graph_network:
            super().build(input_shape)
            return
        if input_shape is None:
            raise ValueError(
                "Input shape must be defined when calling `build()` on a `Model` subclass."
            )
        if not isinstance(input_shape, tuple | list | dict):
            raise ValueError(
                "Specified input shape is not one of the valid types. Please specify a batch "
                "input shape of type tuple or list of input shapes. User provided input "
                f"type: {type(input_shape)}."
            )
        if input_shape and not self.inputs:
            if isinstance(input_shape, list) and all(isinstance(s, tuple) for s in input_shape):
                x: Any = [KerasTensor(s) for s in input_shape]
            else:
                x = KerasTensor(tuple(input_shape))
            self.call(x)
        super().build(input_shape)

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        """The forward pass; subclassed models override it."""
        raise NotImplementedError(
            "Unimplemented `tf.keras.Model.call()`: if you intend to create a `Model` with "
            "the Functional API, please provide `inputs` and `outputs` arguments. "
            "Otherwise, subclass `Model` with an overridden `call()` method."
        )

    # --------------------------------------------------------------- layers, weights
    @property
    def layers(self) -> list[Layer]:
        """The model's layers, in the order they run."""
        return list(self._self_tracked_trackables)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or index, with Keras's errors."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {self.layers}.")

    def _assert_weights_created(self) -> None:
        """Refuse to list weights of an unbuilt model whose class defines ``build``."""
        if "build" in type(self).__dict__ and type(self) is not Model and not self.built:
            raise ValueError(
                f"Weights for model '{self.name}' have not yet been created. Weights are "
                "created when the model is first called on inputs or `build()` is called "
                "with an `input_shape`."
            )

    @property
    def trainable_weights(self) -> list[backend.Variable]:
        self._assert_weights_created()
        if not self.trainable:
            return []
        weights = [w for layer in self.layers for w in layer.trainable_weights]
        return _dedup(weights + self._trainable_weights)

    @property
    def non_trainable_weights(self) -> list[backend.Variable]:
        self._assert_weights_created()
        if not self.trainable:
            weights = [w for layer in self.layers for w in layer.weights]
            return _dedup(weights + self._trainable_weights + self._non_trainable_weights)
        weights = [w for layer in self.layers for w in layer.non_trainable_weights]
        return _dedup(weights + self._non_trainable_weights)

    @property
    def weights(self) -> list[backend.Variable]:
        """All weights, layer by layer (each layer's trainable ones first)."""
        self._assert_weights_created()
        weights = [w for layer in self.layers for w in layer.weights]
        return _dedup(weights + self._trainable_weights + self._non_trainable_weights)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                "You tried to call `count_params` on layer "
                f"{self.name}, but the layer isn't built. You can build it manually via: "
                f"`{self.name}.build(batch_input_shape)`."
            )
        return sum(int(np.prod(w.shape)) for w in self.weights)

    def summary(
        self,
        line_length: int | None = None,
        positions: list[float] | None = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print the layers, their output shapes and parameter counts, as Keras 2 does.

        Raises:
            ValueError: the model is not built yet (Keras's message).
        """
        if not self.built:
            raise ValueError(
                "This model has not yet been built. Build the model first by calling "
                "`build()` or by calling the model on a batch of data."
            )
        from buildtrace.keras.utils import layer_utils

        layer_utils.print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    def _output_shapes(self) -> Any:
        return shapes_of(self.outputs) if self.outputs else None


def _dedup(weights: list[backend.Variable]) -> list[backend.Variable]:
    seen: set[int] = set()
    unique = []
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            unique.append(w)
    return unique
