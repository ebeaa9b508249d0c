"""``tf.nn``: activations and the small neural-network ops tutorials call directly.

Mirrors: ``tensorflow/python/ops/nn_ops.py`` / ``nn_impl.py``. Each function returns a
``Tensor`` and records its gradient on an active ``GradientTape``. The formulas are the
ones Keras's layers use (``buildtrace.keras.activations`` gives the same numbers).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.tf import math_ops
from buildtrace.tf import random as _random
from buildtrace.tf import tape as _tape
from buildtrace.tf.array_ops import gather
from buildtrace.tf.errors import InvalidArgumentError
from buildtrace.tf.math_ops import sigmoid, tanh
from buildtrace.tf.tensors import Tensor, is_tensor, tf_op, to_array
from buildtrace.tf.unsupported import module_getattr, unsupported

__all__ = [
    "dropout",
    "embedding_lookup",
    "l2_normalize",
    "leaky_relu",
    "log_softmax",
    "relu",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softplus",
    "sparse_softmax_cross_entropy_with_logits",
    "tanh",
]


def _record(op: str, x: Any, out: Tensor, grad: Any) -> Tensor:
    if _tape._ACTIVE and is_tensor(x):
        _tape.record(op, (x,), (out,), lambda dy: (grad(np.asarray(dy)),))
    return out


@tf_op("nn.relu")
def relu(features: Any, name: str | None = None) -> Tensor:
    """``max(x, 0)``. Mirrors ``tf.nn.relu``."""
    a = to_array(features)
    out = Tensor(np.maximum(a, 0).astype(a.dtype, copy=False))
    return _record("Relu", features, out, lambda dy: dy * (a > 0))


@tf_op("nn.leaky_relu")
def leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """``x`` if positive, else ``alpha * x``. Mirrors ``tf.nn.leaky_relu``."""
    a = to_array(features)
    slope = np.where(a > 0, 1, alpha).astype(a.dtype)
    return _record("LeakyRelu", features, Tensor(a * slope), lambda dy: dy * slope)


@tf_op("nn.softmax")
def softmax(logits: Any, axis: int = -1, name: str | None = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis``, computed shifted by the max (no overflow).

    Mirrors: ``tf.nn.softmax``.
    """
    a = to_array(logits)
    if a.dtype.kind != "f":
        raise InvalidArgumentError(
            f"Value for attr 'T' of {a.dtype.name} is not in the list of allowed values: "
            "half, bfloat16, float, double",
            "Softmax",
        )
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    s = e / e.sum(axis=axis, keepdims=True)

    def grad(dy: np.ndarray) -> Any:
        return s * (dy - (dy * s).sum(axis=axis, keepdims=True))

    return _record("Softmax", logits, Tensor(s), grad)


@tf_op("nn.log_softmax")
def log_softmax(logits: Any, axis: int = -1, name: str | None = None) -> Tensor:
    """``x - log(sum(exp(x)))`` along ``axis``. Mirrors ``tf.nn.log_softmax``."""
    a = to_array(logits)
    shifted = a - a.max(axis=axis, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    s = np.exp(out)
    return _record(
        "LogSoftmax", logits, Tensor(out), lambda dy: dy - s * dy.sum(axis=axis, keepdims=True)
    )


@tf_op("nn.softplus")
def softplus(features: Any, name: str | None = None) -> Tensor:
    """``log(1 + exp(x))``, computed without overflow. Mirrors ``tf.nn.softplus``."""
    a = to_array(features)
    out = Tensor(np.logaddexp(0, a).astype(a.dtype, copy=False))
    return _record("Softplus", features, out, lambda dy: dy / (1 + np.exp(-a)))


@tf_op("nn.l2_normalize")
def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: Any = None) -> Tensor:
    """``x / sqrt(max(sum(x**2), epsilon))`` along ``axis``. Mirrors ``tf.math.l2_normalize``."""
    squared = math_ops.reduce_sum(math_ops.square(x), axis=axis, keepdims=True)
    return math_ops.multiply(x, math_ops.rsqrt(math_ops.maximum(squared, epsilon)))


@tf_op("nn.sparse_softmax_cross_entropy_with_logits")
def sparse_softmax_cross_entropy_with_logits(
    labels: Any = None, logits: Any = None, name: Any = None
) -> Tensor:
    """Per-example ``-log softmax(logits)[label]``. Mirrors the ``tf.nn`` function."""
    picked = np.asarray(to_array(labels)).astype(np.int64)
    log_probs = log_softmax(logits)
    rows = np.arange(picked.size)
    flat = math_ops.gather_slice(
        log_probs if picked.ndim == 1 else Tensor(to_array(log_probs)), (rows, picked.reshape(-1))
    )
    return math_ops.negative(flat)


@tf_op("nn.softmax_cross_entropy_with_logits")
def softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, axis: int = -1, name: Any = None
) -> Tensor:
    """Per-example ``-sum(labels * log softmax(logits))``. Mirrors the ``tf.nn`` function."""
    return math_ops.negative(
        math_ops.reduce_sum(math_ops.multiply(labels, log_softmax(logits, axis)), axis=axis)
    )


@tf_op("nn.dropout")
def dropout(
    x: Any,
    rate: Any = None,
    noise_shape: Any = None,
    seed: Any = None,
    name: Any = None,
    keep_prob: Any = None,
) -> Tensor:
    """Zero each entry with probability ``rate``, scale the kept ones by ``1 / (1 - rate)``.

    Mirrors ``tf.nn.dropout`` (always active, as TensorFlow's op is: the ``training``
    switch belongs to the Keras ``Dropout`` layer). ``noise_shape`` broadcasts the mask.

    Raises:
        ValueError: ``rate`` outside ``[0, 1)``, with TensorFlow's message.
    """
    if rate is None:
        rate = 1.0 - float(keep_prob) if keep_prob is not None else 0.5
    rate = float(to_array(rate))
    if not 0 <= rate < 1:
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}")  # fmt: skip
    a = to_array(x)
    shape = a.shape if noise_shape is None else tuple(int(d) for d in to_array(noise_shape))
    rng = np.random.default_rng(int(seed)) if seed is not None else _random.generator()
    scale = (rng.random(shape) >= rate).astype(a.dtype) / a.dtype.type(1 - rate)
    scale = np.broadcast_to(scale, a.shape) if scale.shape != a.shape else scale
    return _record("Dropout", x, Tensor(a * scale), lambda dy: dy * scale)


@tf_op("nn.embedding_lookup")
def embedding_lookup(params: Any, ids: Any, max_norm: Any = None, name: Any = None) -> Tensor:
    """The rows of ``params`` that ``ids`` pick: ``params[ids]``, shaped ``ids.shape + row``.

    Mirrors ``tf.nn.embedding_lookup`` (one table, not a sharded list of them); the
    gradient adds into the picked rows, as TensorFlow's ``IndexedSlices`` do when applied.
    """
    if isinstance(params, list | tuple):
        if len(params) != 1:
            raise unsupported("tf.nn.embedding_lookup of a sharded list of tables")
        params = params[0]
    return gather(params, ids)


__getattr__ = module_getattr("tf.nn")
