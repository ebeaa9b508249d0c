"""Shapes and dtypes of tensors, as the engine reads them.

Mirrors: ``keras/utils/tf_utils.py`` (``get_shapes``, ``convert_shapes``...,
``sync_to_numpy_or_python_type``), where Keras keeps its small helpers over TensorFlow
tensors. Here they also read buildtrace's
stand-in for graph mode: inside a traced step (``base_layer_utils.symbolic_batch``) a real batch
reports its batch size as None, as the ``tf.function``'s placeholder would.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine import base_layer_utils
from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.keras.utils.nest import map_structure
from buildtrace.tf import array_ops
from buildtrace.tf.tensors import Tensor, is_tensor


def static_shape(x: Any) -> tuple[int | None, ...]:
    """``x.shape`` as a tuple, with the batch size None inside a traced step.

    Example:
        >>> static_shape(np.zeros((2, 3)))
        (2, 3)
        >>> with base_layer_utils.symbolic_batch():
        ...     static_shape(np.zeros((2, 3)))
        (None, 3)
    """
    shape = tuple(x.shape)
    if shape and base_layer_utils.in_symbolic_batch() and not isinstance(x, KerasTensor):
        return (None, *shape[1:])
    return shape


def shapes_of(structure: Any) -> Any:
    """The shape (a tuple) of each tensor in a structure: a tuple, or a list of tuples."""
    if isinstance(structure, list | tuple):
        return [shapes_of(x) for x in structure]
    return static_shape(structure)


def dtype_name(x: Any) -> str:
    """``"float32"`` for an array, a tensor or a symbolic tensor."""
    dtype = x.dtype
    return dtype.name if hasattr(dtype, "name") and not isinstance(dtype, str) else str(dtype)


def as_float_tensor(dtype: str) -> Any:
    """Inputs as tensors for ``call``: numbers cast to the layer's dtype (tensors stay).

    Keras casts a layer's floating inputs to its compute dtype before ``call``
    (``Layer._maybe_cast_inputs``); plain numbers become tensors of that dtype.
    """

    def convert(x: Any) -> Any:
        if is_tensor(x):
            if x.dtype.is_floating and x.dtype != dtype:
                return array_ops.cast(x, dtype)
            return x
        array = np.asarray(x)
        return Tensor(array.astype(dtype) if array.dtype.kind in "fiub" else array)

    return convert


def sync_to_numpy_or_python_type(tensors: Any) -> Any:
    """Tensors to numpy, and 0-d values to Python numbers: what a callback's logs hold.

    Mirrors: ``keras/utils/tf_utils.py::sync_to_numpy_or_python_type``. A train step
    returns its metrics' ``result()`` tensors; ``fit`` hands callbacks (and ``History``)
    plain floats.

    Example:
        >>> from buildtrace.tf import constant
        >>> sync_to_numpy_or_python_type({"loss": constant(0.5)})
        {'loss': 0.5}
    """

    def convert(value: Any) -> Any:
        # A variable too: Keras wraps a metric's `result()` so that it reads as a tensor
        # (`result_wrapper`), even when the metric returns its state variable.
        if is_tensor(value):
            value = value.numpy()
        if not isinstance(value, np.ndarray | np.generic):
            return value
        return value.item() if np.ndim(value) == 0 else value

    return map_structure(convert, tensors)
