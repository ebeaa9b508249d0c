"""``backend.relu`` with all of Keras 2's options, and its gradient.

Mirrors: ``keras/backend.py::relu(x, alpha, max_value, threshold)``, which the ``ReLU``
and ``LeakyReLU`` layers call: values above ``threshold`` pass (clipped at
``max_value``), values below it are multiplied by ``alpha`` after shifting by the
threshold.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]


def relu_with_options(
    x: FloatArray, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> FloatArray:
    """``backend.relu``: ``x`` where ``x > threshold`` (at most ``max_value``), else
    ``alpha * (x - threshold)``.

    Example:
        >>> relu_with_options(np.array([-2.0, 1.0, 9.0]), alpha=0.5, max_value=6.0)
        array([-1.,  1.,  6.])
    """
    dtype = x.dtype
    positive = np.where(x > threshold, x, 0).astype(dtype)
    if max_value is not None:
        positive = np.minimum(positive, np.asarray(max_value, dtype))
    if alpha != 0:
        negative = np.maximum(threshold - x, 0)
        result: FloatArray = (positive - np.asarray(alpha, dtype) * negative).astype(dtype)
        return result
    return positive


def relu_with_options_backward(
    dy: FloatArray,
    x: FloatArray,
    alpha: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> FloatArray:
    """Gradient of :func:`relu_with_options` from its input (0 at the kinks, as TF)."""
    passing = x > threshold
    if max_value is not None:
        passing &= x < max_value
    slope = np.where(passing, 1.0, 0.0)
    if alpha != 0:
        slope = slope + np.where(x < threshold, alpha, 0.0)
    return (dy * slope).astype(dy.dtype)
