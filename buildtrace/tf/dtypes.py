"""``tf.DType``: TensorFlow's data types, each standing for a numpy dtype.

Mirrors: ``tensorflow/python/framework/dtypes.py``. A ``DType`` compares equal to its
name and to the numpy dtype (``tf.float32 == "float32"``, as TensorFlow's does), and
numpy accepts it wherever it wants a dtype (``array.astype(tf.float32)``).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from buildtrace.tf.unsupported import module_getattr


class DType:
    """A TensorFlow data type. Mirrors: ``tf.dtypes.DType``.

    Example:
        >>> float32
        tf.float32
        >>> float32.name, float32.is_floating, float32 == "float32"
        ('float32', True, True)
    """

    __slots__ = ("_np",)

    def __init__(self, numpy_dtype: Any) -> None:
        self._np = np.dtype(numpy_dtype)

    @property
    def name(self) -> str:
        """``"float32"``, ``"int64"``..."""
        return "string" if self._np.kind in "OSU" else self._np.name

    @property
    def as_numpy_dtype(self) -> Any:
        """The numpy scalar type (``numpy.float32``)."""
        return self._np.type

    @property
    def dtype(self) -> Any:
        # numpy reads a `.dtype` attribute when it is handed an object as a dtype.
        return self._np

    @property
    def is_floating(self) -> builtins.bool:
        """True for float16/32/64."""
        return builtins.bool(self._np.kind == "f")

    @property
    def is_integer(self) -> builtins.bool:
        """True for signed and unsigned integers."""
        return builtins.bool(self._np.kind in "iu")

    @property
    def is_bool(self) -> builtins.bool:
        """True for ``tf.bool``."""
        return builtins.bool(self._np.kind == "b")

    @property
    def as_datatype_enum(self) -> int:
        """TensorFlow's enum number for the type (``tf.float32`` is 1)."""
        return next(k for k, v in _BY_ENUM.items() if v._np == self._np)

    @property
    def base_dtype(self) -> DType:
        """The type itself (TensorFlow's reference types do not exist here)."""
        return self

    @property
    def min(self) -> Any:
        """The smallest value of the type."""
        info = np.finfo(self._np) if self.is_floating else np.iinfo(self._np)
        return info.min

    @property
    def max(self) -> Any:
        """The largest value of the type."""
        info = np.finfo(self._np) if self.is_floating else np.iinfo(self._np)
        return info.max

    def __eq__(self, other: object) -> builtins.bool:
        try:
            return builtins.bool(self._np == as_dtype(other)._np)
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self._np)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"


float16 = DType(np.float16)
float32 = DType(np.float32)
float64 = DType(np.float64)
double = float64
half = float16
int8 = DType(np.int8)
int16 = DType(np.int16)
int32 = DType(np.int32)
int64 = DType(np.int64)
uint8 = DType(np.uint8)
uint16 = DType(np.uint16)
bool = DType(np.bool_)
string = DType(np.object_)

_BY_NAME = {
    d.name: d
    for d in (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, bool, string)
}
_BY_NAME.update({"float": float32, "double": float64, "half": float16})

#: TensorFlow's ``DataType`` enum numbers (``types.proto``): ``tf.zeros(3, 1)`` is float32.
_BY_ENUM = {
    1: float32,
    2: float64,
    3: int32,
    4: uint8,
    5: int16,
    6: int8,
    7: string,
    9: int64,
    10: bool,
    17: uint16,
    19: float16,
}


def as_dtype(type_value: Any) -> DType:
    """A ``DType`` from a ``DType``, a name, a numpy dtype or a Python type.

    Mirrors: ``tf.as_dtype``. Python's ``float`` is ``float32`` and ``int`` is ``int32``
    in TensorFlow, not numpy's 64-bit types.

    Raises:
        TypeError: for anything that is not a type, with TensorFlow's message.
    """
    if isinstance(type_value, DType):
        return type_value
    if type_value is float:
        return float32
    if type_value is int:
        return int32
    if type(type_value) is int:
        # TensorFlow reads a plain int as its DataType enum number.
        if type_value in _BY_ENUM:
            return _BY_ENUM[type_value]
        raise TypeError(
            f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType."
        )
    if isinstance(type_value, str) and type_value in _BY_NAME:
        return _BY_NAME[type_value]
    try:
        numpy_dtype = np.dtype(type_value)
    except TypeError:
        raise TypeError(
            f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType."
        ) from None
    if numpy_dtype.kind in "OSU":
        return string
    return _BY_NAME.get(numpy_dtype.name) or DType(numpy_dtype)


def numpy_dtype(type_value: Any) -> Any:
    """The numpy dtype for anything :func:`as_dtype` accepts."""
    return as_dtype(type_value)._np


__getattr__ = module_getattr("tf.dtypes")
