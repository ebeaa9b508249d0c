"""Activation functions of Keras 2 with their exact gradients.

Each activation ``f`` comes with ``f_backward(dy, ...)`` returning ``dL/dx`` given the upstream
gradient ``dy = dL/dy``. A backward takes whichever forward value makes it cheapest: the output
``y`` when the derivative is a function of ``y`` (relu, sigmoid, tanh, softmax, exponential),
the input ``x`` otherwise. :data:`ACTIVATIONS` wraps them all behind one ``(dy, x, y)``
signature so a layer can treat every activation alike.

All functions preserve the floating dtype of their input (float32 in, float32 out).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]

# Constants of tf.nn.selu (Klambauer et al., 2017), as used by keras.activations.selu.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def linear(x: FloatArray) -> FloatArray:
    """Identity. Mirrors: ``keras.activations.linear`` (Keras 2)."""
    return x


def linear_backward(dy: FloatArray) -> FloatArray:
    """Gradient of :func:`linear`: the upstream gradient unchanged."""
    return dy


def relu(x: FloatArray) -> FloatArray:
    """``max(x, 0)``.

    Mirrors: ``keras.activations.relu`` with its defaults, i.e. ``tf.nn.relu``.
    Simplification: Keras' optional ``alpha``, ``max_value`` and ``threshold`` are not supported.
    """
    return np.maximum(x, 0)


def relu_backward(dy: FloatArray, y: FloatArray) -> FloatArray:
    """Gradient of :func:`relu` from its output. Like TF's ``ReluGrad``, 0 at ``x == 0``."""
    return np.where(y > 0, dy, 0)


def sigmoid(x: FloatArray) -> FloatArray:
    """``1 / (1 + exp(-x))``. Mirrors: ``keras.activations.sigmoid`` / ``tf.sigmoid``."""
    # exp(-|x|) never overflows; pick the algebraically equal form that uses it for each sign.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_backward(dy: FloatArray, y: FloatArray) -> FloatArray:
    """Gradient of :func:`sigmoid` from its output: ``dy * y * (1 - y)``."""
    return dy * y * (1 - y)


def tanh(x: FloatArray) -> FloatArray:
    """Hyperbolic tangent. Mirrors: ``keras.activations.tanh`` / ``tf.tanh``."""
    return np.tanh(x)


def tanh_backward(dy: FloatArray, y: FloatArray) -> FloatArray:
    """Gradient of :func:`tanh` from its output: ``dy * (1 - y**2)``."""
    return dy * (1 - y * y)


def softmax(x: FloatArray, axis: int = -1) -> FloatArray:
    """``exp(x) / sum(exp(x))`` along ``axis``.

    Mirrors: ``keras.activations.softmax`` / ``tf.nn.softmax``. Subtracting the maximum first
    leaves the result unchanged but keeps ``exp`` from overflowing for large logits.
    Simplification: Keras 2 refuses 1-D inputs; we accept them.
    """
    e: FloatArray = np.exp(x - x.max(axis=axis, keepdims=True))
    total: FloatArray = e.sum(axis=axis, keepdims=True)
    return e / total


def softmax_backward(dy: FloatArray, y: FloatArray, axis: int = -1) -> FloatArray:
    """Gradient of :func:`softmax` from its output: ``y * (dy - sum(dy * y))`` along ``axis``.

    This is the Jacobian-vector product without building the ``C x C`` Jacobian
    ``diag(y) - y y^T``.
    """
    dot: FloatArray = (dy * y).sum(axis=axis, keepdims=True)
    return y * (dy - dot)


def elu(x: FloatArray, alpha: float = 1.0) -> FloatArray:
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Mirrors: ``keras.activations.elu`` (``tf.nn.elu``, scaled by ``alpha`` where ``x <= 0``).
    """
    # Clamp before expm1 so the branch np.where discards cannot overflow for large x.
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_backward(dy: FloatArray, x: FloatArray, alpha: float = 1.0) -> FloatArray:
    """Gradient of :func:`elu` from its input: ``1`` if ``x > 0`` else ``alpha * exp(x)``."""
    return np.where(x > 0, dy, dy * alpha * np.exp(np.minimum(x, 0)))


def selu(x: FloatArray) -> FloatArray:
    """``scale * elu(x, alpha)`` with fixed constants. Mirrors: ``tf.nn.selu``."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def selu_backward(dy: FloatArray, x: FloatArray) -> FloatArray:
    """Gradient of :func:`selu` from its input."""
    return SELU_SCALE * elu_backward(dy, x, SELU_ALPHA)


def softplus(x: FloatArray) -> FloatArray:
    """``log(1 + exp(x))``, computed stably as ``max(x, 0) + log1p(exp(-|x|))``.

    Mirrors: ``keras.activations.softplus`` / ``tf.math.softplus`` (TF adds float-precision
    shortcuts for very large ``|x|`` that agree with this formula to rounding).
    """
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_backward(dy: FloatArray, x: FloatArray) -> FloatArray:
    """Gradient of :func:`softplus` from its input: ``dy * sigmoid(x)``."""
    return dy * sigmoid(x)


def softsign(x: FloatArray) -> FloatArray:
    """``x / (1 + |x|)``. Mirrors: ``keras.activations.softsign`` / ``tf.math.softsign``."""
    denominator: FloatArray = 1 + np.abs(x)
    return x / denominator


def softsign_backward(dy: FloatArray, x: FloatArray) -> FloatArray:
    """Gradient of :func:`softsign` from its input: ``dy / (1 + |x|)**2``."""
    denominator: FloatArray = np.square(1 + np.abs(x))
    return dy / denominator


def swish(x: FloatArray) -> FloatArray:
    """``x * sigmoid(x)``. Mirrors: ``keras.activations.swish`` / ``tf.nn.silu``."""
    return x * sigmoid(x)


def swish_backward(dy: FloatArray, x: FloatArray) -> FloatArray:
    """Gradient of :func:`swish` from its input: ``s + x * s * (1 - s)`` with ``s = sigmoid(x)``."""
    s = sigmoid(x)
    return dy * s * (1 + x * (1 - s))


# math.erf is exact to double precision; np.vectorize applies it element by element. It is a
# Python-level loop (fine for teaching-sized tensors) and avoids depending on scipy.
_erf = np.vectorize(math.erf, otypes=[np.float64])
_GELU_TANH_C = math.sqrt(2 / math.pi)  # constant of the tanh approximation


def gelu(x: FloatArray, approximate: bool = False) -> FloatArray:
    """Gaussian error linear unit ``x * P(X <= x)`` for ``X ~ N(0, 1)``.

    Mirrors: ``keras.activations.gelu`` / ``tf.nn.gelu``. With ``approximate=False`` (the
    default) this is ``0.5 * x * (1 + erf(x / sqrt(2)))``; with ``approximate=True`` it is
    ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))``.
    """
    if approximate:
        gate: FloatArray = np.tanh(_GELU_TANH_C * (x + 0.044715 * x**3))
    else:
        gate = _erf(x / math.sqrt(2)).astype(x.dtype)
    return 0.5 * x * (1 + gate)


def gelu_backward(dy: FloatArray, x: FloatArray, approximate: bool = False) -> FloatArray:
    """Gradient of :func:`gelu` from its input.

    Exact form: ``Phi(x) + x * phi(x)`` where ``Phi`` / ``phi`` are the standard normal CDF /
    density. Approximate form: the derivative of the tanh formula.
    """
    if approximate:
        t = np.tanh(_GELU_TANH_C * (x + 0.044715 * x**3))
        dt = (1 - t * t) * _GELU_TANH_C * (1 + 3 * 0.044715 * x * x)
        return dy * (0.5 * (1 + t) + 0.5 * x * dt)
    cdf: FloatArray = 0.5 * (1 + _erf(x / math.sqrt(2)).astype(x.dtype))
    pdf: FloatArray = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return dy * (cdf + x * pdf)


def leaky_relu(x: FloatArray, alpha: float = 0.3) -> FloatArray:
    """``x`` if ``x > 0`` else ``alpha * x``.

    Mirrors: ``keras.layers.LeakyReLU`` (Keras 2 default ``alpha=0.3``), which calls
    ``tf.nn.leaky_relu`` (whose own default is 0.2).
    """
    return np.where(x > 0, x, alpha * x)


def leaky_relu_backward(dy: FloatArray, x: FloatArray, alpha: float = 0.3) -> FloatArray:
    """Gradient of :func:`leaky_relu` from its input."""
    return np.where(x > 0, dy, alpha * dy)


def exponential(x: FloatArray) -> FloatArray:
    """``exp(x)``. Mirrors: ``keras.activations.exponential``."""
    return np.exp(x)


def exponential_backward(dy: FloatArray, y: FloatArray) -> FloatArray:
    """Gradient of :func:`exponential` from its output: ``dy * y``."""
    return dy * y


def hard_sigmoid(x: FloatArray) -> FloatArray:
    """``clip(0.2 * x + 0.5, 0, 1)``.

    Mirrors: ``keras.activations.hard_sigmoid`` / ``keras.backend.hard_sigmoid`` in Keras 2
    (Keras 3 changed the slope to 1/6; we keep Keras 2's 0.2).
    """
    z: FloatArray = 0.2 * x + 0.5
    return np.clip(z, 0, 1)


def hard_sigmoid_backward(dy: FloatArray, x: FloatArray) -> FloatArray:
    """Gradient of :func:`hard_sigmoid` from its input.

    ``0.2`` inside the linear part, 0 outside; at the edges TF's ``clip_by_value`` gradient
    still passes (its mask is ``lo <= z <= hi``), and so do we.
    """
    z = 0.2 * x + 0.5
    return np.where((z >= 0) & (z <= 1), 0.2 * dy, 0)


class Activation(NamedTuple):
    """An activation packaged for layers: ``forward(x) -> y`` and ``backward(dy, x, y) -> dx``.

    ``backward`` receives both the forward input and output and uses whichever it needs.
    """

    forward: Callable[[FloatArray], FloatArray]
    backward: Callable[[FloatArray, FloatArray, FloatArray], FloatArray]


# Keras 2 string identifiers (as in ``Dense(activation="relu")``) -> kernels with defaults.
ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation(linear, lambda dy, x, y: linear_backward(dy)),
    "relu": Activation(relu, lambda dy, x, y: relu_backward(dy, y)),
    "sigmoid": Activation(sigmoid, lambda dy, x, y: sigmoid_backward(dy, y)),
    "tanh": Activation(tanh, lambda dy, x, y: tanh_backward(dy, y)),
    "softmax": Activation(softmax, lambda dy, x, y: softmax_backward(dy, y)),
    "elu": Activation(elu, lambda dy, x, y: elu_backward(dy, x)),
    "selu": Activation(selu, lambda dy, x, y: selu_backward(dy, x)),
    "softplus": Activation(softplus, lambda dy, x, y: softplus_backward(dy, x)),
    "softsign": Activation(softsign, lambda dy, x, y: softsign_backward(dy, x)),
    "swish": Activation(swish, lambda dy, x, y: swish_backward(dy, x)),
    "gelu": Activation(gelu, lambda dy, x, y: gelu_backward(dy, x)),
    "exponential": Activation(exponential, lambda dy, x, y: exponential_backward(dy, y)),
    "hard_sigmoid": Activation(hard_sigmoid, lambda dy, x, y: hard_sigmoid_backward(dy, x)),
}


def get_activation(name: str | None) -> Activation:
    """Looks up an activation by its Keras 2 name; ``None`` means linear, as in Keras.

    Mirrors: ``keras.activations.get`` for string identifiers.
    """
    if name is None:
        return ACTIVATIONS["linear"]
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; known: {known}") from None
