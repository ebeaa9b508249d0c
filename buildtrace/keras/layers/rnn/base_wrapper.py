"""``Wrapper``: a layer that holds another layer (``TimeDistributed``, ``Bidirectional``).

Mirrors: ``keras/layers/rnn/base_wrapper.py::Wrapper`` (Keras 2). Its ``build`` builds
the inner layer directly (not through ``__call__``), marks it built, then calls
``Layer.build``. The inner layer's weights are the wrapper's.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.backend import Variable
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.trace import traced


class Wrapper(Layer):
    """Base class of the layers that wrap a layer."""

    @traced
    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Please initialize `{type(self).__name__}` layer with a "
                f"`tf.keras.layers.Layer` instance. Received: {layer}"
            )
        self.layer = layer
        super().__init__(**kwargs)

    def _inner_layers(self) -> list[Layer]:
        return [self.layer]

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        inner = [w for layer in self._inner_layers() for w in layer.trainable_weights]
        return self._trainable_weights + inner

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            inner = [w for layer in self._inner_layers() for w in layer.weights]
            return self._trainable_weights + self._non_trainable_weights + inner
        inner = [w for layer in self._inner_layers() for w in layer.non_trainable_weights]
        return self._non_trainable_weights + inner

    def _build_in_scope(self, layer: Layer, input_shape: Any, inner_scope: bool) -> None:
        """Build ``layer`` directly, its weights named as Keras's name scopes make them:
        ``time_distributed/kernel:0`` (the inner layer's own scope is not entered) or, for
        the RNNs of ``Bidirectional``, ``bidirectional/forward_lstm/lstm_cell/kernel:0``."""
        scope = self.__dict__.get("_name_scope_prefix") or self.name
        layer._name_scope_prefix = f"{scope}/{layer.name}" if inner_scope else scope
        layer._weight_owner = self.__dict__.get("_weight_owner") or self.name
        layer.build(input_shape)

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any = None) -> None:
        """Build the inner layer (directly), mark it built, then ``Layer.build``."""
        if not self.layer.built:
            self._build_in_scope(self.layer, input_shape, inner_scope=False)
            self.layer.built = True
        super().build(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["layer"] = {
            "class_name": type(self.layer).__name__,
            "config": self.layer.get_config(),
        }
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """The wrapper around a layer rebuilt from its config (a buildtrace layer class)."""
        from buildtrace.keras import layers as layers_module

        config = dict(config)
        inner = config.pop("layer")
        layer_cls = getattr(layers_module, inner["class_name"])
        return cls(layer_cls.from_config(inner["config"]), **config)
