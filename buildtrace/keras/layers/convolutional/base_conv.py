"""``Conv``: the base of ``Conv1D``, ``Conv2D`` and ``Conv2DTranspose`` (kernel, bias,
activation, output-size checks).

Mirrors: ``keras/layers/convolutional/base_conv.py::Conv`` (Keras 2), channels_last,
one or two spatial dimensions. ``Conv2D.__init__`` calls ``Conv.__init__(rank=2, ...)``
which calls ``Layer.__init__``: three levels, as in Keras. The arithmetic lives in
``buildtrace.keras.ops`` and the gradients in ``buildtrace.keras.backprop``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations, initializers
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.ops import conv2d_forward, conv2d_output_shape
from buildtrace.keras.ops.conv1d import conv1d_forward, conv1d_output_length
from buildtrace.trace import traced


def normalize_tuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """``3`` -> ``(3, 3)``; checks the value like ``conv_utils.normalize_tuple``."""
    values = (value,) * n if isinstance(value, int) else tuple(value)
    if len(values) != n or not all(isinstance(v, int) and v > 0 for v in values):
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
        )
    return values


def _pair(value: Any, name: str) -> tuple[int, int]:
    """``3`` -> ``(3, 3)`` (the pooling layers use it too)."""
    return normalize_tuple(value, 2, name)  # type: ignore[return-value]


class Conv(Layer):
    """N-D convolution with ``filters`` output channels (see ``Conv1D``, ``Conv2D``)."""

    @traced
    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rank = rank
        if filters is not None and not isinstance(filters, int):
            filters = int(filters)
        if filters is not None and filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Only data_format='channels_last' is supported.")
        if groups != 1:
            raise NotImplementedError("Grouped convolutions are not supported by buildtrace.")
        padding = padding.lower()
        allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        if padding not in allowed:
            raise ValueError(
                "The `padding` argument must be a list/tuple or one of "
                f'"valid", "same" (or "causal", only for `Conv1D). Received: {padding}'
            )
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = padding
        self.data_format = "channels_last"
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.groups = groups
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(min_ndim=self.rank + 2)

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Create ``kernel`` (kernel_size + (in_channels, filters)) and ``bias`` (filters)."""
        input_shape = tuple(input_shape)
        input_channel = input_shape[-1]
        if input_channel is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. The input_shape "
                f"received is {input_shape}, where axis -1 (0-based) is the channel dimension, "
                "which found to be `None`."
            )
        # Keras checks here that the output has no zero or negative size.
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, input_channel, self.filters),
            initializer=self.kernel_initializer,
            trainable=True,
            dtype=self.dtype,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                trainable=True,
                dtype=self.dtype,
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={-1: input_channel})
        super().build(input_shape)

    def convolution_op(self, inputs: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        """The convolution without bias. Mirrors: ``Conv.convolution_op``."""
        if self.rank == 1:
            return conv1d_forward(
                inputs, kernel, self.strides[0], self.padding, self.dilation_rate[0]
            )
        return conv2d_forward(inputs, kernel, self.strides, self.padding, self.dilation_rate)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        outputs = self.convolution_op(inputs, self.kernel.value)
        if self.bias is not None:
            outputs = outputs + self.bias.value
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self.rank == 1:
            length = conv1d_output_length(
                input_shape[1],
                self.kernel_size[0],
                self.padding,
                self.strides[0],
                self.dilation_rate[0],
            )
            shape: tuple[Any, ...] = (input_shape[0], length, self.filters)
        else:
            shape = conv2d_output_shape(
                input_shape,
                self.kernel_size,
                self.strides,
                self.padding,
                self.dilation_rate,
                self.filters,
            )
        if any(d is not None and d <= 0 for d in shape[1:-1]):
            raise ValueError(
                f"One of the dimensions in the output is <= 0 due to downsampling in "
                f"{self.name}. Consider increasing the input size. Received input shape "
                f"{list(input_shape)} which would produce output shape with a zero or negative "
                "value in a dimension."
            )
        return shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "groups": self.groups,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
            }
        )
        return config
