"""``MaxPooling2D``. Mirrors: ``keras/layers/pooling/max_pooling2d.py::MaxPooling2D``."""

from __future__ import annotations

from buildtrace.keras.layers.pooling.base_pooling2d import Pooling2D
from buildtrace.keras.ops import max_pool2d_backward, max_pool2d_forward


class MaxPooling2D(Pooling2D):
    """The maximum of each window.

    Example:
        >>> MaxPooling2D().compute_output_shape((None, 26, 26, 32))
        (None, 13, 13, 32)
    """

    _pool = staticmethod(max_pool2d_forward)
    _pool_backward = staticmethod(max_pool2d_backward)
