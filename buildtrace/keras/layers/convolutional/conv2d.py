"""``Conv2D``. Mirrors: ``keras/layers/convolutional/conv2d.py::Conv2D``."""

from __future__ import annotations

from typing import Any

from buildtrace.keras.layers.convolutional.base_conv import Conv
from buildtrace.trace import traced


class Conv2D(Conv):
    """2-D convolution over images shaped ``(batch, rows, cols, channels)``.

    Example:
        >>> Conv2D(32, 3).compute_output_shape((None, 28, 28, 1))
        (None, 26, 26, 32)
    """

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
        super().__init__(
            rank=2,
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
