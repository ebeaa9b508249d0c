"""Session state of the mini-Keras: name counters, float type, random generator, variables.

Mirrors: ``keras/backend.py`` of Keras 2 (``get_uid``, ``unique_object_name``,
``clear_session``, ``floatx``, ``epsilon``). Keras keeps these per TensorFlow graph; we
keep them per process, which is what a script sees in eager mode.
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from buildtrace.keras.unsupported import module_getattr

_FLOATX = "float32"
_EPSILON = 1e-7

#: Per-prefix counters behind layer names (``dense``, ``dense_1``...).
_UIDS: collections.defaultdict[str, int] = collections.defaultdict(int)

#: The generator initializers draw from when they have no seed of their own.
_RNG: np.random.Generator = np.random.default_rng()


def floatx() -> str:
    """The default float type, ``"float32"`` as in Keras."""
    return _FLOATX


def epsilon() -> float:
    """The fuzz factor Keras adds to avoid division by zero: ``1e-7``."""
    return _EPSILON


def get_uid(prefix: str = "") -> int:
    """Count one more use of ``prefix`` and return the count (1 for the first use).

    Mirrors: ``keras/backend.py::get_uid``.
    """
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def unique_object_name(name: str, zero_based: bool = True) -> str:
    """``dense``, then ``dense_1``, ``dense_2``... for the same ``name`` in one session.

    Mirrors: ``keras/backend.py::unique_object_name`` (layers are zero-based: the first
    ``Dense`` is ``dense``, the second ``dense_1``; ``Input`` layers are one-based:
    ``input_1``).
    """
    number = get_uid(name)
    if zero_based:
        number -= 1
        return name if number == 0 else f"{name}_{number}"
    return f"{name}_{number}"


def clear_session() -> None:
    """Forget every name used so far, so the next ``Dense`` is ``dense`` again.

    Mirrors: ``keras/backend.py::clear_session``.
    """
    _UIDS.clear()


def rng() -> np.random.Generator:
    """The session's random generator (reseeded by ``keras.utils.set_random_seed``)."""
    return _RNG


def set_rng_seed(seed: int) -> None:
    """Reseed the session's random generator."""
    global _RNG
    _RNG = np.random.default_rng(seed)


class Variable:
    """A weight: a named numpy array that training updates in place.

    Stands in for ``tf.Variable``. ``name`` follows TensorFlow's ``dense/kernel:0``;
    ``value`` is the array itself (not a copy), which optimizers update in place. It is a
    plain attribute rather than a property because training reads it dozens of times per
    batch.

    Example:
        >>> v = Variable(np.zeros((2, 3), "float32"), name="dense/kernel:0")
        >>> v
        <Variable 'dense/kernel:0' shape=(2, 3) dtype=float32>
    """

    __slots__ = ("name", "trainable", "value")

    def __init__(self, value: np.ndarray, name: str, trainable: bool = True) -> None:
        self.value = value
        self.name = name
        self.trainable = trainable

    @property
    def shape(self) -> tuple[int, ...]:
        """The weight's shape."""
        return tuple(self.value.shape)

    @property
    def dtype(self) -> str:
        """The weight's dtype name, e.g. ``"float32"``."""
        return str(self.value.dtype)

    def numpy(self) -> np.ndarray:
        """A copy of the value, as ``tf.Variable.numpy()`` gives."""
        return self.value.copy()

    def assign(self, value: Any) -> None:
        """Overwrite the value in place, keeping shape and dtype."""
        self.value[...] = np.asarray(value, dtype=self.value.dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.value if dtype is None else self.value.astype(dtype)

    def __repr__(self) -> str:
        return f"<Variable '{self.name}' shape={self.shape} dtype={self.dtype}>"


__getattr__ = module_getattr("keras.backend")
