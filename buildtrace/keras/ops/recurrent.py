"""The recurrent loops of ``SimpleRNN``, ``LSTM`` and ``GRU``, and their gradients (BPTT).

Mirrors the maths of Keras 2's cells (``keras/layers/rnn/simple_rnn.py``, ``lstm.py``,
``gru.py``, ``implementation=2``: one matrix product per step for all gates) as the fused
loops TensorFlow runs (``standard_lstm``, ``standard_gru``, ``backend.rnn``):

* SimpleRNN: ``h = act(x W + b + h' U)``;
* LSTM, gates in Keras's order ``i, f, c, o``: ``z = x W + b + h' U``,
  ``c = σ(z_f) c' + σ(z_i) act(z_c)``, ``h = σ(z_o) act(c)``;
* GRU, gates ``z, r, h``; with ``reset_after`` (Keras 2's default) the bias is ``(2, 3u)``,
  one row for the input and one for the recurrent product, and the reset gate multiplies
  the recurrent product: ``ĥ = act(x W_h + b_h + r (h' U_h + b'_h))``;
  otherwise ``ĥ = act(x W_h + b_h + (r h') U_h)``. Then ``h = z h' + (1 - z) ĥ``.

``σ`` is the cell's ``recurrent_activation`` (sigmoid), ``act`` its ``activation`` (tanh).
The input ``x`` is ``(batch, steps, features)`` in the order the loop reads it (already
reversed for ``go_backwards``). Dropout masks, when given, are fixed for the whole
sequence, as Keras's ``DropoutRNNCellMixin`` makes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray
#: ``backward(dy, x, y) -> dx`` of an activation ``y = f(x)``.
Backward = Callable[[Array, Array, Array], Array]


@dataclass(frozen=True)
class CellMaths:
    """What a loop needs to know about a cell: its kind, activations and their gradients."""

    kind: str  # "simple_rnn", "lstm" or "gru"
    activation: Callable[[Array], Array]
    activation_backward: Backward
    recurrent_activation: Callable[[Array], Array] | None = None
    recurrent_activation_backward: Backward | None = None
    reset_after: bool = True


@dataclass
class LoopCache:
    """What the forward loop keeps for the backward one."""

    x: Array  # the inputs after the dropout mask
    x_mask: Array | None
    h_mask: Array | None
    steps: list[tuple[Any, ...]]
    mask: Array | None = None  # (batch, steps) float 0/1: which steps the loop ran
    zero_output_for_mask: bool = False


def _split(a: Array, n: int) -> list[Array]:
    return np.split(a, n, axis=-1)


def rnn_forward(
    maths: CellMaths,
    x: Array,
    kernel: Array,
    recurrent_kernel: Array,
    bias: Array | None,
    states: list[Array],
    x_mask: Array | None = None,
    h_mask: Array | None = None,
    mask: Array | None = None,
    zero_output_for_mask: bool = False,
) -> tuple[Array, list[Array], LoopCache]:
    """Run the cell over every step: ``(outputs (batch, steps, units), final states, cache)``.

    ``mask`` (``(batch, steps)``, in the loop's order) skips steps as Keras's
    ``backend.rnn`` does: on a skipped step every state keeps its value and the output
    repeats the previous step's (zeros before the first), or is zeros with
    ``zero_output_for_mask``.
    """
    if x_mask is not None:
        x = x * x_mask[:, None, :]
    input_bias = bias
    recurrent_bias = None
    if maths.kind == "gru" and bias is not None and maths.reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    # One 2-D product for every step at once (a 3-D matmul is many small ones).
    batch, length, features = x.shape
    xw = (x.reshape(batch * length, features) @ kernel).reshape(batch, length, -1)
    if input_bias is not None:
        xw = xw + input_bias
    h = states[0]
    c = states[1] if maths.kind == "lstm" else None
    outputs = []
    steps: list[tuple[Any, ...]] = []
    keep = None if mask is None else np.asarray(mask).astype(x.dtype)[:, :, None]
    output = np.zeros_like(h)
    for t in range(x.shape[1]):
        h_in = h * h_mask if h_mask is not None else h
        if maths.kind == "simple_rnn":
            z = xw[:, t] + h_in @ recurrent_kernel
            h_new = maths.activation(z)
            steps.append((h_in, z, h_new))
        elif maths.kind == "lstm":
            assert maths.recurrent_activation is not None and c is not None
            z = xw[:, t] + h_in @ recurrent_kernel
            z_i, z_f, z_c, z_o = _split(z, 4)
            i = maths.recurrent_activation(z_i)
            f = maths.recurrent_activation(z_f)
            g = maths.activation(z_c)
            o = maths.recurrent_activation(z_o)
            c_new = f * c + i * g
            act_c = maths.activation(c_new)
            h_new = o * act_c
            steps.append((h_in, c, z, i, f, g, o, c_new, act_c))
            c = c_new
        else:
            h_new, step = _gru_step(maths, xw[:, t], h, h_in, recurrent_kernel, recurrent_bias)
            steps.append(step)
        if keep is None:
            h = output = h_new
        else:  # a skipped step leaves the states as they were (c too: see the LSTM branch)
            m = keep[:, t]
            previous = np.zeros_like(h_new) if zero_output_for_mask else output
            output = m * h_new + (1 - m) * previous
            h = m * h_new + (1 - m) * h
            if c is not None:
                c = m * c + (1 - m) * steps[-1][1]
        outputs.append(output)
    final = [h] if c is None else [h, c]
    cache = LoopCache(x, x_mask, h_mask, steps, keep, zero_output_for_mask)
    return np.stack(outputs, axis=1), final, cache


def _gru_step(
    maths: CellMaths,
    xw: Array,
    h: Array,
    h_in: Array,
    recurrent_kernel: Array,
    recurrent_bias: Array | None,
) -> tuple[Array, tuple[Any, ...]]:
    assert maths.recurrent_activation is not None
    x_z, x_r, x_h = _split(xw, 3)
    units = h.shape[-1]
    if maths.reset_after:
        inner = h_in @ recurrent_kernel
        if recurrent_bias is not None:
            inner = inner + recurrent_bias
        r_z, r_r, r_h = _split(inner, 3)
        z = maths.recurrent_activation(x_z + r_z)
        r = maths.recurrent_activation(x_r + r_r)
        pre_h = x_h + r * r_h
    else:
        inner = h_in @ recurrent_kernel[:, : 2 * units]
        r_z, r_r = _split(inner, 2)
        z = maths.recurrent_activation(x_z + r_z)
        r = maths.recurrent_activation(x_r + r_r)
        r_h = (r * h_in) @ recurrent_kernel[:, 2 * units :]
        pre_h = x_h + r_h
    hh = maths.activation(pre_h)
    h_new = z * h + (1 - z) * hh
    return h_new, (h, h_in, x_z + r_z, x_r + r_r, z, r, r_h, pre_h, hh)


def rnn_backward(
    maths: CellMaths,
    d_outputs: Array,
    d_states: list[Array | None],
    cache: LoopCache,
    kernel: Array,
    recurrent_kernel: Array,
    bias: Array | None,
) -> tuple[Array, Array, Array, Array | None, list[Array]]:
    """Back-propagation through time: ``(dx, dkernel, drecurrent_kernel, dbias, dstates0)``.

    ``dstates0`` are the gradients of the initial states (``[dh0]``, or ``[dh0, dc0]``
    for an LSTM), for a layer whose ``initial_state`` came from another layer.

    ``d_outputs`` is ``dL/d(outputs)`` for every step (zeros where only the last output
    was used); ``d_states`` the gradients of the final states (None where unused).
    """
    assert maths.recurrent_activation_backward is not None or maths.kind == "simple_rnn"
    batch, steps_count, _ = cache.x.shape
    units = recurrent_kernel.shape[0]
    dxw = np.zeros((batch, steps_count, kernel.shape[1]), dtype=d_outputs.dtype)
    d_recurrent = np.zeros_like(recurrent_kernel)
    d_recurrent_bias = np.zeros((kernel.shape[1],), d_outputs.dtype)
    dh_next = (
        d_states[0]
        if d_states and d_states[0] is not None
        else np.zeros((batch, units), d_outputs.dtype)
    )
    dc_next: Array = np.zeros((batch, units), d_outputs.dtype)
    if maths.kind == "lstm" and len(d_states) > 1 and d_states[1] is not None:
        dc_next = d_states[1]
    d_carried: Array | float = 0.0  # dL/d(output) of a skipped step, for the step before
    for t in range(steps_count - 1, -1, -1):
        step = cache.steps[t]
        m = None if cache.mask is None else cache.mask[:, t]
        if m is None:
            dh = d_outputs[:, t] + dh_next
        else:
            # A skipped step passed the states (and the output) through unchanged.
            d_out = d_outputs[:, t] + d_carried
            dh = m * (d_out + dh_next)
            d_carried = 0.0 if cache.zero_output_for_mask else (1 - m) * d_out
            passed_h, passed_c = (1 - m) * dh_next, (1 - m) * dc_next
            dc_next = m * dc_next
        if maths.kind == "simple_rnn":
            h_in, z, h_new = step
            dz = maths.activation_backward(dh, z, h_new)
            dxw[:, t] = dz
            d_recurrent += h_in.T @ dz
            dh_in = dz @ recurrent_kernel.T
            dh_prev_direct: Array | float = 0.0
        elif maths.kind == "lstm":
            h_in, c_prev, z, i, f, g, o, c_new, act_c = step
            rec_back = maths.recurrent_activation_backward
            assert rec_back is not None
            z_i, z_f, z_c, z_o = _split(z, 4)
            do = dh * act_c
            dc = dc_next + maths.activation_backward(dh * o, c_new, act_c)
            dz = np.concatenate(
                [
                    rec_back(dc * g, z_i, i),
                    rec_back(dc * c_prev, z_f, f),
                    maths.activation_backward(dc * i, z_c, g),
                    rec_back(do, z_o, o),
                ],
                axis=-1,
            )
            dc_next = dc * f
            dxw[:, t] = dz
            d_recurrent += h_in.T @ dz
            dh_in = dz @ recurrent_kernel.T
            dh_prev_direct = 0.0
        else:
            dh_in, dh_prev_direct, d_inner_bias = _gru_step_backward(
                maths, dh, step, recurrent_kernel, dxw, d_recurrent, t
            )
            d_recurrent_bias += d_inner_bias
        if cache.h_mask is not None:
            dh_in = dh_in * cache.h_mask
        dh_next = dh_in + dh_prev_direct
        if m is not None:
            dh_next = dh_next + passed_h
            dc_next = dc_next + passed_c
    flat_x = cache.x.reshape(-1, cache.x.shape[-1])
    flat_dxw = dxw.reshape(-1, dxw.shape[-1])
    d_kernel = flat_x.T @ flat_dxw
    d_bias = None
    if bias is not None:
        d_input_bias = flat_dxw.sum(axis=0)
        if maths.kind == "gru" and maths.reset_after:
            d_bias = np.stack([d_input_bias, d_recurrent_bias])
        else:
            d_bias = d_input_bias
    dx = (flat_dxw @ kernel.T).reshape(batch, steps_count, -1)
    if cache.x_mask is not None:
        dx = dx * cache.x_mask[:, None, :]
    d_initial = [dh_next, dc_next] if maths.kind == "lstm" else [dh_next]
    return dx, d_kernel, d_recurrent, d_bias, d_initial


def _gru_step_backward(
    maths: CellMaths,
    dh: Array,
    step: tuple[Any, ...],
    recurrent_kernel: Array,
    dxw: Array,
    d_recurrent: Array,
    t: int,
) -> tuple[Array, Array, Array]:
    """One GRU step backwards; fills ``dxw[:, t]`` and adds into ``d_recurrent``.

    Returns ``(d h_in, d h_prev through the blend, d recurrent bias)``.
    """
    rec_back = maths.recurrent_activation_backward
    assert rec_back is not None
    h_prev, h_in, pre_z, pre_r, z, r, r_h, pre_h, hh = step
    units = h_prev.shape[-1]
    d_z = rec_back(dh * (h_prev - hh), pre_z, z)
    d_pre_h = maths.activation_backward(dh * (1 - z), pre_h, hh)
    dh_prev_direct = dh * z
    if maths.reset_after:
        d_r = rec_back(d_pre_h * r_h, pre_r, r)
        d_inner = np.concatenate([d_z, d_r, d_pre_h * r], axis=-1)
        dxw[:, t] = np.concatenate([d_z, d_r, d_pre_h], axis=-1)
        d_recurrent += h_in.T @ d_inner
        return d_inner @ recurrent_kernel.T, dh_prev_direct, d_inner.sum(axis=0)
    u_h = recurrent_kernel[:, 2 * units :]
    d_rh_in = d_pre_h @ u_h.T  # gradient of (r * h_in)
    d_r = rec_back(d_rh_in * h_in, pre_r, r)
    d_zr = np.concatenate([d_z, d_r], axis=-1)
    dxw[:, t] = np.concatenate([d_z, d_r, d_pre_h], axis=-1)
    d_recurrent[:, : 2 * units] += h_in.T @ d_zr
    d_recurrent[:, 2 * units :] += (r * h_in).T @ d_pre_h
    dh_in = d_zr @ recurrent_kernel[:, : 2 * units].T + d_rh_in * r
    return dh_in, dh_prev_direct, np.zeros(3 * units, dh.dtype)
