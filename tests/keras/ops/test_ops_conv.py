"""Tests for buildtrace.keras.ops.conv: forward vs a naive loop, gradients, shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from buildtrace.keras.ops import (
    conv2d_backward,
    conv2d_forward,
    conv2d_output_shape,
    conv_output_length,
    extract_patches,
    extract_patches_backward,
    same_padding,
)

Array = npt.NDArray[np.floating[Any]]
NumGrad = Callable[[Callable[[], float], Array], Array]
Pair = tuple[int, int]


class Case(NamedTuple):
    height: int
    width: int
    kernel: Pair
    strides: Pair
    padding: str
    dilation: Pair


CASES = [
    Case(5, 6, (3, 3), (1, 1), "valid", (1, 1)),
    Case(5, 6, (3, 2), (2, 2), "same", (1, 1)),
    Case(7, 5, (2, 3), (2, 1), "same", (1, 1)),
    Case(6, 6, (2, 2), (1, 1), "same", (1, 1)),  # even kernel: TF pads the extra row at the bottom
    Case(7, 8, (3, 2), (1, 1), "same", (2, 2)),  # dilation
    Case(9, 7, (2, 3), (1, 1), "valid", (2, 3)),  # dilation, valid
    Case(6, 7, (3, 3), (2, 2), "valid", (1, 1)),
    Case(5, 5, (1, 1), (3, 3), "same", (1, 1)),  # SAME padding clipped to zero
    Case(3, 4, (5, 4), (2, 3), "same", (1, 1)),  # kernel larger than the input
    Case(6, 7, (3, 3), (2, 2), "same", (2, 1)),  # strides and dilation together
]


def naive_conv2d(x: Array, kernel: Array, case: Case) -> Array:
    """Direct 7-loop cross-correlation with TF's SAME rule written out independently."""
    n, h, w, _ = x.shape
    kh, kw, _, c_out = kernel.shape
    (sh, sw), (dh, dw) = case.strides, case.dilation
    eff_h, eff_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if case.padding == "same":
        out_h, out_w = -(-h // sh), -(-w // sw)
        top = max((out_h - 1) * sh + eff_h - h, 0) // 2
        left = max((out_w - 1) * sw + eff_w - w, 0) // 2
    else:
        out_h, out_w = (h - eff_h) // sh + 1, (w - eff_w) // sw + 1
        top = left = 0
    y = np.zeros((n, out_h, out_w, c_out))
    for b in range(n):
        for i in range(out_h):
            for j in range(out_w):
                for a in range(kh):
                    for c in range(kw):
                        r, col = i * sh + a * dh - top, j * sw + c * dw - left
                        if 0 <= r < h and 0 <= col < w:
                            y[b, i, j] += x[b, r, col] @ kernel[a, c]
    return y


def _random_inputs(
    case: Case, rng: np.random.Generator, dtype: type[np.floating[Any]] = np.float64
) -> tuple[Array, Array]:
    x = rng.standard_normal((2, case.height, case.width, 2)).astype(dtype)
    kernel = rng.standard_normal((*case.kernel, 2, 3)).astype(dtype)
    return x, kernel


def _conv(x: Array, kernel: Array, case: Case) -> Array:
    return conv2d_forward(x, kernel, case.strides, case.padding, case.dilation)


@pytest.mark.parametrize("case", CASES)
def test_forward_matches_naive_loop(case: Case) -> None:
    x, kernel = _random_inputs(case, np.random.default_rng(0))
    np.testing.assert_allclose(_conv(x, kernel, case), naive_conv2d(x, kernel, case), atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_backward_matches_finite_differences(case: Case, numgrad: NumGrad) -> None:
    rng = np.random.default_rng(1)
    x, kernel = _random_inputs(case, rng)
    dy = rng.standard_normal(_conv(x, kernel, case).shape)

    def loss() -> float:
        return float(np.sum(_conv(x, kernel, case) * dy))

    dx, dkernel = conv2d_backward(dy, x, kernel, case.strides, case.padding, case.dilation)
    np.testing.assert_allclose(dx, numgrad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dkernel, numgrad(loss, kernel), rtol=1e-6, atol=1e-7)


def test_float32_in_float32_out() -> None:
    x, kernel = _random_inputs(CASES[1], np.random.default_rng(2), np.float32)
    y = conv2d_forward(x, kernel, 2, "same")
    dx, dkernel = conv2d_backward(np.ones_like(y), x, kernel, 2, "same")
    assert y.dtype == dx.dtype == dkernel.dtype == np.float32


def test_same_padding_puts_the_extra_cell_after() -> None:
    # Column [1, 2, 3] with the 2-tap kernel [1, 10]: TF pads one zero at the *bottom*.
    x = np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1)
    kernel = np.array([1.0, 10.0]).reshape(2, 1, 1, 1)
    y = conv2d_forward(x, kernel, 1, "same")
    np.testing.assert_array_equal(y.ravel(), [21.0, 32.0, 3.0])
    assert same_padding(3, 2, 1) == (0, 1)
    assert same_padding(5, 3, 2) == (1, 1)
    assert same_padding(6, 3, 2) == (0, 1)
    assert same_padding(5, 1, 3) == (0, 0)
    assert same_padding(7, 3, 1, dilation=2) == (2, 2)


def test_extract_patches_backward_is_the_adjoint() -> None:
    # <extract(x), p> == <x, extract_backward(p)> for every x and p: the "dot product test".
    rng = np.random.default_rng(3)
    kernel, strides, padding, dilation = (3, 2), (2, 1), "same", (1, 2)
    x = rng.standard_normal((2, 7, 6, 3))
    patches = extract_patches(x, kernel, strides, padding, dilation)
    p = rng.standard_normal(patches.shape)
    dx = extract_patches_backward(p, x.shape, kernel, strides, padding, dilation)
    assert np.sum(patches * p) == pytest.approx(np.sum(x * dx), rel=1e-12)


def test_extract_patches_is_a_read_only_view() -> None:
    patches = extract_patches(np.zeros((1, 4, 4, 1)), 2)
    assert not patches.flags.writeable


def test_conv_output_length_matches_keras_conv_utils() -> None:
    assert conv_output_length(None, 3, "same", 2) is None
    assert conv_output_length(7, 3, "valid", 1) == 5
    assert conv_output_length(7, 3, "valid", 2) == 3
    assert conv_output_length(7, 3, "same", 2) == 4
    assert conv_output_length(7, 3, "full", 1) == 9
    assert conv_output_length(7, 3, "causal", 3) == 3
    assert conv_output_length(7, 3, "valid", 1, dilation=3) == 1
    # Keras does not clamp: too-small inputs give 0 or negative lengths.
    assert conv_output_length(2, 3, "valid", 1) == 0
    assert conv_output_length(1, 4, "valid", 2) == -1


def test_conv2d_output_shape_with_unknown_dims() -> None:
    shape = conv2d_output_shape((None, None, 9, 3), (3, 3), 2, "same", filters=8)
    assert shape == (None, None, 5, 8)
    assert conv2d_output_shape((4, 10, 9, 3), 3, 1, "VALID", 2) == (4, 6, 5, None)


def test_invalid_arguments_raise() -> None:
    x = np.zeros((1, 5, 5, 2))
    with pytest.raises(ValueError, match="channels"):
        conv2d_forward(x, np.zeros((3, 3, 3, 1)))
    with pytest.raises(ValueError, match="padding"):
        conv2d_forward(x, np.zeros((3, 3, 2, 1)), padding="full")
    with pytest.raises(ValueError, match="smaller than the effective window"):
        conv2d_forward(x, np.zeros((6, 1, 2, 1)))
    with pytest.raises(ValueError, match="strides"):
        conv2d_forward(x, np.zeros((3, 3, 2, 1)), strides=0)


@given(
    rows=st.integers(1, 10),
    cols=st.integers(1, 10),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    strides=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.sampled_from(["valid", "same"]),
)
def test_output_shape_property(
    rows: int, cols: int, kernel: Pair, strides: Pair, dilation: Pair, padding: str
) -> None:
    shape = conv2d_output_shape((1, rows, cols, 2), kernel, strides, padding, dilation, filters=3)
    out_rows, out_cols = shape[1], shape[2]
    assert out_rows is not None and out_cols is not None
    # Unknown dims stay unknown and do not disturb the known ones.
    partial = conv2d_output_shape((None, None, cols, 2), kernel, strides, padding, dilation)
    assert partial == (None, None, out_cols, None)
    x = np.zeros((1, rows, cols, 2), dtype=np.float32)
    w = np.zeros((*kernel, 2, 3), dtype=np.float32)
    if min(out_rows, out_cols) <= 0:
        with pytest.raises(ValueError):
            conv2d_forward(x, w, strides, padding, dilation)
    else:
        assert conv2d_forward(x, w, strides, padding, dilation).shape == shape
