"""``LSTMCell`` and ``LSTM``: a cell with a memory ``c`` and three gates.

Mirrors: ``keras/layers/rnn/lstm.py`` (Keras 2, ``implementation=2``). ``LSTM.__init__``
makes its cell (named ``lstm_cell``), then ``RNN.__init__``; ``RNN.build`` calls
``LSTMCell.build``, which calls ``super().build`` first and then adds ``kernel``
(inputs × 4·units: the gates i, f, c, o side by side), ``recurrent_kernel`` (units ×
4·units, orthogonal) and ``bias`` (4·units; with ``unit_forget_bias`` the forget gate's
part starts at 1, so the cell remembers by default at the start of training).
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


class UnitForgetBias:
    """``bias_initializer`` for the i and c, o gates; ones for the forget gate.

    Mirrors the local ``bias_initializer`` that ``LSTMCell.build`` makes when
    ``unit_forget_bias`` (Keras reports it under that function's name).
    """

    def __init__(self, base: Any, units: int) -> None:
        self.base, self.units = base, units

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        units = self.units
        parts = [
            self.base((units,), dtype),
            np.ones((units,), dtype),
            self.base((2 * units,), dtype),
        ]
        return np.concatenate(parts)


UnitForgetBias.__name__ = "bias_initializer"


class LSTMCell(DropoutRNNCellMixin, BaseRandomLayer):
    """One step of a long short-term memory network.

    Example:
        >>> cell = LSTMCell(4)
        >>> cell.build((None, 3))
        >>> [w.shape for w in cell.weights]
        [TensorShape([3, 16]), TensorShape([4, 16]), TensorShape([16])]
    """

    @traced
    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
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
        kwargs_implementation = kwargs.pop("implementation", 2)
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
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.unit_forget_bias = unit_forget_bias
        self.kernel_initializer = get_initializer(kernel_initializer)
        self.recurrent_initializer = get_initializer(recurrent_initializer)
        self.bias_initializer = get_initializer(bias_initializer)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.implementation = kwargs_implementation
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """``super().build`` first (as Keras), then kernel, recurrent kernel and bias."""
        super().build(input_shape)
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units * 4),
            name="kernel",
            initializer=self.kernel_initializer,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units * 4),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
        )
        self.bias = None
        if self.use_bias:
            initializer: Any = self.bias_initializer
            if self.unit_forget_bias:
                initializer = UnitForgetBias(self.bias_initializer, self.units)
            self.bias = self.add_weight(
                shape=(self.units * 4,), name="bias", initializer=initializer
            )

    @traced
    def call(self, inputs: np.ndarray, states: Any, training: Any = None) -> Any:
        """One step: the gates from ``inputs · kernel + h · recurrent_kernel + bias``."""
        h_tm1, c_tm1 = states[0], states[1]
        z = inputs @ self.kernel.value + h_tm1 @ self.recurrent_kernel.value
        if self.bias is not None:
            z = z + self.bias.value
        z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
        i, f, o = (self.recurrent_activation(v) for v in (z_i, z_f, z_o))
        c = f * c_tm1 + i * self.activation(z_c)
        h = o * self.activation(c)
        return h, [h, c]

    def _maths(self) -> CellMaths:
        return cell_maths(self, "lstm")

    def get_config(self) -> dict[str, Any]:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
        }
        return {**super().get_config(), **config}


class LSTM(DropoutRNNCellMixin, RNN, BaseRandomLayer):
    """Long short-term memory over a sequence (Hochreiter & Schmidhuber, 1997).

    Example:
        >>> LSTM(8, return_state=True).compute_output_shape((None, 20, 4))
        [(None, 8), (None, 8), (None, 8)]
    """

    @traced
    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
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
        time_major: bool = False,
        unroll: bool = False,
        **kwargs: Any,
    ) -> None:
        implementation = kwargs.pop("implementation", 2)
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            implementation=implementation,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            time_major=time_major,
            unroll=unroll,
            **kwargs,
        )
        refuse_unsupported(activity_regularizer=activity_regularizer)
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = [InputSpec(shape=(None, dim)) for dim in (self.units, self.units)]

    @traced
    def call(
        self, inputs: Any, mask: Any = None, training: Any = None, initial_state: Any = None
    ) -> Any:
        outputs, states, _ = self._loop(inputs, training, initial_state, mask)
        return self._results(outputs, states)

    @property
    def units(self) -> int:
        return int(self.cell.units)

    @property
    def activation(self) -> Any:
        return self.cell.activation

    @property
    def dropout(self) -> float:
        return float(self.cell.dropout)

    @property
    def recurrent_dropout(self) -> float:
        return float(self.cell.recurrent_dropout)

    def get_config(self) -> dict[str, Any]:
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**super().get_config(), **cell_config}
