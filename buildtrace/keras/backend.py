"""Session state of the mini-Keras, and the tensor functions old examples call as ``K.``.

Mirrors: ``keras/backend.py`` of Keras 2 (``get_uid``, ``unique_object_name``,
``clear_session``, ``floatx``, ``epsilon``, ``image_data_format``, and ``K.mean``,
``K.square``, ``K.concatenate``... which Keras writes over TensorFlow ops, as we write
them over ``buildtrace.tf``'s). Keras keeps the session per TensorFlow graph; we keep it
per process, which is what a script sees in eager mode.
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from buildtrace.keras.unsupported import module_getattr
from buildtrace.tf import array_ops, dtypes, math_ops, nn, tensors
from buildtrace.tf import random as tf_random

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"

#: Per-prefix counters behind layer names (``dense``, ``dense_1``...).
_UIDS: collections.defaultdict[str, int] = collections.defaultdict(int)


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
    global _FLOATX, _EPSILON
    _FLOATX, _EPSILON = "float32", 1e-7


def rng() -> np.random.Generator:
    """The session's random generator: ``tf.random``'s, reseeded by ``set_random_seed``."""
    return tf_random.generator()


def set_rng_seed(seed: int) -> None:
    """Reseed the session's random generator (and numpy's and Python's, as TensorFlow's)."""
    tf_random.set_seed(seed)


# ------------------------------------------------------------------ name scopes
#: Names of the layers whose eager ``__call__`` is running, outermost first: the part of
#: TensorFlow's name-scope stack that weight names see (``two_layer/dense/kernel:0``).
NAME_SCOPES: list[str] = tensors.NAME_SCOPES  # one stack: tf.Variable's names see it too


def set_floatx(value: str) -> None:
    """Set the default float type. Mirrors ``keras/backend.py::set_floatx``.

    Raises:
        ValueError: an unknown type, with Keras's message.
    """
    global _FLOATX
    if value not in {"float16", "float32", "float64"}:
        raise ValueError(
            f"Unknown `floatx` value: {value}. Expected one of {{'float16', 'float32', 'float64'}}"
        )
    _FLOATX = str(value)


def set_epsilon(value: float) -> None:
    """Set the fuzz factor. Mirrors ``keras/backend.py::set_epsilon``."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """``"channels_last"`` (the only layout buildtrace's layers use), as Keras's default."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Set the image layout. Mirrors ``keras/backend.py::set_image_data_format``.

    Raises:
        ValueError: anything but ``channels_last``/``channels_first`` (Keras's message).
    """
    global _IMAGE_DATA_FORMAT
    if data_format not in {"channels_last", "channels_first"}:
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    _IMAGE_DATA_FORMAT = str(data_format)


#: The weight type: ``tf.Variable`` itself, as in Keras 2 (``model.trainable_variables``
#: are ``tf.Variable``s). Defined in ``buildtrace.tf.tensors``.
Variable = tensors.Variable


def variable(value: Any, dtype: Any = None, name: str | None = None, constraint: Any = None) -> Any:
    """A variable holding ``value``. Mirrors ``keras/backend.py::variable``."""
    return tensors.Variable(value, dtype=dtype or floatx(), name=name)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Any:
    """Mirrors ``keras/backend.py::constant`` (``floatx`` by default)."""
    return array_ops.constant(value, dtype=dtype or floatx(), shape=shape)


def is_keras_tensor(x: Any) -> bool:
    """True for a symbolic tensor. Mirrors ``keras/backend.py::is_keras_tensor``."""
    from buildtrace.keras.engine.keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)


def int_shape(x: Any) -> tuple[int | None, ...]:
    """The shape as a tuple of ints (None where unknown). Mirrors ``K.int_shape``."""
    return tuple(x.shape)


def shape(x: Any) -> Any:
    """The shape as an int32 tensor. Mirrors ``K.shape`` (``tf.shape``)."""
    return array_ops.shape(x)


def ndim(x: Any) -> int:
    """Number of axes. Mirrors ``K.ndim``."""
    return len(x.shape)


def dtype(x: Any) -> str:
    """The dtype's name. Mirrors ``K.dtype``."""
    value = x.dtype
    return value if isinstance(value, str) else dtypes.as_dtype(value).name


def _axis_keep(fn: Any) -> Any:
    def op(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        return fn(x, axis=axis, keepdims=keepdims)

    op.__doc__ = f"Mirrors ``K.{fn.__name__.replace('reduce_', '')}`` (``tf.{fn.__name__}``)."
    return op


mean = _axis_keep(math_ops.reduce_mean)
sum = _axis_keep(math_ops.reduce_sum)
max = _axis_keep(math_ops.reduce_max)
min = _axis_keep(math_ops.reduce_min)
prod = _axis_keep(math_ops.reduce_prod)
std = _axis_keep(math_ops.reduce_std)
square = math_ops.square
sqrt = math_ops.sqrt
exp = math_ops.exp
log = math_ops.log
abs = math_ops.abs
maximum = math_ops.maximum
minimum = math_ops.minimum
dot = math_ops.matmul
cast = array_ops.cast
reshape = array_ops.reshape
expand_dims = array_ops.expand_dims
squeeze = array_ops.squeeze
transpose = array_ops.transpose
softmax = nn.softmax
relu = nn.relu
sigmoid = math_ops.sigmoid
tanh = math_ops.tanh
argmax = math_ops.argmax
ones_like = array_ops.ones_like
zeros_like = array_ops.zeros_like


def concatenate(tensors: list[Any], axis: int = -1) -> Any:
    """Join along ``axis`` (the last by default). Mirrors ``K.concatenate``."""
    return array_ops.concat(list(tensors), axis=axis)


def stack(x: list[Any], axis: int = 0) -> Any:
    """Mirrors ``K.stack``."""
    return array_ops.stack(list(x), axis=axis)


def clip(x: Any, min_value: Any, max_value: Any) -> Any:
    """Mirrors ``K.clip``."""
    return array_ops.clip_by_value(x, min_value, max_value)


def l2_normalize(x: Any, axis: Any = None) -> Any:
    """``x`` divided by its L2 norm along ``axis``. Mirrors ``K.l2_normalize``."""
    return nn.l2_normalize(x, axis=axis)


def random_normal(
    shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
) -> Any:
    """Normal draws (``floatx``). Mirrors ``K.random_normal``."""
    return tf_random.normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(
    shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None
) -> Any:
    """Uniform draws (``floatx``). Mirrors ``K.random_uniform``."""
    return tf_random.uniform(shape, minval, maxval, dtype=dtype or floatx(), seed=seed)


def get_value(x: Any) -> Any:
    """The value as a numpy array. Mirrors ``K.get_value``."""
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def set_value(x: Any, value: Any) -> None:
    """Overwrite a variable's value. Mirrors ``K.set_value``."""
    x.assign(np.asarray(value))


def eval(x: Any) -> Any:
    """Mirrors ``K.eval``: the value as a numpy array."""
    return get_value(x)


def learning_phase() -> int:
    """0: outside ``fit``, layers run in inference mode, as Keras's default phase."""
    return 0


__getattr__ = module_getattr("keras.backend")
