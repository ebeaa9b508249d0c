"""``Conv``: the base of ``Conv2D`` (kernel, bias, activation, output-size checks).

Mirrors: ``keras/layers/convolutional/base_conv.py::Conv`` (Keras 2), channels_last,
two spatial dimensions. The arithmetic lives in ``buildtrace.keras.ops.conv``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations, initializers
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.ops import conv2d_backward, conv2d_forward, conv2d_output_shape
from buildtrace.trace import traced


def _pair(value: Any, name: str) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; checks the value like ``conv_utils.normalize_tuple``."""
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) and v > 0 for v in pair):
        raise ValueError(f"The `{name}` argument must be a tuple of 2 integers. Received: {value}")
    return pair


class Conv(Layer):
    """2-D convolution with ``filters`` output channels (see ``Conv2D``)."""

    rank = 2

    @traced
    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
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
        if padding not in ("valid", "same"):
            raise ValueError(
                "The `padding` argument must be a list/tuple or one of "
                f'"valid", "same" (or "causal", only for `Conv1D). Received: {padding}'
            )
        self.filters = filters
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.padding = padding
        self.data_format = "channels_last"
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        self.groups = groups
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(min_ndim=self.rank + 2)

    @traced(details=lambda self, input_shape: {"input_shape": input_shape})
    def build(self, input_shape: Any) -> None:
        """Create ``kernel`` (kh, kw, in_channels, filters) and ``bias`` (filters)."""
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

    def _convolve(self, inputs: np.ndarray) -> np.ndarray:
        z = conv2d_forward(
            inputs, self.kernel.value, self.strides, self.padding, self.dilation_rate
        )
        if self.bias is not None:
            z += self.bias.value
        return z

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        return self.activation(self._convolve(inputs))

    def _forward(self, inputs: np.ndarray, training: bool = True) -> tuple[np.ndarray, Any]:
        z = self._convolve(inputs)
        return self.activation(z), (inputs, z)

    def _logits(self, cache: Any) -> Any:
        """The pre-activation (convolution plus bias) of a forward pass."""
        return cache[1]

    def _backward(
        self, dy: np.ndarray, cache: Any, need_dx: bool = True, wrt_logits: bool = False
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        x, z = cache
        dz = dy
        if not wrt_logits and self.activation is not activations.linear:
            backward = activations.backward(self.activation)
            if backward is None:
                raise NotImplementedError(f"No gradient for {self.name}'s custom activation.")
            dz = backward(dy, z, self.activation(z))
        dx, dkernel = conv2d_backward(
            dz, x, self.kernel.value, self.strides, self.padding, self.dilation_rate
        )
        grads = [dkernel]
        if self.bias is not None:
            grads.append(dz.sum(axis=(0, 1, 2)))
        return (dx if need_dx else None), grads

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
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
