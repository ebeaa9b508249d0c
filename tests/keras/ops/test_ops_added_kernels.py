"""The kernels added for the new layers: forward against a plain definition, backward
against central finite differences (float64), as for the other ops.

``conv1d`` (with causal padding), ``conv_transpose`` (the adjoint of ``conv2d``),
``resize`` (nearest upsampling, zero padding), ``layer_normalization``, ``relu_family``
and ``recurrent`` (SimpleRNN, LSTM, GRU loops and their back-propagation through time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from buildtrace.keras.ops import conv2d_forward, sigmoid, sigmoid_backward, tanh, tanh_backward
from buildtrace.keras.ops.conv1d import conv1d_backward, conv1d_forward
from buildtrace.keras.ops.conv_transpose import (
    conv2d_transpose_backward,
    conv2d_transpose_forward,
    deconv_output_length,
)
from buildtrace.keras.ops.layer_normalization import layer_norm_backward, layer_norm_forward
from buildtrace.keras.ops.recurrent import CellMaths, rnn_backward, rnn_forward
from buildtrace.keras.ops.relu_family import relu_with_options, relu_with_options_backward
from buildtrace.keras.ops.resize import (
    upsample_nearest,
    upsample_nearest_backward,
    zero_pad2d,
    zero_pad2d_backward,
)

Array = npt.NDArray[np.floating[Any]]
NumGrad = Callable[[Callable[[], float], Array], Array]
RTOL, ATOL = 1e-6, 1e-8


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize(
    "padding,stride,dilation", [("valid", 1, 1), ("same", 2, 1), ("causal", 1, 2)]
)
def test_conv1d_matches_a_loop_and_its_gradient(
    padding: str, stride: int, dilation: int, numgrad: NumGrad
) -> None:
    x, kernel = _rng(0).normal(size=(2, 7, 3)), _rng(1).normal(size=(3, 3, 2))
    y = conv1d_forward(x, kernel, stride, padding, dilation)
    if padding == "causal":  # step t sees steps t, t - d, t - 2d only
        padded = np.pad(x, ((0, 0), (4, 0), (0, 0)))
        expected = np.stack(
            [sum(padded[:, t + 2 * k] @ kernel[k] for k in range(3)) for t in range(7)], axis=1
        )
        np.testing.assert_allclose(y, expected, rtol=RTOL)
    R = _rng(2).normal(size=y.shape)
    dx, dk = conv1d_backward(R, x, kernel, stride, padding, dilation)

    def loss() -> float:
        return float((conv1d_forward(x, kernel, stride, padding, dilation) * R).sum())

    np.testing.assert_allclose(dx, numgrad(loss, x), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(dk, numgrad(loss, kernel), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_transpose_is_the_adjoint_of_conv2d(padding: str, numgrad: NumGrad) -> None:
    x, kernel = _rng(3).normal(size=(2, 3, 4, 2)), _rng(4).normal(size=(3, 3, 5, 2))
    y = conv2d_transpose_forward(x, kernel, (2, 2), padding)
    assert y.shape == (
        2,
        deconv_output_length(3, 3, padding, 2),
        deconv_output_length(4, 3, padding, 2),
        5,
    )
    # <conv2d(u), x> == <u, conv2d_transpose(x)> for every u of the output's shape.
    u = _rng(5).normal(size=y.shape)
    np.testing.assert_allclose(
        (conv2d_forward(u, kernel, (2, 2), padding) * x).sum(), (u * y).sum(), rtol=1e-10
    )
    R = _rng(6).normal(size=y.shape)
    dx, dk = conv2d_transpose_backward(R, x, kernel, (2, 2), padding)

    def loss() -> float:
        return float((conv2d_transpose_forward(x, kernel, (2, 2), padding) * R).sum())

    np.testing.assert_allclose(dx, numgrad(loss, x), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(dk, numgrad(loss, kernel), rtol=RTOL, atol=ATOL)


def test_upsampling_and_zero_padding_and_their_gradients(numgrad: NumGrad) -> None:
    x = _rng(7).normal(size=(2, 2, 3, 2))
    y = upsample_nearest(x, (2, 3))
    assert y.shape == (2, 4, 9, 2) and y[0, 1, 5, 1] == x[0, 0, 1, 1]
    R = _rng(8).normal(size=y.shape)
    np.testing.assert_allclose(
        upsample_nearest_backward(R, (2, 3)),
        numgrad(lambda: float((upsample_nearest(x, (2, 3)) * R).sum()), x),
        rtol=RTOL,
        atol=ATOL,
    )
    padding = ((1, 0), (2, 1))
    z = zero_pad2d(x, padding)
    assert z.shape == (2, 3, 6, 2) and z[:, 0].sum() == 0
    S = _rng(9).normal(size=z.shape)
    np.testing.assert_allclose(
        zero_pad2d_backward(S, padding),
        numgrad(lambda: float((zero_pad2d(x, padding) * S).sum()), x),
        rtol=RTOL,
        atol=ATOL,
    )


@pytest.mark.parametrize("axes", [(2,), (1, 2)])
def test_layer_norm_normalises_each_sample_and_its_gradient(
    axes: tuple[int, ...], numgrad: NumGrad
) -> None:
    x = _rng(10).normal(size=(2, 3, 4))
    shape = [1, 1, 1]
    for a in axes:
        shape[a] = x.shape[a]
    gamma, beta = _rng(11).normal(size=shape), _rng(12).normal(size=shape)
    plain, _ = layer_norm_forward(x, None, None, axes, 1e-3)
    np.testing.assert_allclose(plain.mean(axis=axes), 0.0, atol=1e-12)
    y, cache = layer_norm_forward(x, gamma, beta, axes, 1e-3)
    R = _rng(13).normal(size=y.shape)
    dx, dgamma, dbeta = layer_norm_backward(R, cache, gamma, axes)

    def loss() -> float:
        return float((layer_norm_forward(x, gamma, beta, axes, 1e-3)[0] * R).sum())

    np.testing.assert_allclose(dx, numgrad(loss, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, numgrad(loss, gamma), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dbeta, numgrad(loss, beta), rtol=1e-5, atol=1e-7)


def test_relu_with_options_matches_keras_backend_relu(numgrad: NumGrad) -> None:
    x = np.array([-3.0, -0.7, 0.3, 0.9, 2.5, 7.0])
    # backend.relu(x, alpha=0.1, max_value=6, threshold=0.5), written out.
    expected = np.array([-0.35, -0.12, -0.02, 0.9, 2.5, 6.0])
    np.testing.assert_allclose(relu_with_options(x, 0.1, 6.0, 0.5), expected, rtol=1e-12)
    R = _rng(14).normal(size=x.shape)
    np.testing.assert_allclose(
        relu_with_options_backward(R, x, 0.1, 6.0, 0.5),
        numgrad(lambda: float((relu_with_options(x, 0.1, 6.0, 0.5) * R).sum()), x),
        rtol=RTOL,
        atol=ATOL,
    )


def _maths(kind: str, reset_after: bool = True) -> CellMaths:
    return CellMaths(
        kind=kind,
        activation=tanh,
        activation_backward=lambda dy, x, y: tanh_backward(dy, y),
        recurrent_activation=sigmoid,
        recurrent_activation_backward=lambda dy, x, y: sigmoid_backward(dy, y),
        reset_after=reset_after,
    )


@pytest.mark.parametrize(
    "kind,gates,reset_after",
    [("simple_rnn", 1, True), ("lstm", 4, True), ("gru", 3, True), ("gru", 3, False)],
)
def test_recurrent_loops_backpropagate_through_time(
    kind: str, gates: int, reset_after: bool, numgrad: NumGrad
) -> None:
    units, features = 3, 2
    rng = _rng(15)
    x = rng.normal(size=(2, 4, features))
    kernel = rng.normal(0, 0.5, size=(features, gates * units))
    recurrent = rng.normal(0, 0.5, size=(units, gates * units))
    bias = rng.normal(
        0, 0.5, size=(2, gates * units) if kind == "gru" and reset_after else (gates * units,)
    )
    states = [rng.normal(size=(2, units)) for _ in range(2 if kind == "lstm" else 1)]
    masks = (rng.uniform(0.5, 1.5, size=(2, features)), rng.uniform(0.5, 1.5, size=(2, units)))
    maths = _maths(kind, reset_after)
    outputs, final, cache = rnn_forward(maths, x, kernel, recurrent, bias, states, *masks)
    R = rng.normal(size=outputs.shape)
    S = [rng.normal(size=s.shape) for s in final]

    def loss() -> float:
        out, fin, _ = rnn_forward(maths, x, kernel, recurrent, bias, states, *masks)
        return float((out * R).sum() + sum((f * s).sum() for f, s in zip(fin, S)))

    dx, dk, dr, db, d0 = rnn_backward(maths, R, S, cache, kernel, recurrent, bias)
    for analytic, variable in ((dx, x), (dk, kernel), (dr, recurrent), (db, bias)):
        np.testing.assert_allclose(analytic, numgrad(loss, variable), rtol=1e-5, atol=1e-7)
    for analytic, state in zip(d0, states):
        np.testing.assert_allclose(analytic, numgrad(loss, state), rtol=1e-5, atol=1e-7)
