"""``Dense``: ``activation(inputs @ kernel + bias)``.

Mirrors: ``keras/layers/core/dense.py::Dense`` (Keras 2). Read it in the order Keras 3's
short ``Dense`` made famous: ``__init__`` stores the configuration, ``build`` creates
the weights once the input size is known, ``call`` does the maths.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations, initializers, regularizers
from buildtrace.keras.backend import Variable
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.trace import traced


class Dense(Layer):
    """A densely-connected layer.

    Example:
        >>> layer = Dense(512, activation="relu")
        >>> layer.build((None, 784))
        >>> layer.kernel.shape, layer.bias.shape
        (TensorShape([784, 512]), TensorShape([512]))
    """

    @traced
    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        self.units = int(units) if not isinstance(units, int) else units
        if self.units < 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        for name, value in (
            ("kernel_constraint", kernel_constraint),
            ("bias_constraint", bias_constraint),
        ):
            if value is not None:
                raise NotImplementedError(f"`{name}` is not supported by buildtrace.")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Create ``kernel`` (last input size × units) and ``bias`` (units)."""
        last_dim = tuple(input_shape)[-1]
        if last_dim is None:
            raise ValueError(
                "The last dimension of the inputs to a Dense layer should be defined. "
                f"Found None. Full input shape received: {tuple(input_shape)}"
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel: Variable = self.add_weight(
            "kernel",
            shape=[last_dim, self.units],
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            dtype=self.dtype,
            trainable=True,
        )
        self.bias: Variable | None = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=[self.units],
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                dtype=self.dtype,
                trainable=True,
            )
        super().build(input_shape)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        """``activation(inputs @ kernel + bias)`` (over the last axis for rank > 2)."""
        if inputs.shape[-1] != self.kernel.shape[0]:
            # What TensorFlow's MatMul says when the sizes cannot be multiplied.
            raise ValueError(
                f"Matrix size-incompatible: In[0]: {list(inputs.shape)}, "
                f"In[1]: {list(self.kernel.shape)} [Op:MatMul]"
            )
        outputs = inputs @ self.kernel.value
        if self.bias is not None:
            outputs += self.bias.value
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        input_shape = tuple(input_shape)
        if input_shape[-1] is None:
            raise ValueError(
                "The last dimension of the input shape of a Dense layer should be defined. "
                f"Found None. Received: input_shape={input_shape}"
            )
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": _serialize(self.kernel_regularizer),
                "bias_regularizer": _serialize(self.bias_regularizer),
                "activity_regularizer": _serialize(self._activity_regularizer),
                "kernel_constraint": None,
                "bias_constraint": None,
            }
        )
        return config


def _serialize(regularizer: Any) -> Any:
    """A regularizer in a layer's config: ``{"class_name", "config"}``, or None."""
    if regularizer is None:
        return None
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}
