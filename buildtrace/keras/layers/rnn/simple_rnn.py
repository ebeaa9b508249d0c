"""``SimpleRNNCell`` and ``SimpleRNN``: ``h = activation(x W + b + h' U)`` at every step.

Mirrors: ``keras/layers/rnn/simple_rnn.py`` (Keras 2). ``SimpleRNN.__init__`` makes its
cell (named ``simple_rnn_cell``), then ``RNN.__init__``; ``RNN.build`` calls
``SimpleRNNCell.build``, which calls ``super().build`` first and then adds ``kernel``
(inputs × units), ``recurrent_kernel`` (units × units, orthogonal) and ``bias``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import BaseRandomLayer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.rnn.base_rnn import RNN, cell_maths
from buildtrace.keras.layers.rnn.dropout_rnn_cell_mixin import DropoutRNNCellMixin
from buildtrace.keras.layers.rnn.rnn_utils import get_initializer, refuse_unsupported, serialize
from buildtrace.keras.ops.recurrent import CellMaths
from buildtrace.trace import traced


class SimpleRNNCell(DropoutRNNCellMixin, BaseRandomLayer):
    """One step of a fully-connected recurrent network.

    Example:
        >>> cell = SimpleRNNCell(4)
        >>> cell.build((None, 3))
        >>> [w.shape for w in cell.weights]
        [TensorShape([3, 4]), TensorShape([4, 4]), TensorShape([4])]
    """

    @traced
    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        **kwargs: Any,
    ) -> None:
        if units <= 0:
            raise ValueError(
                "Received an invalid value for argument `units`, "
                f"expected a positive integer, got {units}."
            )
        kwargs.pop("enable_caching_device", None)
        super().__init__(**kwargs)
        refuse_unsupported(
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
        )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = get_initializer(kernel_initializer)
        self.recurrent_initializer = get_initializer(recurrent_initializer)
        self.bias_initializer = get_initializer(bias_initializer)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.state_size = self.units
        self.output_size = self.units

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """``super().build`` first (as Keras), then kernel, recurrent kernel and bias."""
        super().build(input_shape)
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units),
            name="kernel",
            initializer=self.kernel_initializer,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), name="bias", initializer=self.bias_initializer
            )

    @traced
    def call(self, inputs: np.ndarray, states: Any, training: Any = None) -> Any:
        """One step: ``output = activation(inputs · kernel + bias + state · recurrent_kernel)``."""
        prev_output = states[0] if isinstance(states, list | tuple) else states
        h = inputs @ self.kernel.value
        if self.bias is not None:
            h = h + self.bias.value
        output = self.activation(h + prev_output @ self.recurrent_kernel.value)
        return output, [output]

    def _maths(self) -> CellMaths:
        return cell_maths(self, "simple_rnn")

    def get_config(self) -> dict[str, Any]:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
        }
        return {**super().get_config(), **config}


class SimpleRNN(RNN):
    """A fully-connected RNN whose output is fed back as the next step's state.

    Example:
        >>> SimpleRNN(8).compute_output_shape((None, 20, 4))
        (None, 8)
    """

    @traced
    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("implementation", None)
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            **kwargs,
        )
        refuse_unsupported(activity_regularizer=activity_regularizer)
        self.input_spec = [InputSpec(ndim=3)]

    @traced
    def call(
        self, inputs: Any, mask: Any = None, training: Any = None, initial_state: Any = None
    ) -> Any:
        return super().call(inputs, mask=mask, training=training, initial_state=initial_state)

    @property
    def units(self) -> int:
        return int(self.cell.units)

    @property
    def activation(self) -> Any:
        return self.cell.activation

    def get_config(self) -> dict[str, Any]:
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**super().get_config(), **cell_config}
