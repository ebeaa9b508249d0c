"""``Conv2DTranspose``. Mirrors: ``keras/layers/convolutional/conv2d_transpose.py``.

The "deconvolution" of autoencoders and generators: each input pixel stamps the kernel
onto a larger output, so ``strides=2`` doubles the image. Its kernel is laid out
``(kh, kw, filters, in_channels)``: the layout of the convolution it is the transpose of.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.convolutional.conv2d import Conv2D
from buildtrace.keras.ops.conv_transpose import conv2d_transpose_forward, deconv_output_length
from buildtrace.trace import traced


class Conv2DTranspose(Conv2D):
    """Transposed 2-D convolution (``Conv2DTranspose.__init__ → Conv2D.__init__ →
    Conv.__init__ → Layer.__init__``, as in Keras).

    Example:
        >>> Conv2DTranspose(8, 3, strides=2, padding="same").compute_output_shape(
        ...     (None, 7, 7, 16))
        (None, 14, 14, 8)
    """

    @traced
    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )
        if output_padding is not None:
            raise NotImplementedError(
                "`output_padding` of Conv2DTranspose is not supported by buildtrace."
            )
        self.output_padding = output_padding

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Create ``kernel`` (kh, kw, filters, in_channels) and ``bias`` (filters)."""
        input_shape = tuple(input_shape)
        if len(input_shape) != 4:
            raise ValueError(f"Inputs should have rank 4. Received input_shape={input_shape}.")
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                "The channel dimension of the inputs to `Conv2DTranspose` should be defined. "
                f"The input_shape received is {input_shape}, where axis -1 (0-based) is the "
                "channel dimension, which found to be `None`."
            )
        self.input_spec = InputSpec(ndim=4, axes={-1: input_dim})
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, self.filters, input_dim),
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
        # Keras skips Conv.build here and marks the layer built directly.
        Layer.build(self, input_shape)

    def convolution_op(self, inputs: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        return conv2d_transpose_forward(
            inputs, kernel, self.strides, self.padding, self.dilation_rate
        )

    def compute_output_shape(self, input_shape: Any) -> Any:
        batch, rows, cols, _ = tuple(input_shape)
        out_rows, out_cols = (
            deconv_output_length(
                size, self.kernel_size[i], self.padding, self.strides[i], self.dilation_rate[i]
            )
            for i, size in enumerate((rows, cols))
        )
        return (batch, out_rows, out_cols, self.filters)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("groups", None)
        config["output_padding"] = self.output_padding
        return config
