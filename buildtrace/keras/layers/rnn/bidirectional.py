"""``Bidirectional``: run an RNN forwards and a copy of it backwards, then merge.

Mirrors: ``keras/layers/rnn/bidirectional.py::Bidirectional`` (Keras 2). The two RNNs
are re-created from the given layer's config (``forward_lstm`` and ``backward_lstm``,
the second with ``go_backwards`` flipped); ``build`` builds both directly and then calls
``Layer.build`` (skipping ``Wrapper.build``). The backward RNN's sequence is reversed
back before merging, so step ``t`` of the output sees the whole sequence.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.layers.rnn.base_wrapper import Wrapper
from buildtrace.trace import traced

MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Bidirectional(Wrapper):
    """A forward and a backward copy of an RNN, their outputs merged.

    Example:
        >>> from buildtrace.keras.layers.rnn.lstm import LSTM
        >>> Bidirectional(LSTM(8)).compute_output_shape((None, 20, 4))
        (None, 16)
    """

    @traced
    def __init__(
        self,
        layer: Layer,
        merge_mode: str | None = "concat",
        weights: Any = None,
        backward_layer: Layer | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `tf.keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        if merge_mode not in MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        if backward_layer is not None:
            raise NotImplementedError("`backward_layer` is not supported by buildtrace.")
        super().__init__(layer, **kwargs)
        self.forward_layer = self._recreate_layer_from_config(layer)
        self.backward_layer = self._recreate_layer_from_config(layer, go_backwards=True)
        self.forward_layer._name = "forward_" + self.forward_layer.name
        self.backward_layer._name = "backward_" + self.backward_layer.name
        self.merge_mode = merge_mode
        if weights:
            half = len(weights) // 2
            self.forward_layer._initial_weights = weights[:half]
            self.backward_layer._initial_weights = weights[half:]
        # Keras has both directions output zeros on skipped steps when returning
        # sequences, so the merged step t never mixes a real output with a stale one.
        for inner in (self.forward_layer, self.backward_layer):
            if getattr(inner, "zero_output_for_mask", None) is not None:
                inner.zero_output_for_mask = getattr(inner, "return_sequences", False)
        self.stateful = getattr(layer, "stateful", False)
        self.return_sequences = getattr(layer, "return_sequences", False)
        self.return_state = getattr(layer, "return_state", False)
        self.supports_masking = True

    @staticmethod
    def _recreate_layer_from_config(layer: Layer, go_backwards: bool = False) -> Layer:
        config = layer.get_config()
        if go_backwards:
            config["go_backwards"] = not config["go_backwards"]
        return type(layer).from_config(config)

    def _inner_layers(self) -> list[Layer]:
        return [self.forward_layer, self.backward_layer]

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any = None) -> None:
        """Build both RNNs directly, then ``Layer.build`` (Keras skips ``Wrapper.build``)."""
        for layer in (self.forward_layer, self.backward_layer):
            self._build_in_scope(layer, input_shape, inner_scope=True)
        Layer.build(self, input_shape)

    @traced
    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        y = self.forward_layer(inputs, training=training, mask=mask)
        y_rev = self.backward_layer(inputs, training=training, mask=mask)
        return self._merge_outputs(y, y_rev)

    @traced
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The sequence's mask for merged sequences; none for last steps. Mirrors
        ``Bidirectional.compute_mask``."""
        mask = mask[0] if isinstance(mask, list) else mask
        if self.return_sequences:
            output_mask: Any = [mask, mask] if not self.merge_mode else mask
        else:
            output_mask = [None, None] if not self.merge_mode else None
        if self.return_state:
            state_mask = [None for _ in getattr(self.forward_layer, "states_sizes", [])]
            if isinstance(output_mask, list):
                return output_mask + state_mask * 2
            return [output_mask] + state_mask * 2
        return output_mask

    def _merge_outputs(self, y: Any, y_rev: Any) -> Any:
        """Reverse the backward sequence, merge, and append both directions' states."""
        states: list[Any] = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y, y_rev = np.asarray(y), np.asarray(y_rev)
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
        if self.merge_mode == "concat":
            output: Any = np.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / np.asarray(2, y.dtype)
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            return [*(output if isinstance(output, list) else [output]), *states]
        return output

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = self.forward_layer.compute_output_shape(input_shape)
        states: list[Any] = []
        if self.return_state:
            states = list(shape[1:]) * 2
            shape = shape[0]
        shape = tuple(shape)
        if self.merge_mode == "concat":
            output: Any = (*shape[:-1], shape[-1] * 2)
        elif self.merge_mode is None:
            output = [shape, shape]
        else:
            output = shape
        if self.return_state:
            return [*(output if isinstance(output, list) else [output]), *states]
        return output

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "merge_mode": self.merge_mode}
