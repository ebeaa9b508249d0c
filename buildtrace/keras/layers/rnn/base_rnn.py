"""``RNN``: runs a cell over the steps of a sequence.

Mirrors: ``keras/layers/rnn/base_rnn.py::RNN`` (Keras 2). The weights belong to the cell:
``RNN.build`` calls the cell's ``build`` (under the layer's name, so the kernel is
``lstm/lstm_cell/kernel:0``), marks the cell built, sets the state specs, then calls
``super().build``. The loop's maths lives in ``buildtrace.keras.ops.recurrent`` and its
gradient in ``buildtrace.keras.backprop.recurrent``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import activations
from buildtrace.keras.backend import Variable
from buildtrace.keras.engine import trace_details
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.keras.ops.recurrent import CellMaths, LoopCache, rnn_forward
from buildtrace.trace import suspended, traced


class RNN(Layer):
    """Applies ``cell`` to every step, carrying its state from one step to the next.

    Example:
        >>> from buildtrace.keras.layers.rnn.simple_rnn import SimpleRNNCell
        >>> RNN(SimpleRNNCell(4), return_sequences=True).compute_output_shape((None, 7, 3))
        (None, 7, 4)
    """

    @traced
    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        time_major: bool = False,
        **kwargs: Any,
    ) -> None:
        if isinstance(cell, list | tuple):
            raise NotImplementedError(
                "A list of cells (`StackedRNNCells`) is not supported by buildtrace."
            )
        if not hasattr(cell, "call"):
            raise ValueError(
                f"Argument `cell` should have a `call` method. The RNN was passed: cell={cell}"
            )
        if not hasattr(cell, "state_size"):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (tuple of integers, one "
                f"integer per RNN state). Received: cell={cell}"
            )
        if "input_shape" not in kwargs and ("input_dim" in kwargs or "input_length" in kwargs):
            kwargs["input_shape"] = (
                kwargs.pop("input_length", None),
                kwargs.pop("input_dim", None),
            )
        # Keras's option for what a skipped step outputs: zeros, or the last output.
        self.zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        super().__init__(**kwargs)
        for name, value in (("stateful", stateful), ("time_major", time_major)):
            if value:
                raise NotImplementedError(f"`{name}=True` is not supported by buildtrace.")
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.time_major = time_major
        self.supports_masking = True
        self.input_spec = None
        self.state_spec: Any = None

    # ------------------------------------------------------------------ weights
    # Keras gathers the weights of the layers an attribute holds; here the cell's.
    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return self._trainable_weights + list(getattr(self.cell, "trainable_weights", []))

    @property
    def non_trainable_weights(self) -> list[Variable]:
        cell_weights = getattr(self.cell, "weights", [])
        if not self.trainable:
            return self._trainable_weights + self._non_trainable_weights + list(cell_weights)
        return self._non_trainable_weights + list(getattr(self.cell, "non_trainable_weights", []))

    @property
    def states_sizes(self) -> list[int]:
        """The cell's ``state_size`` as a list (one entry per state)."""
        size = self.cell.state_size
        return list(size) if isinstance(size, list | tuple) else [size]

    # ------------------------------------------------------------- call and build
    @traced
    def __call__(
        self, inputs: Any, initial_state: Any = None, constants: Any = None, **kwargs: Any
    ) -> Any:
        """Mirrors ``RNN.__call__``: an ``initial_state`` joins the inputs, with its spec."""
        if constants is not None:
            raise NotImplementedError("RNN `constants` are not supported by buildtrace.")
        if isinstance(inputs, list) and initial_state is None and len(inputs) > 1:
            inputs, initial_state = inputs[0], inputs[1:]
        if initial_state is None:
            return super().__call__(inputs, **kwargs)
        initial_state = (
            list(initial_state) if isinstance(initial_state, list | tuple) else [initial_state]
        )
        original = self.input_spec
        main = original[0] if isinstance(original, list) else original
        self.state_spec = [InputSpec(shape=(None, size)) for size in self.states_sizes]
        self.input_spec = [main, *self.state_spec]
        try:
            return super().__call__([inputs, *initial_state], **kwargs)
        finally:
            self.input_spec = original

    def _call_input_spec(self, inputs: Any) -> Any:
        """The spec ``__call__`` checks ``inputs`` against: with initial states joined to
        the inputs (``[x, h, c]``), one spec for the sequence and one per state."""
        if isinstance(inputs, list) and len(inputs) > 1:
            main = self.input_spec[0] if isinstance(self.input_spec, list) else self.input_spec
            return [main, *(InputSpec(shape=(None, size)) for size in self.states_sizes)]
        return self.input_spec

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Build the cell for one step's input, then the state specs, then ``Layer.build``."""
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        spec = InputSpec(shape=(None, None, *input_shape[2:]))
        if isinstance(self.input_spec, list):
            self.input_spec[0] = spec
        else:
            self.input_spec = [spec]
        step_input_shape = (input_shape[0], *input_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            # Keras builds the cell inside `name_scope(cell.name)` within this layer's scope:
            # its weights are named `lstm/lstm_cell/kernel:0`.
            scope = self.__dict__.get("_name_scope_prefix") or self.name
            self.cell._name_scope_prefix = f"{scope}/{self.cell.name}"
            # The trace counts the cell's weights for the layer a model holds.
            self.cell._weight_owner = self.__dict__.get("_weight_owner") or self.name
            self.cell.build(step_input_shape)
            self.cell.built = True
        if self.state_spec is None:
            self.state_spec = [InputSpec(shape=(None, size)) for size in self.states_sizes]
        super().build(input_shape)

    def get_initial_state(self, inputs: np.ndarray) -> list[np.ndarray]:
        """Zeros, one ``(batch, size)`` array per state. Mirrors ``RNN.get_initial_state``."""
        return [np.zeros((inputs.shape[0], size), inputs.dtype) for size in self.states_sizes]

    @traced
    def call(
        self, inputs: Any, mask: Any = None, training: Any = None, initial_state: Any = None
    ) -> Any:
        outputs, states, _ = self._loop(inputs, training, initial_state, mask)
        return self._results(outputs, states)

    def _loop(
        self, inputs: Any, training: Any, initial_state: Any = None, mask: Any = None
    ) -> tuple[np.ndarray, list[np.ndarray], LoopCache | None]:
        """Run the cell over the steps: ``(outputs per step, final states, cache)``.

        A ``mask`` (one per input when the states came with the inputs: the sequence's
        is first) marks the steps to run; it is reversed with the sequence.
        """
        if isinstance(inputs, list):
            inputs, initial_state = inputs[0], inputs[1:]
        if isinstance(mask, list | tuple):
            mask = mask[0]
        x = np.asarray(inputs)
        if mask is not None:
            mask = np.asarray(mask).astype(bool)
        if self.go_backwards:
            x = x[:, ::-1]
            mask = None if mask is None else mask[:, ::-1]
        states = list(initial_state) if initial_state else self.get_initial_state(x)
        maths = getattr(self.cell, "_maths", None)
        if maths is None:
            return self._generic_loop(x, states, training, mask)
        cell = self.cell
        outputs, final, cache = rnn_forward(
            maths(),
            x,
            cell.kernel.value,
            cell.recurrent_kernel.value,
            None if cell.bias is None else cell.bias.value,
            states,
            x_mask=cell.get_dropout_mask_for_cell(x, training),
            h_mask=cell.get_recurrent_dropout_mask_for_cell(x, cell.units, training),
            mask=mask,
            zero_output_for_mask=self.zero_output_for_mask,
        )
        return outputs, final, cache

    def _generic_loop(
        self, x: np.ndarray, states: list[np.ndarray], training: Any, mask: Any = None
    ) -> tuple[np.ndarray, list[np.ndarray], None]:
        """A user's own cell: ``cell.call(step_input, states)`` at every step (a masked
        step keeps the states and repeats the last output, as ``backend.rnn``)."""
        outputs: list[Any] = []
        with suspended():  # one event per step would bury the build's story
            for t in range(x.shape[1]):
                output, new_states = self.cell.call(x[:, t], states)
                new_states = (
                    list(new_states) if isinstance(new_states, list | tuple) else [new_states]
                )
                if mask is not None:
                    m = mask[:, t, None]
                    last = outputs[-1] if outputs else np.zeros_like(np.asarray(output))
                    last = 0 * last if self.zero_output_for_mask else last
                    output = np.where(m, np.asarray(output), last)
                    new_states = [np.where(m, np.asarray(n), o) for n, o in zip(new_states, states)]
                states = new_states
                outputs.append(output)
        return np.stack(outputs, axis=1), states, None

    @traced
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The sequence's mask for a sequence output; none for the last step alone (or a
        state). Mirrors ``RNN.compute_mask``."""
        mask = mask[0] if isinstance(mask, list | tuple) else mask
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.states_sizes]
        return output_mask

    def _results(self, outputs: np.ndarray, states: list[np.ndarray]) -> Any:
        output = outputs if self.return_sequences else outputs[:, -1]
        if self.return_state:
            return [output, *states]
        return output

    def compute_output_shape(self, input_shape: Any) -> Any:
        if (
            isinstance(input_shape, list)
            and input_shape
            and isinstance(input_shape[0], tuple | list)
        ):
            input_shape = input_shape[0]
        batch, steps = tuple(input_shape)[:2]
        sizes = self.states_sizes
        output_size = getattr(self.cell, "output_size", sizes[0])
        output = (batch, steps, output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return [output, *[(batch, size) for size in sizes]]
        return output

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "time_major": self.time_major,
            }
        )
        if self.zero_output_for_mask:
            config["zero_output_for_mask"] = self.zero_output_for_mask
        return config


def cell_maths(cell: Any, kind: str, reset_after: bool = True) -> CellMaths:
    """The loop's description of a built-in cell, refusing activations it can't differentiate."""
    backward = activations.backward(cell.activation)
    recurrent = getattr(cell, "recurrent_activation", None)
    recurrent_backward = activations.backward(recurrent) if recurrent is not None else None
    missing = backward is None or (recurrent is not None and recurrent_backward is None)

    def refuse(*args: Any) -> np.ndarray:
        raise NotImplementedError(
            f"buildtrace has no gradient for the custom activation of {cell.name}."
        )

    return CellMaths(
        kind=kind,
        activation=cell.activation,
        activation_backward=refuse if missing or backward is None else backward,
        recurrent_activation=recurrent,
        recurrent_activation_backward=recurrent_backward or (refuse if recurrent else None),
        reset_after=reset_after,
    )


def is_symbolic(x: Any) -> bool:
    """Whether ``x`` is a symbolic tensor (an ``Input`` or a layer's symbolic output)."""
    return isinstance(x, KerasTensor)
