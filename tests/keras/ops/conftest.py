"""Shared fixture for the ops tests: gradients by central finite differences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

Array = npt.NDArray[np.floating[Any]]
NumGrad = Callable[[Callable[[], float], Array], Array]


def numerical_gradient(f: Callable[[], float], x: Array, eps: float = 1e-6) -> Array:
    """``d f() / d x`` by central differences.

    ``f`` must read ``x`` (a float64 array) each time it is called: every element of ``x`` is
    nudged by +-eps in place, ``f`` is re-evaluated, and the element is restored.
    """
    assert x.dtype == np.float64, "finite differences need float64 to be accurate"
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + eps
        f_plus = f()
        x[idx] = original - eps
        f_minus = f()
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


@pytest.fixture
def numgrad() -> NumGrad:
    """The :func:`numerical_gradient` helper."""
    return numerical_gradient
