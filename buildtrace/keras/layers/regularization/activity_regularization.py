"""``ActivityRegularization``.

Mirrors: ``keras/layers/regularization/activity_regularization.py``.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras import regularizers
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.trace import traced


class ActivityRegularization(Layer):
    """Passes its input on unchanged, adding an L1/L2 penalty on it to the losses.

    The penalty, ``l1 * sum(|x|) + l2 * sum(x**2)`` divided by the batch size, joins
    ``layer.losses`` at each call (the base layer's activity regularization does it).

    Example:
        >>> import numpy as np
        >>> layer = ActivityRegularization(l1=0.5)
        >>> out = layer(np.array([[1.0, -3.0]], "float32"))
        >>> [float(v) for v in layer.losses]
        [2.0]
    """

    @traced
    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    @traced
    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
