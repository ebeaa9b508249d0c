"""``Conv2D``. Mirrors: ``keras/layers/convolutional/conv2d.py::Conv2D``."""

from __future__ import annotations

from buildtrace.keras.layers.convolutional.base_conv import Conv


class Conv2D(Conv):
    """2-D convolution over images shaped ``(batch, rows, cols, channels)``.

    Example:
        >>> Conv2D(32, 3).compute_output_shape((None, 28, 28, 1))
        (None, 26, 26, 32)
    """
