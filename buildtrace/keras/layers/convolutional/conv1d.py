"""``Conv1D``. Mirrors: ``keras/layers/convolutional/conv1d.py::Conv1D``."""

from __future__ import annotations

from typing import Any

from buildtrace.keras.layers.convolutional.base_conv import Conv
from buildtrace.trace import traced


class Conv1D(Conv):
    """1-D convolution over sequences shaped ``(batch, steps, channels)``; ``padding`` may
    also be ``"causal"`` (no step sees a later one).

    Example:
        >>> Conv1D(32, 5).compute_output_shape((None, 100, 8))
        (None, 96, 32)
    """

    @traced
    def __init__(
        self,
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
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )
