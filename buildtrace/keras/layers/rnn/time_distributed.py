"""``TimeDistributed``: apply one layer to every step of a sequence.

Mirrors: ``keras/layers/rnn/time_distributed.py::TimeDistributed`` (Keras 2): the
batch and time axes are merged (``(batch · steps, ...)``), the inner layer runs once on
that, and the result is split back. The same weights serve every step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.rnn.base_wrapper import Wrapper
from buildtrace.trace import traced


class TimeDistributed(Wrapper):
    """Applies ``layer`` to each step of ``(batch, steps, ...)`` inputs.

    Example:
        >>> from buildtrace.keras.layers.core.dense import Dense
        >>> TimeDistributed(Dense(8)).compute_output_shape((None, 10, 16))
        (None, 10, 8)
    """

    @traced
    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any = None) -> None:
        """Check the rank, then build the inner layer for one step's shape."""
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape ` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        self.input_spec = InputSpec(shape=(None, None, *input_shape[2:]))
        child_input_shape = (input_shape[0], *input_shape[2:])
        super().build(child_input_shape)

    @traced
    def call(self, inputs: np.ndarray, training: Any = None) -> Any:
        batch, steps = inputs.shape[:2]
        merged = inputs.reshape((batch * steps, *inputs.shape[2:]))
        kwargs = {"training": training} if self.layer._expects_training_arg else {}
        outputs = np.asarray(self.layer(merged, **kwargs))
        return outputs.reshape((batch, steps, *outputs.shape[1:]))

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        child = self.layer.compute_output_shape((input_shape[0], *input_shape[2:]))
        return (input_shape[0], input_shape[1], *tuple(child)[1:])
