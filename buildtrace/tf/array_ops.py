"""Making and reshaping tensors: ``tf.constant``, ``tf.ones``, ``tf.cast``, ``tf.reshape``...

Mirrors: ``tensorflow/python/framework/constant_op.py`` and ``ops/array_ops.py``. Each
function keeps TensorFlow's signature and dtype defaults (``tf.ones`` is float32,
``tf.shape`` int32) and, where a gradient flows through it, records itself on an active
``GradientTape``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.tf import dtypes
from buildtrace.tf import tape as _tape
from buildtrace.tf.errors import InvalidArgumentError
from buildtrace.tf.tensors import Tensor, Variable, is_tensor, tf_op, to_array


@tf_op("constant")
def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Tensor:
    """A tensor holding ``value``. Mirrors ``tf.constant`` (``shape`` broadcasts a scalar)."""
    array = np.array(to_array(value, dtype))
    if shape is not None:
        array = np.broadcast_to(array, tuple(shape)).copy()
    return Tensor(array)


def convert_to_tensor(value: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """``value`` as a tensor (a tensor stays itself). Mirrors ``tf.convert_to_tensor``."""
    if type(value) is Tensor and (dtype is None or value.dtype == dtype):
        return value
    if isinstance(value, Variable):
        return Tensor(value.value.copy()) if dtype is None else cast(value, dtype)
    return Tensor(to_array(value, dtype))


def _shape_arg(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, int | np.integer):
        return (int(shape),)
    return tuple(int(d) for d in to_array(shape).reshape(-1)) if is_tensor(shape) else tuple(shape)


def ones(shape: Any, dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
    """Mirrors ``tf.ones``."""
    return Tensor(np.ones(_shape_arg(shape), dtypes.numpy_dtype(dtype)))


def zeros(shape: Any, dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
    """Mirrors ``tf.zeros``."""
    return Tensor(np.zeros(_shape_arg(shape), dtypes.numpy_dtype(dtype)))


def fill(dims: Any, value: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.fill``."""
    scalar = to_array(value)
    return Tensor(np.full(_shape_arg(dims), scalar, scalar.dtype))


@tf_op("ones_like")
def ones_like(input: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """Mirrors ``tf.ones_like``."""
    array = to_array(input)
    return Tensor(np.ones(array.shape, dtypes.numpy_dtype(dtype) if dtype else array.dtype))


@tf_op("zeros_like")
def zeros_like(input: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """Mirrors ``tf.zeros_like``."""
    array = to_array(input)
    return Tensor(np.zeros(array.shape, dtypes.numpy_dtype(dtype) if dtype else array.dtype))


@tf_op("cast")
def cast(x: Any, dtype: Any, name: str | None = None) -> Tensor:
    """``x`` converted to ``dtype`` (floats to ints truncate). Mirrors ``tf.cast``."""
    array = to_array(x)
    wanted = dtypes.numpy_dtype(dtype)
    out = Tensor(array.astype(wanted))
    if _tape._ACTIVE and is_tensor(x) and wanted.kind == "f" and array.dtype.kind == "f":
        _tape.record("Cast", (x,), (out,), lambda dy: (np.asarray(dy).astype(array.dtype),))
    return out


@tf_op("reshape")
def reshape(tensor: Any, shape: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.reshape`` (one ``-1`` size is inferred).

    Raises:
        InvalidArgumentError: the sizes do not match, with TensorFlow's message.
    """
    array = to_array(tensor)
    target = _shape_arg(shape)
    known = int(np.prod([d for d in target if d != -1], dtype=np.int64))
    if (-1 not in target and known != array.size) or (
        -1 in target and (known == 0 or array.size % known)
    ):
        raise InvalidArgumentError(
            f"Input to reshape is a tensor with {array.size} values, but the requested shape "
            f"{'requires a multiple of' if -1 in target else 'has'} {known}",
            "Reshape",
        )
    out = Tensor(array.reshape(target))
    if _tape._ACTIVE and is_tensor(tensor):
        _tape.record("Reshape", (tensor,), (out,), lambda dy: (np.reshape(dy, array.shape),))
    return out


@tf_op("shape")
def shape(input: Any, out_type: Any = dtypes.int32, name: str | None = None) -> Tensor:
    """The shape as an int32 tensor. Mirrors ``tf.shape``."""
    return Tensor(np.array(to_array(input).shape, dtypes.numpy_dtype(out_type)))


def rank(input: Any, name: str | None = None) -> Tensor:
    """Mirrors ``tf.rank``."""
    return Tensor(np.array(to_array(input).ndim, np.int32))


def size(input: Any, out_type: Any = dtypes.int32, name: str | None = None) -> Tensor:
    """Mirrors ``tf.size``."""
    return Tensor(np.array(to_array(input).size, dtypes.numpy_dtype(out_type)))


def range(
    start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None, name: str | None = None
) -> Tensor:
    """Mirrors ``tf.range``."""
    if limit is None:
        start, limit = 0, start
    parts = [to_array(v) for v in (start, limit, delta)]
    if dtype is None:
        dtype = np.float32 if any(p.dtype.kind == "f" for p in parts) else np.int32
    first, last, step = (p.item() for p in parts)
    return Tensor(np.arange(first, last, step).astype(dtypes.numpy_dtype(dtype)))


def linspace(start: Any, stop: Any, num: int, name: str | None = None, axis: int = 0) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``. Mirrors ``tf.linspace``."""
    first = to_array(start)
    dtype = first.dtype if first.dtype.kind == "f" else np.float32
    return Tensor(np.linspace(first, to_array(stop), int(num), axis=axis).astype(dtype))


@tf_op("concat")
def concat(values: list[Any], axis: int, name: str | None = None) -> Tensor:
    """Join tensors along ``axis``. Mirrors ``tf.concat``.

    Raises:
        InvalidArgumentError: the other sizes differ, with TensorFlow's message.
    """
    arrays = [to_array(v) for v in values]
    try:
        out = Tensor(np.concatenate(arrays, axis=axis))
    except ValueError:
        raise InvalidArgumentError(_concat_mismatch(arrays, axis), "ConcatV2") from None
    if _tape._ACTIVE and any(is_tensor(v) for v in values):
        bounds = np.cumsum([a.shape[axis] for a in arrays])[:-1]
        _tape.record(
            "ConcatV2", tuple(values), (out,), lambda dy: np.split(np.asarray(dy), bounds, axis)
        )
    return out


def _concat_mismatch(arrays: list[np.ndarray], axis: int) -> str:
    """TensorFlow's message for the first pair of shapes that cannot be joined."""
    first = arrays[0]
    for i, other in enumerate(arrays[1:], start=1):
        if other.ndim != first.ndim:
            return (
                f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                f"{_dims(first.shape)} vs. shape[{i}] = {_dims(other.shape)}"
            )
        for d in range(first.ndim):
            if d != axis % first.ndim and first.shape[d] != other.shape[d]:
                return (
                    f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                    f"{_dims(first.shape)} vs. shape[{i}] = {_dims(other.shape)}"
                )
    return "ConcatOp : Dimension mismatch in concat"


def _dims(shape: tuple[int, ...]) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


@tf_op("stack")
def stack(values: list[Any], axis: int = 0, name: str | None = None) -> Tensor:
    """Stack same-shaped tensors along a new axis. Mirrors ``tf.stack``."""
    arrays = [to_array(v) for v in values]
    try:
        out = Tensor(np.stack(arrays, axis=axis))
    except ValueError:
        raise InvalidArgumentError(
            f"Shapes of all inputs must match: values[0].shape = {list(arrays[0].shape)} != "
            f"values[1].shape = {list(arrays[1].shape) if len(arrays) > 1 else []}",
            "Pack",
        ) from None
    if _tape._ACTIVE and any(is_tensor(v) for v in values):
        _tape.record(
            "Pack",
            tuple(values),
            (out,),
            lambda dy: [np.take(np.asarray(dy), i, axis=axis) for i in range(len(arrays))],
        )
    return out


@tf_op("expand_dims")
def expand_dims(input: Any, axis: int, name: str | None = None) -> Tensor:
    """Insert a size-1 axis. Mirrors ``tf.expand_dims``."""
    array = to_array(input)
    return reshape(input, np.expand_dims(array, axis).shape)


@tf_op("squeeze")
def squeeze(input: Any, axis: Any = None, name: str | None = None) -> Tensor:
    """Drop size-1 axes. Mirrors ``tf.squeeze``."""
    array = to_array(input)
    return reshape(input, np.squeeze(array, axis=None if axis is None else axis).shape)


@tf_op("transpose")
def transpose(a: Any, perm: Any = None, name: str | None = None) -> Tensor:
    """Permute the axes (reverse them by default). Mirrors ``tf.transpose``."""
    array = to_array(a)
    order = tuple(range(array.ndim))[::-1] if perm is None else tuple(int(p) for p in perm)
    out = Tensor(np.transpose(array, order))
    if _tape._ACTIVE and is_tensor(a):
        inverse = tuple(np.argsort(order))
        _tape.record("Transpose", (a,), (out,), lambda dy: (np.transpose(dy, inverse),))
    return out


@tf_op("one_hot")
def one_hot(
    indices: Any,
    depth: int,
    on_value: Any = None,
    off_value: Any = None,
    axis: Any = None,
    dtype: Any = dtypes.float32,
    name: str | None = None,
) -> Tensor:
    """One-hot rows (out-of-range indices give all zeros). Mirrors ``tf.one_hot``."""
    labels = to_array(indices).astype(np.int64)
    wanted = dtypes.numpy_dtype(dtype)
    on = 1 if on_value is None else to_array(on_value).item()
    off = 0 if off_value is None else to_array(off_value).item()
    out = np.where(labels[..., None] == np.arange(int(depth)), on, off).astype(wanted)
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


@tf_op("where")
def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Tensor:
    """``x`` where ``condition`` holds, else ``y``; alone, the true coordinates."""
    mask = to_array(condition).astype(bool)
    if x is None and y is None:
        return Tensor(np.argwhere(mask).astype(np.int64))
    a, b = to_array(x), to_array(y)
    out = Tensor(np.where(mask, a, b))
    if _tape._ACTIVE and (is_tensor(x) or is_tensor(y)):
        from buildtrace.tf.math_ops import unbroadcast

        _tape.record(
            "SelectV2",
            (condition, x, y),
            (out,),
            lambda dy: (
                None,
                unbroadcast(np.where(mask, dy, 0), a.shape),
                unbroadcast(np.where(mask, 0, dy), b.shape),
            ),
        )
    return out


@tf_op("clip_by_value")
def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name: Any = None) -> Tensor:
    """Clamp into ``[min, max]``. Mirrors ``tf.clip_by_value``."""
    array = to_array(t)
    low = to_array(clip_value_min, array.dtype)
    high = to_array(clip_value_max, array.dtype)
    out = Tensor(np.clip(array, low, high))
    if _tape._ACTIVE and is_tensor(t):
        inside = (array >= low) & (array <= high)
        _tape.record("ClipByValue", (t,), (out,), lambda dy: (np.asarray(dy) * inside,))
    return out


@tf_op("gather")
def gather(params: Any, indices: Any, axis: int = 0, name: str | None = None) -> Tensor:
    """Rows (or slices along ``axis``) picked by ``indices``. Mirrors ``tf.gather``."""
    array = to_array(params)
    picks = to_array(indices).astype(np.int64)
    out = Tensor(np.take(array, picks, axis=axis))
    if _tape._ACTIVE and is_tensor(params):

        def vjp(dy: Any) -> tuple[np.ndarray]:
            grad = np.zeros_like(array)
            moved = np.moveaxis(grad, axis, 0)
            np.add.at(moved, picks, np.moveaxis(np.asarray(dy), axis, 0))
            return (grad,)

        _tape.record("GatherV2", (params,), (out,), vjp)
    return out


@tf_op("tile")
def tile(input: Any, multiples: Any, name: str | None = None) -> Tensor:
    """Repeat the tensor ``multiples[i]`` times along axis ``i``. Mirrors ``tf.tile``."""
    return Tensor(np.tile(to_array(input), [int(m) for m in to_array(multiples).reshape(-1)]))


@tf_op("split")
def split(
    value: Any, num_or_size_splits: Any, axis: int = 0, num: Any = None, name: str | None = None
) -> list[Tensor]:
    """Cut ``value`` along ``axis`` into equal parts or parts of given sizes.

    Mirrors ``tf.split``: an int ``n`` makes ``n`` equal parts (the size must divide);
    a list of sizes (one may be ``-1``) makes parts of those sizes. Each part's gradient
    lands in its slice of the input.

    Raises:
        InvalidArgumentError: the sizes do not fit the axis, with TensorFlow's message.
    """
    array = to_array(value)
    axis = int(axis) % array.ndim if array.ndim else 0
    length = array.shape[axis]
    if isinstance(num_or_size_splits, int | np.integer):
        count = int(num_or_size_splits)
        if count <= 0 or length % count:
            raise InvalidArgumentError(
                f"Number of ways to split should evenly divide the split dimension, but got "
                f"split_dim {axis} (size = {length}) and num_split {count}",
                "Split",
            )
        sizes = [length // count] * count
    else:
        sizes = [int(s) for s in to_array(num_or_size_splits).reshape(-1)]
        if sizes.count(-1) == 1:
            sizes[sizes.index(-1)] = length - (sum(sizes) + 1)
        if sum(sizes) != length or any(s < 0 for s in sizes):
            raise InvalidArgumentError(
                f"Determined shape must either match input shape along split_dim exactly if "
                f"fully specified, or be less than the size of the input along split_dim if "
                f"not fully specified.  Got: {sum(sizes)}",
                "SplitV",
            )
    bounds = np.cumsum(sizes)[:-1]
    outs = [Tensor(part) for part in np.split(array, bounds, axis=axis)]
    if _tape._ACTIVE and is_tensor(value):
        starts = [0, *bounds.tolist()]
        for out, start, size in zip(outs, starts, sizes):
            _tape.record("Split", (value,), (out,), _slice_vjp(array, axis, start, size))
    return outs


def _slice_vjp(array: np.ndarray, axis: int, start: int, size: int) -> Any:
    def vjp(dy: Any) -> tuple[np.ndarray]:
        grad = np.zeros_like(array)
        index = [slice(None)] * array.ndim
        index[axis] = slice(start, start + size)
        grad[tuple(index)] = np.asarray(dy)
        return (grad,)

    return vjp
