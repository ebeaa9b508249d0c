"""Activation functions by the names Keras uses (``"relu"``, ``"softmax"``...).

Mirrors: ``keras/activations.py`` (``get``, ``serialize`` and the functions). The
maths, with exact gradients, lives in ``buildtrace.keras.ops.nn``; this module is the
Keras-facing name registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras.ops.nn import (
    ACTIVATIONS,
    elu,
    exponential,
    gelu,
    hard_sigmoid,
    linear,
    relu,
    selu,
    sigmoid,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
)
from buildtrace.keras.unsupported import module_getattr

ActivationFn = Callable[[np.ndarray], np.ndarray]
#: ``backward(dy, x, y) -> dx`` for an activation ``y = f(x)``.
Backward = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]

_BY_FUNCTION: dict[Any, str] = {entry.forward: name for name, entry in ACTIVATIONS.items()}

__all__ = [
    "elu",
    "exponential",
    "gelu",
    "get",
    "hard_sigmoid",
    "linear",
    "relu",
    "selu",
    "serialize",
    "sigmoid",
    "softmax",
    "softplus",
    "softsign",
    "swish",
    "tanh",
]


def get(identifier: Any) -> ActivationFn:
    """The activation function for a name, a function, or None (linear).

    Raises:
        ValueError: an unknown name, with Keras's message.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        entry = ACTIVATIONS.get(identifier)
        if entry is None:
            raise ValueError(
                f"Unknown activation function: '{identifier}'. Please ensure you are using a "
                "`keras.utils.custom_object_scope` and that this object is included in the "
                "scope. See https://www.tensorflow.org/guide/keras/save_and_serialize"
                "#registering_the_custom_object for details."
            )
        return entry.forward
    if callable(identifier):
        return _keras_twin(identifier)  # type: ignore[no-any-return]
    raise TypeError(f"Could not interpret activation function identifier: {identifier}")


def _keras_twin(function: Any) -> Any:
    """The Keras activation that stands for a TensorFlow op of the same name, or ``function``.

    ``Dense(128, activation=tf.nn.relu)`` is common in Keras 2 era tutorials. Keras 2 calls
    the op as is and saves it by its ``__name__`` (``"relu"``), so a saved model reloads with
    Keras's own ``relu``. buildtrace's ``tf.nn.relu`` records tensors for a tape, not the
    layer's numpy maths; the Keras activation of the same name computes the same numbers
    and has the exact gradient rule, so it stands in from the start.
    """
    name = getattr(function, "__name__", None)
    module = getattr(function, "__module__", None) or ""
    if module.startswith("buildtrace.tf.") and name in ACTIVATIONS:
        return ACTIVATIONS[name].forward
    return function


def serialize(activation: ActivationFn) -> str:
    """The name Keras writes in a config (``"relu"``)."""
    name = _BY_FUNCTION.get(activation) or getattr(activation, "__name__", None)
    return str(name or repr(activation))


def backward(activation: ActivationFn) -> Backward | None:
    """The gradient of a known activation (None for a user's own function)."""
    name = _BY_FUNCTION.get(activation)
    return ACTIVATIONS[name].backward if name is not None else None


__getattr__ = module_getattr("keras.activations")
