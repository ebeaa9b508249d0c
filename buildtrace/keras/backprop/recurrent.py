"""Gradients of the recurrent layers and wrappers: ``SimpleRNN``, ``LSTM``, ``GRU``
(back-propagation through time, ``keras/ops/recurrent.py``), ``TimeDistributed`` (the
inner layer's rule on the merged batch) and ``Bidirectional`` (both directions' rules,
the output gradient split as the merge joined them).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backprop
from buildtrace.keras.backprop import register
from buildtrace.keras.layers.rnn.base_rnn import RNN
from buildtrace.keras.layers.rnn.bidirectional import Bidirectional
from buildtrace.keras.layers.rnn.time_distributed import TimeDistributed
from buildtrace.keras.ops.recurrent import rnn_backward

Grads = tuple[Any, list[np.ndarray]]


@register(RNN)
class RNNGradient:
    takes_mask = True  # skipped steps pass their states through (keras/ops/recurrent.py)

    @staticmethod
    def forward(layer: RNN, inputs: Any, training: bool, mask: Any = None) -> tuple[Any, Any]:
        outputs, states, cache = layer._loop(inputs, training, mask=mask)
        if cache is None:
            return layer._results(outputs, states), None
        has_states = isinstance(inputs, list)
        return layer._results(outputs, states), (cache, outputs.shape, has_states)

    @staticmethod
    def backward(layer: RNN, dy: Any, cache: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        if cache is None:
            raise NotImplementedError(
                f"buildtrace has no gradient for layer {layer.name} ({type(layer).__name__}) "
                "with a custom cell, so a model containing it cannot be trained."
            )
        loop, shape, has_states = cache
        parts = dy if isinstance(dy, list) else [dy]
        d_output, d_states = parts[0], list(parts[1:])
        d_outputs = np.zeros(shape, dtype=loop.x.dtype)
        if d_output is not None:
            if layer.return_sequences:
                d_outputs += d_output
            else:
                d_outputs[:, -1] += d_output
        cell = layer.cell
        dx, d_kernel, d_recurrent, d_bias, d_initial = rnn_backward(
            cell._maths(),
            d_outputs,
            d_states,
            loop,
            cell.kernel.value,
            cell.recurrent_kernel.value,
            None if cell.bias is None else cell.bias.value,
        )
        if layer.go_backwards:
            dx = dx[:, ::-1]
        grads = [d_kernel, d_recurrent] + ([] if d_bias is None else [d_bias])
        if has_states:
            return [dx, *d_initial], grads
        return dx, grads


@register(TimeDistributed)
class TimeDistributedGradient:
    takes_mask = True

    @staticmethod
    def forward(
        layer: TimeDistributed, inputs: Any, training: bool, mask: Any = None
    ) -> tuple[Any, Any]:
        batch, steps = inputs.shape[:2]
        merged = inputs.reshape((batch * steps, *inputs.shape[2:]))
        if mask is not None:  # the inner layer sees each step's mask, merged the same way
            mask = np.asarray(mask).reshape((batch * steps, *np.shape(mask)[2:]))
        outputs, cache = backprop.forward(layer.layer, merged, training, mask=mask)
        return outputs.reshape((batch, steps, *outputs.shape[1:])), (cache, inputs.shape)

    @staticmethod
    def backward(
        layer: TimeDistributed, dy: Any, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        inner_cache, input_shape = cache
        merged = dy.reshape((-1, *dy.shape[2:]))
        dx, grads = backprop.backward(layer.layer, merged, inner_cache, need_dx)
        return (None if dx is None else dx.reshape(input_shape)), grads


@register(Bidirectional)
class BidirectionalGradient:
    takes_mask = True

    @staticmethod
    def forward(
        layer: Bidirectional, inputs: Any, training: bool, mask: Any = None
    ) -> tuple[Any, Any]:
        if layer.return_state:
            raise NotImplementedError(
                "buildtrace has no gradient for a Bidirectional layer with return_state=True."
            )
        y, forward_cache = backprop.forward(layer.forward_layer, inputs, training, mask)
        y_rev, backward_cache = backprop.forward(layer.backward_layer, inputs, training, mask)
        return layer._merge_outputs(y, y_rev), (forward_cache, backward_cache, y, y_rev)

    @staticmethod
    def backward(
        layer: Bidirectional, dy: Any, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        forward_cache, backward_cache, y, y_rev = cache
        if layer.return_sequences:
            y_rev = y_rev[:, ::-1]
        mode = layer.merge_mode
        if mode == "concat":
            dy_f, dy_b = np.split(dy, 2, axis=-1)
        elif mode == "sum":
            dy_f = dy_b = dy
        elif mode == "ave":
            dy_f = dy_b = dy / np.asarray(2, dy.dtype)
        elif mode == "mul":
            dy_f, dy_b = dy * y_rev, dy * y
        else:
            dy_f, dy_b = dy
        if layer.return_sequences:
            dy_b = dy_b[:, ::-1]
        dx_f, grads_f = backprop.backward(layer.forward_layer, dy_f, forward_cache, need_dx)
        dx_b, grads_b = backprop.backward(layer.backward_layer, dy_b, backward_cache, need_dx)
        dx = None if dx_f is None or dx_b is None else dx_f + dx_b
        return dx, grads_f + grads_b
