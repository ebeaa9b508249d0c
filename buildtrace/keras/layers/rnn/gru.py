"""``GRUCell`` and ``GRU``: a gated recurrent unit (update gate z, reset gate r).

Mirrors: ``keras/layers/rnn/gru.py`` (Keras 2, ``implementation=2``). ``GRU.__init__``
makes its cell (named ``gru_cell``), then ``RNN.__init__``; ``RNN.build`` calls
``GRUCell.build``, which calls ``super().build`` first and then adds ``kernel``
(inputs × 3·units: z, r, h side by side), ``recurrent_kernel`` (units × 3·units,
orthogonal) and ``bias``: shape ``(2, 3·units)`` with Keras 2's default
``reset_after=True`` (one row for the input product, one for the recurrent product),
``(3·units,)`` otherwise.
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
from buildtrace.keras.ops.recurrent import CellMaths, rnn_forward
from buildtrace.trace import traced


class GRUCell(DropoutRNNCellMixin, BaseRandomLayer):
    """One step of a gated recurrent unit.

    Example:
        >>> cell = GRUCell(4)
        >>> cell.build((None, 3))
        >>> [w.shape for w in cell.weights]
        [TensorShape([3, 12]), TensorShape([4, 12]), TensorShape([2, 12])]
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
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
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
        self.reset_after = reset_after
        self.kernel_initializer = get_initializer(kernel_initializer)
        self.recurrent_initializer = get_initializer(recurrent_initializer)
        self.bias_initializer = get_initializer(bias_initializer)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.implementation = kwargs_implementation
        self.state_size = self.units
        self.output_size = self.units

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """``super().build`` first (as Keras), then kernel, recurrent kernel and bias."""
        super().build(input_shape)
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units * 3),
            name="kernel",
            initializer=self.kernel_initializer,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units * 3),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
        )
        self.bias = None
        if self.use_bias:
            # Separate input and recurrent biases with reset_after (not CuDNN's flat 6·units,
            # so saved weights tell the two apart).
            bias_shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self.add_weight(
                shape=bias_shape, name="bias", initializer=self.bias_initializer
            )

    @traced
    def call(self, inputs: np.ndarray, states: Any, training: Any = None) -> Any:
        """One step: update gate z, reset gate r, candidate ĥ, then ``z·h + (1 - z)·ĥ``."""
        h_tm1 = states[0] if isinstance(states, list | tuple) else states
        outputs, _, _ = rnn_forward(
            self._maths(),
            inputs[:, None, :],
            self.kernel.value,
            self.recurrent_kernel.value,
            None if self.bias is None else self.bias.value,
            [h_tm1],
        )
        h = outputs[:, 0]
        return h, [h]

    def _maths(self) -> CellMaths:
        return cell_maths(self, "gru", self.reset_after)

    def get_config(self) -> dict[str, Any]:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "reset_after": self.reset_after,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
        }
        return {**super().get_config(), **config}


class GRU(DropoutRNNCellMixin, RNN, BaseRandomLayer):
    """Gated recurrent unit over a sequence (Cho et al., 2014).

    Example:
        >>> GRU(8, return_state=True).compute_output_shape((None, 20, 4))
        [(None, 8), (None, 8)]
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
        reset_after: bool = True,
        **kwargs: Any,
    ) -> None:
        implementation = kwargs.pop("implementation", 2)
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
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
            implementation=implementation,
            reset_after=reset_after,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
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
        self.state_spec = [InputSpec(shape=(None, self.units))]

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
    def reset_after(self) -> bool:
        return bool(self.cell.reset_after)

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
