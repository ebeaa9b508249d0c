"""``tf.random``: the seed and the generators, shared with the mini-Keras.

Mirrors: ``tensorflow/python/ops/random_ops.py`` and ``framework/random_seed.py``. One
numpy generator per process draws every random number: ``tf.random.normal`` here, and
the weight initializers of ``buildtrace.keras`` (through ``keras.backend.rng()``).
``tf.random.set_seed(n)`` (and ``keras.utils.set_random_seed(n)``) reseed it, so a seeded
script gives the same numbers on every run, though not the numbers TensorFlow draws.
"""

from __future__ import annotations

import random as _python_random
from typing import Any

import numpy as np

from buildtrace.tf import dtypes
from buildtrace.tf.array_ops import _shape_arg
from buildtrace.tf.tensors import Tensor, to_array
from buildtrace.tf.unsupported import module_getattr

_RNG: np.random.Generator = np.random.default_rng()


def generator() -> np.random.Generator:
    """The process's generator (reseeded by :func:`set_seed`)."""
    return _RNG


def set_seed(seed: int) -> None:
    """Make every later random draw repeatable. Mirrors ``tf.random.set_seed``.

    Seeds numpy's global generator and Python's ``random`` too, as scripts that call only
    this still expect ``np.random`` to repeat.
    """
    global _RNG
    _RNG = np.random.default_rng(int(seed))
    np.random.seed(int(seed))
    _python_random.seed(int(seed))


def _rng(seed: Any) -> np.random.Generator:
    return _RNG if seed is None else np.random.default_rng(int(seed))


def normal(
    shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = dtypes.float32, seed: Any = None,
    name: Any = None,
) -> Tensor:  # fmt: skip
    """Normal draws. Mirrors ``tf.random.normal``."""
    values = _rng(seed).normal(to_array(mean), to_array(stddev), _shape_arg(shape))
    return Tensor(np.asarray(values, dtypes.numpy_dtype(dtype)))


def truncated_normal(
    shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = dtypes.float32, seed: Any = None,
    name: Any = None,
) -> Tensor:  # fmt: skip
    """Normal draws, redrawn beyond two standard deviations. Mirrors the TF function."""
    rng = _rng(seed)
    size = _shape_arg(shape)
    values = rng.standard_normal(size)
    bad = np.abs(values) > 2
    while bad.any():
        values[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(values) > 2
    mu, sigma = to_array(mean), to_array(stddev)
    return Tensor(np.asarray(mu + sigma * values, dtypes.numpy_dtype(dtype)))


def uniform(
    shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = dtypes.float32, seed: Any = None,
    name: Any = None,
) -> Tensor:  # fmt: skip
    """Uniform draws in ``[minval, maxval)``. Mirrors ``tf.random.uniform``.

    Raises:
        ValueError: an integer dtype without ``maxval``, with TensorFlow's message.
    """
    wanted = dtypes.numpy_dtype(dtype)
    size = _shape_arg(shape)
    if wanted.kind in "iu":
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtypes.as_dtype(wanted)!r}")
        low, high = int(to_array(minval)), int(to_array(maxval))
        return Tensor(_rng(seed).integers(low, high, size).astype(wanted))
    top: Any = 1.0 if maxval is None else to_array(maxval)
    return Tensor(np.asarray(_rng(seed).uniform(to_array(minval), top, size), wanted))


def shuffle(value: Any, seed: Any = None, name: Any = None) -> Tensor:
    """The rows in a random order. Mirrors ``tf.random.shuffle``."""
    array = to_array(value)
    return Tensor(array[_rng(seed).permutation(len(array))])


def categorical(
    logits: Any, num_samples: int, dtype: Any = None, seed: Any = None, name: Any = None
) -> Tensor:
    """Draw class indices from unnormalised log-probabilities. Mirrors ``tf.random.categorical``."""
    z = to_array(logits).astype(np.float64)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    rng = _rng(seed)
    picks = [rng.choice(p.shape[1], size=int(num_samples), p=row) for row in p]
    return Tensor(np.asarray(picks, dtypes.numpy_dtype(dtype or dtypes.int64)))


class _Initializer:
    """What ``tf.random_normal_initializer()`` and friends return: ``init(shape, dtype)``."""

    def __init__(self, draw: Any) -> None:
        self._draw = draw

    def __call__(self, shape: Any, dtype: Any = dtypes.float32, **kwargs: Any) -> Tensor:
        return Tensor(np.asarray(self._draw(_shape_arg(shape)), dtypes.numpy_dtype(dtype)))


def random_normal_initializer(mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> Any:
    """Mirrors ``tf.random_normal_initializer`` (TensorFlow's default stddev is 0.05)."""
    return _Initializer(lambda size: _rng(seed).normal(mean, stddev, size))


def random_uniform_initializer(
    minval: float = -0.05, maxval: float = 0.05, seed: Any = None
) -> Any:
    """Mirrors ``tf.random_uniform_initializer``."""
    return _Initializer(lambda size: _rng(seed).uniform(minval, maxval, size))


def zeros_initializer() -> Any:
    """Mirrors ``tf.zeros_initializer``."""
    return _Initializer(np.zeros)


def ones_initializer() -> Any:
    """Mirrors ``tf.ones_initializer``."""
    return _Initializer(np.ones)


def constant_initializer(value: Any = 0) -> Any:
    """Mirrors ``tf.constant_initializer``."""
    return _Initializer(lambda size: np.broadcast_to(to_array(value), size).copy())


__getattr__ = module_getattr("tf.random")
