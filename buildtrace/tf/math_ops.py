"""Elementwise maths, reductions and ``matmul``: ``tf.add``, ``tf.reduce_mean``, ``tf.square``...

Mirrors: ``tensorflow/python/ops/math_ops.py`` (and the operators of ``tf.Tensor``).
Every op computes on numpy, returns a ``Tensor`` and, while a ``GradientTape`` records,
leaves its vector-Jacobian product on the tape. Broadcasting is numpy's (which is
TensorFlow's); shapes that do not broadcast raise ``InvalidArgumentError`` with
TensorFlow's wording (``Incompatible shapes: [2] vs. [3]``).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.tf import dtypes
from buildtrace.tf import tape as _tape
from buildtrace.tf.errors import InvalidArgumentError
from buildtrace.tf.tensors import Tensor, is_tensor, tf_op, to_array

Array = np.ndarray


def _dims(shape: tuple[int, ...]) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` over the axes broadcasting added, so it has ``shape`` again."""
    grad = np.asarray(grad)
    if grad.shape == shape:
        return grad
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad.reshape(shape)


def _operands(x: Any, y: Any, op: str) -> tuple[Array, Array]:
    """Both operands as arrays, with TensorFlow's dtype rules.

    A tensor fixes the dtype: a number or array on the other side is converted to it
    (``float32 tensor + float64 array`` is float32). Two tensors must agree.
    """
    x_is, y_is = is_tensor(x), is_tensor(y)
    a = to_array(x)
    b = to_array(y)
    if a.dtype == b.dtype:
        return a, b
    if x_is and y_is:
        raise InvalidArgumentError(
            f"cannot compute {op} as input #1(zero-based) was expected to be a "
            f"{_kind(a)} tensor but is a {_kind(b)} tensor",
            op,
        )
    if x_is or y_is:
        fixed, other = (a, y) if x_is else (b, x)
        if fixed.dtype.kind in "iub" and isinstance(other, float):
            raise InvalidArgumentError(
                f"cannot compute {op} as input #{1 if x_is else 0}(zero-based) was expected "
                f"to be a {_kind(fixed)} tensor but is a float tensor",
                op,
            )
        if x_is:
            return a, b.astype(a.dtype)
        return a.astype(b.dtype), b
    return a, b


def _kind(array: Array) -> str:
    """TensorFlow's word for a dtype in messages: float32 is ``float``, float64 ``double``."""
    return {"float32": "float", "float64": "double"}.get(array.dtype.name, array.dtype.name)


def _binary(
    op: str,
    x: Any,
    y: Any,
    compute: Callable[[Array, Array], Array],
    grads: Callable[[Array, Array, Array, Array], tuple[Any, Any]] | None,
) -> Tensor:
    a, b = _operands(x, y, op)
    try:
        value = compute(a, b)
    except ValueError:
        raise InvalidArgumentError(
            f"Incompatible shapes: {_dims(a.shape)} vs. {_dims(b.shape)}", op
        ) from None
    out = Tensor(np.asarray(value))
    if grads is not None and _tape._ACTIVE and (is_tensor(x) or is_tensor(y)):

        def vjp(dy: Any) -> tuple[Any, Any]:
            da, db = grads(a, b, out._value, np.asarray(dy))
            return (
                None if da is None else unbroadcast(da, a.shape),
                None if db is None else unbroadcast(db, b.shape),
            )

        _tape.record(op, (x, y), (out,), vjp)
    return out


def _unary(
    op: str,
    x: Any,
    compute: Callable[[Array], Array],
    grad: Callable[[Array, Array, Array], Any] | None,
) -> Tensor:
    a = to_array(x)
    out = Tensor(np.asarray(compute(a)))
    if grad is not None and _tape._ACTIVE and is_tensor(x):
        _tape.record(op, (x,), (out,), lambda dy: (grad(a, out._value, np.asarray(dy)),))
    return out


def _float_only(x: Any, op: str) -> None:
    if to_array(x).dtype.kind != "f":
        raise InvalidArgumentError(
            f"Value for attr 'T' of {to_array(x).dtype.name} is not in the list of allowed "
            "values: bfloat16, half, float, double, complex64, complex128",
            op,
        )


# ------------------------------------------------------------------ binary ops
@tf_op("math.add")
def add(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x + y``. Mirrors ``tf.math.add``."""
    return _binary("AddV2", x, y, np.add, lambda a, b, o, dy: (dy, dy))


@tf_op("math.subtract")
def subtract(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x - y``. Mirrors ``tf.math.subtract``."""
    return _binary("Sub", x, y, np.subtract, lambda a, b, o, dy: (dy, -dy))


@tf_op("math.multiply")
def multiply(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x * y``. Mirrors ``tf.math.multiply``."""
    return _binary("Mul", x, y, np.multiply, lambda a, b, o, dy: (dy * b, dy * a))


@tf_op("math.truediv")
def truediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x / y``; integers give float64 (int8/16: float32), as TensorFlow's ``truediv``."""
    a, b = _operands(x, y, "RealDiv")
    if a.dtype.kind in "iu":
        wanted = np.float32 if a.dtype.itemsize <= 2 else np.float64
        x, y = a.astype(wanted), b.astype(wanted)
    return _binary("RealDiv", x, y, np.true_divide, lambda a, b, o, dy: (dy / b, -dy * a / (b * b)))


divide = truediv


@tf_op("math.floordiv")
def floordiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x // y``. Mirrors ``tf.math.floordiv`` (no gradient, as in TensorFlow)."""
    return _binary("FloorDiv", x, y, np.floor_divide, None)


@tf_op("math.floormod")
def floormod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x % y``. Mirrors ``tf.math.floormod``."""
    return _binary("FloorMod", x, y, np.mod, None)


@tf_op("math.pow")
def pow(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x ** y``. Mirrors ``tf.math.pow``."""

    def grads(a: Array, b: Array, out: Array, dy: Array) -> tuple[Any, Any]:
        da = dy * b * np.power(a, b - 1) if b.dtype.kind == "f" else dy * b * a ** (b - 1)
        db = dy * out * np.log(np.where(a > 0, a, 1)) if a.dtype.kind == "f" else None
        return da, db

    return _binary("Pow", x, y, np.power, grads)


@tf_op("math.maximum")
def maximum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise larger value. Mirrors ``tf.math.maximum`` (ties send dy to ``x``)."""
    return _binary("Maximum", x, y, np.maximum, lambda a, b, o, dy: (dy * (a >= b), dy * (a < b)))


@tf_op("math.minimum")
def minimum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise smaller value. Mirrors ``tf.math.minimum``."""
    return _binary("Minimum", x, y, np.minimum, lambda a, b, o, dy: (dy * (a <= b), dy * (a > b)))


@tf_op("math.squared_difference")
def squared_difference(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``(x - y) ** 2``. Mirrors ``tf.math.squared_difference``."""
    return _binary(
        "SquaredDifference",
        x,
        y,
        lambda a, b: np.square(a - b),
        lambda a, b, o, dy: (2 * dy * (a - b), -2 * dy * (a - b)),
    )


def _compare(op: str, fn: Callable[[Array, Array], Array]) -> Callable[..., Tensor]:
    def compare(x: Any, y: Any, name: str | None = None) -> Tensor:
        return _binary(op, x, y, fn, None)

    compare.__doc__ = f"Elementwise ``{fn.__name__}``, a bool tensor. Mirrors ``tf.math.{op}``."
    return compare


equal = tf_op("math.equal")(_compare("Equal", np.equal))
not_equal = tf_op("math.not_equal")(_compare("NotEqual", np.not_equal))
less = tf_op("math.less")(_compare("Less", np.less))
less_equal = tf_op("math.less_equal")(_compare("LessEqual", np.less_equal))
greater = tf_op("math.greater")(_compare("Greater", np.greater))
greater_equal = tf_op("math.greater_equal")(_compare("GreaterEqual", np.greater_equal))
logical_and = tf_op("math.logical_and")(_compare("LogicalAnd", np.logical_and))
logical_or = tf_op("math.logical_or")(_compare("LogicalOr", np.logical_or))


# ------------------------------------------------------------------- unary ops
@tf_op("math.negative")
def negative(x: Any, name: str | None = None) -> Tensor:
    """``-x``. Mirrors ``tf.math.negative``."""
    return _unary("Neg", x, np.negative, lambda a, o, dy: -dy)


@tf_op("math.abs")
def abs(x: Any, name: str | None = None) -> Tensor:
    """``|x|``. Mirrors ``tf.math.abs``."""
    return _unary("Abs", x, np.abs, lambda a, o, dy: dy * np.sign(a))


@tf_op("math.square")
def square(x: Any, name: str | None = None) -> Tensor:
    """``x * x``. Mirrors ``tf.math.square``."""
    return _unary("Square", x, np.square, lambda a, o, dy: 2 * a * dy)


@tf_op("math.sqrt")
def sqrt(x: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.math.sqrt`` (floats only, as in TensorFlow)."""
    _float_only(x, "Sqrt")
    return _unary("Sqrt", x, np.sqrt, lambda a, o, dy: dy / (2 * o))


@tf_op("math.rsqrt")
def rsqrt(x: Any, name: str | None = None) -> Tensor:
    """``1 / sqrt(x)``. Mirrors ``tf.math.rsqrt``."""
    _float_only(x, "Rsqrt")
    return _unary("Rsqrt", x, lambda a: 1 / np.sqrt(a), lambda a, o, dy: -0.5 * dy * o**3)


@tf_op("math.exp")
def exp(x: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.math.exp``."""
    _float_only(x, "Exp")
    return _unary("Exp", x, np.exp, lambda a, o, dy: dy * o)


@tf_op("math.log")
def log(x: Any, name: str | None = None) -> Tensor:
    """Natural logarithm. Mirrors ``tf.math.log``."""
    _float_only(x, "Log")
    return _unary("Log", x, np.log, lambda a, o, dy: dy / a)


@tf_op("math.tanh")
def tanh(x: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.math.tanh``."""
    return _unary("Tanh", x, np.tanh, lambda a, o, dy: dy * (1 - o * o))


@tf_op("math.sigmoid")
def sigmoid(x: Any, name: str | None = None) -> Tensor:
    """``1 / (1 + exp(-x))``. Mirrors ``tf.math.sigmoid``."""
    _float_only(x, "Sigmoid")
    return _unary("Sigmoid", x, lambda a: 1 / (1 + np.exp(-a)), lambda a, o, dy: dy * o * (1 - o))


@tf_op("math.sin")
def sin(x: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.math.sin``."""
    return _unary("Sin", x, np.sin, lambda a, o, dy: dy * np.cos(a))


@tf_op("math.cos")
def cos(x: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.math.cos``."""
    return _unary("Cos", x, np.cos, lambda a, o, dy: -dy * np.sin(a))


@tf_op("math.round")
def round(x: Any, name: str | None = None) -> Tensor:
    """Round half to even. Mirrors ``tf.math.round``."""
    return _unary("Round", x, np.round, None)


@tf_op("math.sign")
def sign(x: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.math.sign``."""
    return _unary("Sign", x, np.sign, None)


@tf_op("identity")
def identity(input: Any, name: str | None = None) -> Tensor:
    """The same values as a new tensor. Mirrors ``tf.identity``."""
    return _unary("Identity", input, np.array, lambda a, o, dy: dy)


# ------------------------------------------------------------------ reductions
def _axes(axis: Any, ndim: int) -> tuple[int, ...] | None:
    if axis is None:
        return None
    values = to_array(axis).reshape(-1).tolist() if is_tensor(axis) else axis
    values = values if isinstance(values, list | tuple) else [values]
    return tuple(int(a) % ndim if ndim else 0 for a in values)


def _spread(dy: Array, shape: tuple[int, ...], axes: tuple[int, ...] | None, keep: bool) -> Array:
    """``dy`` of a reduction, broadcast back over the reduced axes."""
    if not keep:
        dy = np.expand_dims(dy, axes if axes is not None else tuple(builtins.range(len(shape))))
    return np.broadcast_to(dy, shape)


def _reduce(
    op: str,
    x: Any,
    axis: Any,
    keepdims: bool,
    compute: Callable[..., Array],
    grad: Callable[[Array, Array, Array, tuple[int, ...] | None], Array] | None,
) -> Tensor:
    a = to_array(x)
    axes = _axes(axis, a.ndim)
    value = compute(a, axis=axes, keepdims=keepdims)
    out = Tensor(np.asarray(value, dtype=a.dtype if a.dtype.kind != "b" else value.dtype))
    if grad is not None and _tape._ACTIVE and is_tensor(x):

        def vjp(dy: Any) -> tuple[Array]:
            spread = _spread(np.asarray(dy), a.shape, axes, keepdims)
            kept = (
                np.asarray(value) if keepdims else _spread(np.asarray(value), a.shape, axes, False)
            )
            return (grad(a, kept, spread, axes),)

        _tape.record(op, (x,), (out,), vjp)
    return out


def _count(a: Array, axes: tuple[int, ...] | None) -> int:
    return a.size if axes is None else int(np.prod([a.shape[i] for i in axes]))


@tf_op("math.reduce_sum")
def reduce_sum(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Sum over ``axis`` (all axes by default). Mirrors ``tf.math.reduce_sum``."""
    return _reduce("Sum", input_tensor, axis, keepdims, np.sum, lambda a, v, dy, ax: dy.copy())


@tf_op("math.reduce_mean")
def reduce_mean(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Mean over ``axis``; an integer tensor's mean is an integer, as in TensorFlow."""
    return _reduce(
        "Mean",
        input_tensor,
        axis,
        keepdims,
        np.mean,
        lambda a, v, dy, ax: dy / np.asarray(_count(a, ax), a.dtype),
    )


@tf_op("math.reduce_max")
def reduce_max(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Mirrors ``tf.math.reduce_max`` (the gradient is shared among ties)."""

    def grad(a: Array, v: Array, dy: Array, ax: tuple[int, ...] | None) -> Any:
        hit = a == v
        return dy * hit / hit.sum(axis=ax, keepdims=True)

    return _reduce("Max", input_tensor, axis, keepdims, np.max, grad)


@tf_op("math.reduce_min")
def reduce_min(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Mirrors ``tf.math.reduce_min``."""

    def grad(a: Array, v: Array, dy: Array, ax: tuple[int, ...] | None) -> Any:
        hit = a == v
        return dy * hit / hit.sum(axis=ax, keepdims=True)

    return _reduce("Min", input_tensor, axis, keepdims, np.min, grad)


@tf_op("math.reduce_prod")
def reduce_prod(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Mirrors ``tf.math.reduce_prod`` (gradient for nonzero inputs)."""
    return _reduce("Prod", input_tensor, axis, keepdims, np.prod, lambda a, v, dy, ax: dy * v / a)


@tf_op("math.reduce_std")
def reduce_std(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Population standard deviation. Mirrors ``tf.math.reduce_std``."""
    x = input_tensor
    mean = reduce_mean(x, axis=axis, keepdims=True)
    return sqrt(reduce_mean(square(subtract(x, mean)), axis=axis, keepdims=keepdims))


@tf_op("math.reduce_any")
def reduce_any(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Mirrors ``tf.math.reduce_any``."""
    return _reduce("Any", input_tensor, axis, keepdims, np.any, None)


@tf_op("math.reduce_all")
def reduce_all(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Mirrors ``tf.math.reduce_all``."""
    return _reduce("All", input_tensor, axis, keepdims, np.all, None)


@tf_op("math.argmax")
def argmax(
    input: Any, axis: Any = None, output_type: Any = dtypes.int64, name: Any = None
) -> Tensor:
    """Index of the largest value along ``axis`` (0 by default). Mirrors ``tf.math.argmax``."""
    a = to_array(input)
    return Tensor(
        np.argmax(a, axis=0 if axis is None else int(axis)).astype(dtypes.numpy_dtype(output_type))
    )


@tf_op("math.argmin")
def argmin(
    input: Any, axis: Any = None, output_type: Any = dtypes.int64, name: Any = None
) -> Tensor:
    """Index of the smallest value along ``axis`` (0 by default). Mirrors ``tf.math.argmin``."""
    a = to_array(input)
    return Tensor(
        np.argmin(a, axis=0 if axis is None else int(axis)).astype(dtypes.numpy_dtype(output_type))
    )


# ---------------------------------------------------------------------- matmul
@tf_op("linalg.matmul")
def matmul(
    a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False, name: Any = None
) -> Tensor:
    """Matrix product (batched over leading axes). Mirrors ``tf.linalg.matmul``.

    Raises:
        InvalidArgumentError: the inner sizes differ (``Matrix size-incompatible``).
    """
    x, y = _operands(a, b, "MatMul")
    if x.ndim < 2 or y.ndim < 2:
        raise InvalidArgumentError(
            f"In[0] and In[1] has different ndims: {_dims(x.shape)} vs. {_dims(y.shape)}", "MatMul"
        )
    xt = np.swapaxes(x, -1, -2) if transpose_a else x
    yt = np.swapaxes(y, -1, -2) if transpose_b else y
    if xt.shape[-1] != yt.shape[-2]:
        raise InvalidArgumentError(
            f"Matrix size-incompatible: In[0]: {_dims(x.shape)}, In[1]: {_dims(y.shape)}", "MatMul"
        )
    out = Tensor(xt @ yt)
    if _tape._ACTIVE and (is_tensor(a) or is_tensor(b)):

        def vjp(dy: Any) -> tuple[Array, Array]:
            dy = np.asarray(dy)
            dxt = dy @ np.swapaxes(yt, -1, -2)
            dyt = np.swapaxes(xt, -1, -2) @ dy
            dx = np.swapaxes(dxt, -1, -2) if transpose_a else dxt
            dyy = np.swapaxes(dyt, -1, -2) if transpose_b else dyt
            return unbroadcast(dx, x.shape), unbroadcast(dyy, y.shape)

        _tape.record("MatMul", (a, b), (out,), vjp)
    return out


def gather_slice(x: Any, key: Any) -> Tensor:
    """``x[key]``: numpy indexing, tensors allowed as indices. Mirrors ``Tensor.__getitem__``."""
    if isinstance(key, tuple):
        key = tuple(to_array(k) if is_tensor(k) else k for k in key)
    elif is_tensor(key):
        key = to_array(key)
    a = to_array(x)
    out = Tensor(np.asarray(a[key]))
    if _tape._ACTIVE and is_tensor(x) and a.dtype.kind == "f":

        def vjp(dy: Any) -> tuple[Array]:
            dx = np.zeros_like(a)
            np.add.at(dx, key, np.asarray(dy))
            return (dx,)

        _tape.record("StridedSlice", (x,), (out,), vjp)
    return out


#: ``x[key]`` as an op of its own (what ``KerasTensor.__getitem__`` calls).
getitem = tf_op("__operators__.getitem")(gather_slice)


@tf_op("math.add_n")
def add_n(inputs: list[Any], name: Any = None) -> Tensor:
    """The sum of a list of tensors. Mirrors ``tf.math.add_n``."""
    total: Any = inputs[0]
    for value in inputs[1:]:
        total = add(total, value)
    return total if isinstance(total, Tensor) else Tensor(to_array(total))
