"""``TimeDistributed``: apply one layer to every step of a sequence.

Mirrors: ``keras/layers/rnn/time_distributed.py::TimeDistributed`` (Keras 2): the
batch and time axes are merged (``(batch · steps, ...)``), the inner layer runs once on
that, and the result is split back. The same weights serve every step.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.rnn.base_wrapper import Wrapper
from buildtrace.tf.tensors import Tensor
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
    def call(self, inputs: np.ndarray, training: Any = None, mask: Any = None) -> Any:
        batch, steps = inputs.shape[:2]
        merged = inputs.reshape((batch * steps, *inputs.shape[2:]))
        kwargs: dict[str, Any] = {"training": training} if self.layer._expects_training_arg else {}
        if mask is not None and "mask" in inspect.signature(self.layer.call).parameters:
            kwargs["mask"] = np.asarray(mask).reshape((batch * steps, *np.shape(mask)[2:]))
        outputs = np.asarray(self.layer(merged, **kwargs))
        return outputs.reshape((batch, steps, *outputs.shape[1:]))

    @traced
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The inner layer's mask of the merged steps, split back per sequence; without
        one, the input mask (reduced to ``(batch, steps)``). Mirrors
        ``TimeDistributed.compute_mask``."""
        x = np.asarray(inputs)
        batch, steps = x.shape[:2]
        inner_mask = None
        if mask is not None:
            inner_mask = np.asarray(mask).reshape((batch * steps, *np.shape(mask)[2:]))
        output_mask = self.layer.compute_mask(x.reshape((batch * steps, *x.shape[2:])), inner_mask)
        if output_mask is None:
            if mask is None:
                return None
            output_mask = np.asarray(mask)
            while output_mask.ndim > 2:
                output_mask = output_mask.any(axis=-1)
            return Tensor(output_mask)
        output_mask = np.asarray(output_mask)
        return Tensor(output_mask.reshape((batch, steps, *output_mask.shape[1:])))

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        child = self.layer.compute_output_shape((input_shape[0], *input_shape[2:]))
        return (input_shape[0], input_shape[1], *tuple(child)[1:])
