"""Tests for buildtrace.keras.ops.pooling: TF SAME semantics, gradients, shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from buildtrace.keras.ops import (
    avg_pool2d_backward,
    avg_pool2d_forward,
    max_pool2d_backward,
    max_pool2d_forward,
    pool2d_output_shape,
)

Array = npt.NDArray[np.floating[Any]]
NumGrad = Callable[[Callable[[], float], Array], Array]
Pair = tuple[int, int]


class Case(NamedTuple):
    height: int
    width: int
    pool: Pair
    strides: Pair | None  # None: same as pool (Keras 2 default)
    padding: str


CASES = [
    Case(5, 6, (2, 2), None, "valid"),
    Case(5, 6, (2, 2), None, "same"),
    Case(5, 6, (3, 3), (2, 2), "same"),
    Case(7, 5, (2, 3), (1, 2), "same"),
    Case(4, 4, (3, 2), (1, 1), "valid"),  # overlapping windows
    Case(3, 3, (4, 4), (1, 1), "same"),  # window larger than the input
    Case(6, 7, (2, 2), (3, 3), "same"),  # stride larger than the window: some cells unused
    Case(6, 7, (2, 2), (3, 3), "valid"),
]


class Pool(NamedTuple):
    forward: Callable[[Array, Pair, Pair | None, str], Array]
    backward: Callable[[Array, Array, Pair, Pair | None, str], Array]
    reduce: Callable[..., Array]  # numpy reduction used by the naive reference


POOLS = {
    "max": Pool(max_pool2d_forward, max_pool2d_backward, np.max),
    "avg": Pool(avg_pool2d_forward, avg_pool2d_backward, np.mean),
}


def naive_pool2d(x: Array, case: Case, reduce: Callable[..., Array]) -> Array:
    """Loops over windows and reduces only the in-bounds cells (TF ignores padded cells)."""
    n, h, w, c = x.shape
    (ph, pw), (sh, sw) = case.pool, case.strides or case.pool
    if case.padding == "same":
        out_h, out_w = -(-h // sh), -(-w // sw)
        top = max((out_h - 1) * sh + ph - h, 0) // 2
        left = max((out_w - 1) * sw + pw - w, 0) // 2
    else:
        out_h, out_w = (h - ph) // sh + 1, (w - pw) // sw + 1
        top = left = 0
    y = np.zeros((n, out_h, out_w, c))
    for i in range(out_h):
        for j in range(out_w):
            r0, c0 = i * sh - top, j * sw - left
            window = x[:, max(r0, 0) : r0 + ph, max(c0, 0) : c0 + pw, :]
            y[:, i, j, :] = reduce(window, axis=(1, 2))
    return y


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", sorted(POOLS))
def test_forward_matches_naive_loop(case: Case, kind: str) -> None:
    pool = POOLS[kind]
    x = np.random.default_rng(0).standard_normal((2, case.height, case.width, 3))
    y = pool.forward(x, case.pool, case.strides, case.padding)
    np.testing.assert_allclose(y, naive_pool2d(x, case, pool.reduce), atol=1e-12)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", sorted(POOLS))
def test_backward_matches_finite_differences(case: Case, kind: str, numgrad: NumGrad) -> None:
    pool = POOLS[kind]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, case.height, case.width, 2))  # continuous: no ties for max
    dy = rng.standard_normal(pool.forward(x, case.pool, case.strides, case.padding).shape)

    def loss() -> float:
        return float(np.sum(pool.forward(x, case.pool, case.strides, case.padding) * dy))

    dx = pool.backward(dy, x, case.pool, case.strides, case.padding)
    np.testing.assert_allclose(dx, numgrad(loss, x), rtol=1e-6, atol=1e-7)


def test_same_padding_known_values() -> None:
    # 3x3 image 1..9, 2x2 windows, stride 2, SAME: TF pads one row/col at the bottom/right.
    x = np.arange(1.0, 10.0, dtype=np.float32).reshape(1, 3, 3, 1)
    avg = avg_pool2d_forward(x, 2, 2, "same")[0, :, :, 0]
    mx = max_pool2d_forward(x, 2, 2, "same")[0, :, :, 0]
    # Padded cells are not counted: the corner window [9] averages to 9, not 9/4.
    np.testing.assert_array_equal(avg, [[3.0, 4.5], [7.5, 9.0]])
    np.testing.assert_array_equal(mx, [[5.0, 6.0], [8.0, 9.0]])
    assert avg.dtype == mx.dtype == np.float32


def test_max_pool_ignores_padding_for_negative_inputs() -> None:
    x = -np.ones((1, 3, 3, 1))
    np.testing.assert_array_equal(max_pool2d_forward(x, 2, 2, "same"), -np.ones((1, 2, 2, 1)))


def test_max_pool_gradient_goes_to_first_max_on_ties() -> None:
    x = np.zeros((1, 2, 2, 1), dtype=np.float32)
    dx = max_pool2d_backward(np.full((1, 1, 1, 1), 5.0, np.float32), x, 2)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[5.0, 0.0], [0.0, 0.0]])
    assert dx.dtype == np.float32


def test_max_pool_gradient_accumulates_over_overlapping_windows() -> None:
    x = np.zeros((1, 3, 3, 1))
    x[0, 1, 1, 0] = 1.0  # the centre is the max of all four 2x2 windows
    dx = max_pool2d_backward(np.ones((1, 2, 2, 1)), x, 2, 1)
    assert dx[0, 1, 1, 0] == 4.0
    assert dx.sum() == 4.0


def test_avg_pool_gradient_skips_padding() -> None:
    x = np.zeros((1, 3, 3, 1), dtype=np.float32)
    dx = avg_pool2d_backward(np.ones((1, 2, 2, 1), np.float32), x, 2, 2, "same")
    # Windows hold 4, 2, 2 and 1 real cells; each spreads its gradient over those cells only.
    expected = [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]]
    np.testing.assert_allclose(dx[0, :, :, 0], expected)
    assert dx.dtype == np.float32


def test_pool_output_shape_with_unknown_dims() -> None:
    assert pool2d_output_shape((None, 7, None, 3)) == (None, 3, None, 3)
    assert pool2d_output_shape((8, 7, 5, None), (3, 2), (2, 1), "SAME") == (8, 4, 5, None)


@given(
    rows=st.integers(1, 10),
    cols=st.integers(1, 10),
    pool=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    strides=st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.sampled_from(["valid", "same"]),
)
def test_output_shape_property(
    rows: int, cols: int, pool: Pair, strides: Pair | None, padding: str
) -> None:
    shape = pool2d_output_shape((2, rows, cols, 3), pool, strides, padding)
    out_rows, out_cols = shape[1], shape[2]
    assert out_rows is not None and out_cols is not None
    partial = pool2d_output_shape((None, rows, None, None), pool, strides, padding)
    assert partial == (None, out_rows, None, None)
    x = np.zeros((2, rows, cols, 3), dtype=np.float32)
    for kind in POOLS.values():
        if min(out_rows, out_cols) <= 0:
            with pytest.raises(ValueError):
                kind.forward(x, pool, strides, padding)
        else:
            assert kind.forward(x, pool, strides, padding).shape == shape
