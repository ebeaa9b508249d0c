"""Activation functions by the names Keras uses (``"relu"``, ``"softmax"``...).

Mirrors: ``keras/activations.py`` (``get``, ``serialize`` and the functions).
All work on float32 numpy arrays and keep their dtype.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Activation = Callable[[np.ndarray], np.ndarray]


def linear(x: np.ndarray) -> np.ndarray:
    """The identity (what ``activation=None`` means)."""
    return x


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)``."""
    return np.maximum(x, 0, dtype=x.dtype)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``, computed without overflow for large ``|x|``."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent."""
    return np.tanh(x)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """``exp(x) / sum(exp(x))`` along ``axis``; the max is subtracted first for stability."""
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    e /= e.sum(axis=axis, keepdims=True)
    return e


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))``."""
    return np.logaddexp(0, x).astype(x.dtype, copy=False)


def softsign(x: np.ndarray) -> np.ndarray:
    """``x / (1 + |x|)``."""
    return x / (1 + np.abs(x))


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """``x`` if positive, else ``alpha·(exp(x) − 1)``."""
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


def selu(x: np.ndarray) -> np.ndarray:
    """Scaled ELU with Keras's constants."""
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return (scale * elu(x, alpha)).astype(x.dtype, copy=False)


def swish(x: np.ndarray) -> np.ndarray:
    """``x · sigmoid(x)``."""
    return x * sigmoid(x)


def exponential(x: np.ndarray) -> np.ndarray:
    """``exp(x)``."""
    return np.exp(x)


_BY_NAME: dict[str, Activation] = {
    fn.__name__: fn
    for fn in (linear, relu, sigmoid, tanh, softmax, softplus, softsign, elu, selu, swish,
               exponential)
}


def get(identifier: Any) -> Activation:
    """The activation function for a name, a function, or None (linear).

    Raises:
        ValueError: an unknown name, with Keras's message.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            raise ValueError(f"Unknown activation function: '{identifier}'. Please ensure "
                             "you are using a `keras.utils.custom_object_scope` and that "
                             "this object is included in the scope. See "
                             "https://www.tensorflow.org/guide/keras/save_and_serialize"
                             "#registering_the_custom_object for details.")
        return fn
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    raise TypeError(
        f"Could not interpret activation function identifier: {identifier}"
    )


def serialize(activation: Activation) -> str:
    """The name Keras writes in a config (``"relu"``)."""
    return getattr(activation, "__name__", repr(activation))
