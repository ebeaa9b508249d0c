"""Eager tensors and variables: what ``model(x)`` returns and what training updates.

Mirrors: ``tensorflow/python/framework/ops.py::_EagerTensorBase`` (``tf.Tensor``),
``tensor_shape.py::TensorShape``, ``ops/variables.py::Variable`` and the creation ops of
``array_ops.py`` / ``constant_op.py``. A :class:`Tensor` wraps a numpy array: it has
``.numpy()``, ``.shape`` (a :class:`TensorShape`), ``.dtype`` (a ``tf.DType``), converts
with ``int()``/``float()``/``np.asarray``, indexes, and computes with numpy arrays and
Python numbers as TensorFlow's do (the other operand takes the tensor's dtype; two
tensors of different dtypes are an ``InvalidArgumentError``).

A :class:`Variable` is the weight type of the whole mini-Keras: ``layer.add_weight``
makes one, ``model.trainable_variables`` lists them, optimizers update ``value`` (the
numpy array itself, a plain attribute because training reads it constantly) in place.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np

from buildtrace.tf import dtypes
from buildtrace.tf.unsupported import unsupported

F = TypeVar("F", bound=Callable[..., Any])

#: ``x[tf.newaxis]`` adds an axis, as ``None`` does in numpy. Mirrors ``tf.newaxis``.
newaxis = None


class TensorShape(tuple[Any, ...]):
    """A tensor's shape. Mirrors: ``tf.TensorShape`` (``None`` for an unknown size).

    A tuple underneath (so numpy and the engine take it as a shape), with TensorFlow's
    methods and repr on top.

    Example:
        >>> s = TensorShape([2, 3])
        >>> s, s.as_list(), s[0], s == (2, 3), str(s)
        (TensorShape([2, 3]), [2, 3], 2, True, '(2, 3)')
    """

    def __new__(cls, dims: Any = ()) -> TensorShape:
        dims = () if dims is None else dims
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    def as_list(self) -> list[int | None]:
        """The sizes as a list."""
        return list(self)

    @property
    def rank(self) -> int:
        """Number of dimensions."""
        return len(self)

    @property
    def ndims(self) -> int:
        """Number of dimensions."""
        return len(self)

    @property
    def dims(self) -> list[int | None]:
        """The sizes (TensorFlow 2 returns plain ints here too)."""
        return list(self)

    def num_elements(self) -> int | None:
        """The product of the sizes, or None if one is unknown."""
        if any(d is None for d in self):
            return None
        return int(np.prod(self, dtype=np.int64))

    def is_fully_defined(self) -> builtins.bool:
        """Whether every size is known."""
        return all(d is not None for d in self)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return TensorShape(tuple.__getitem__(self, key))
        return tuple.__getitem__(self, key)

    def __add__(self, other: Any) -> TensorShape:
        return TensorShape((*self, *other))

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        return str(tuple(self))


def to_array(x: Any, dtype: Any = None) -> np.ndarray:
    """The numpy array behind a tensor, variable, array, list or number.

    Python numbers and lists follow TensorFlow's defaults (``1.5`` is float32, ``1`` is
    int32); numpy arrays keep their dtype.
    """
    kind = type(x)
    if kind is Tensor:
        array: np.ndarray = x._value
    elif isinstance(x, Variable):
        array = x.value
    elif kind is np.ndarray:
        array = x
    else:
        array = _python_to_array(x)
    if dtype is not None:
        wanted = dtypes.numpy_dtype(dtype)
        if array.dtype != wanted:
            array = array.astype(wanted)
    return array


def _python_to_array(x: Any) -> np.ndarray:
    if isinstance(x, np.generic):
        return np.asarray(x)
    if isinstance(x, list | tuple) and any(isinstance(v, Tensor | Variable) for v in x):
        x = [to_array(v) for v in x]
    array = np.asarray(x)
    if array.dtype == np.float64 and not isinstance(x, np.ndarray):
        return array.astype(np.float32)
    if array.dtype == np.int64 and not isinstance(x, np.ndarray):
        return array.astype(np.int32)
    return array


def is_tensor(x: Any) -> bool:
    """True for a tensor or a variable. Mirrors ``tf.is_tensor``."""
    return isinstance(x, Tensor | Variable)


class _TensorOps:
    """The operators tensors and variables share; each is an op of ``math_ops``."""

    __slots__ = ()
    # numpy defers `array + tensor` to Tensor.__radd__ (the result stays a Tensor).
    __array_priority__ = 100

    def _array(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def device(self) -> str:
        """Where the value lives: always the CPU (buildtrace computes on numpy)."""
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    @property
    def shape(self) -> TensorShape:
        """The shape, a :class:`TensorShape`."""
        return TensorShape(self._array().shape)

    @property
    def dtype(self) -> dtypes.DType:
        """The dtype, a ``tf.DType`` (``.name`` gives ``"float32"``)."""
        return dtypes.as_dtype(self._array().dtype)

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self._array().ndim

    def numpy(self) -> np.ndarray:
        """The value as a numpy array. Mirrors ``tf.Tensor.numpy``."""
        return self._array()

    def get_shape(self) -> TensorShape:
        """Same as ``shape``."""
        return self.shape

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self._array()
        return array if dtype is None else array.astype(dtype)

    def __float__(self) -> float:
        return float(self._array())

    def __int__(self) -> int:
        return int(self._array())

    def __index__(self) -> int:
        return int(self._array())

    def __bool__(self) -> bool:
        return builtins.bool(self._array())

    def __len__(self) -> int:
        array = self._array()
        if array.ndim == 0:
            raise TypeError("len is not well defined for a rank-0 tensor")
        return len(array)

    def __iter__(self) -> Iterator[Tensor]:
        array = self._array()
        if array.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        for i in range(len(array)):
            yield self[i]

    def __format__(self, spec: str) -> str:
        array = self._array()
        return format(array.item() if array.ndim == 0 else array, spec)

    def __getitem__(self, key: Any) -> Tensor:
        return math_ops.gather_slice(self, key)

    def __add__(self, other: Any) -> Tensor:
        return math_ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return math_ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return math_ops.subtract(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return math_ops.subtract(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return math_ops.multiply(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return math_ops.multiply(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return math_ops.truediv(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return math_ops.truediv(other, self)

    def __floordiv__(self, other: Any) -> Tensor:
        return math_ops.floordiv(self, other)

    def __mod__(self, other: Any) -> Tensor:
        return math_ops.floormod(self, other)

    def __pow__(self, other: Any) -> Tensor:
        return math_ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return math_ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return math_ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return math_ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return math_ops.negative(self)

    def __abs__(self) -> Tensor:
        return math_ops.abs(self)

    def __invert__(self) -> Tensor:
        return Tensor(np.invert(self._array()))

    def __and__(self, other: Any) -> Tensor:
        return Tensor(np.logical_and(self._array(), to_array(other)))

    def __or__(self, other: Any) -> Tensor:
        return Tensor(np.logical_or(self._array(), to_array(other)))

    def __lt__(self, other: Any) -> Tensor:
        return math_ops.less(self, other)

    def __le__(self, other: Any) -> Tensor:
        return math_ops.less_equal(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return math_ops.greater(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return math_ops.greater_equal(self, other)


class Tensor(_TensorOps):
    """An eager tensor: a numpy array with TensorFlow's interface. Mirrors ``tf.Tensor``.

    Example:
        >>> from buildtrace.tf import constant
        >>> t = constant([[1.0, 2.0]])
        >>> t
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[1., 2.]], dtype=float32)>
        >>> t.shape.as_list(), t.dtype.name, (t * 2).numpy().tolist()
        ([1, 2], 'float32', [[2.0, 4.0]])
    """

    __slots__ = ("_keras_logits", "_keras_mask", "_value")

    def __init__(self, value: Any) -> None:
        # Always an array (numpy reductions give numpy scalars), never a scalar.
        self._value = value if type(value) is np.ndarray else np.asarray(value)
        # Set on a softmax/sigmoid layer's output recorded on a tape (see keras's
        # engine/gradients.py): a crossentropy then works from the logits, as in Keras 2.
        self._keras_logits: Any = None
        # Set by a Keras layer that supports masking: which steps its output holds.
        self._keras_mask: Any = None

    def _array(self) -> np.ndarray:
        return self._value

    def __getattr__(self, attr: str) -> Any:
        # numpy's own methods (`.sum()`, `.any()`, `.T`, `.astype`...) answer too: code
        # written when layers returned arrays keeps working. TensorFlow's tensors lack them.
        if attr.startswith("_"):
            raise AttributeError(attr)
        try:
            return getattr(self._value, attr)
        except AttributeError:
            raise unsupported(f"tf.Tensor.{attr}") from None

    def __eq__(self, other: object) -> Any:  # elementwise, as TensorFlow 2's
        if not isinstance(other, _COMPARABLE):
            return NotImplemented  # e.g. pytest.approx: let it compare itself
        return math_ops.equal(self, other)

    def __ne__(self, other: object) -> Any:
        if not isinstance(other, _COMPARABLE):
            return NotImplemented
        return math_ops.not_equal(self, other)

    # Elementwise __eq__ makes tensors unhashable, as in TensorFlow 2.
    __hash__ = None  # type: ignore[assignment]

    def ref(self) -> Any:
        """A hashable reference to the tensor. Mirrors ``tf.Tensor.ref``."""
        return _Ref(self)

    def __repr__(self) -> str:
        return (
            f"<tf.Tensor: shape={tuple(self._value.shape)}, dtype={self.dtype.name}, "
            f"numpy={np.array_repr(self._value)}>"
        )

    def __str__(self) -> str:
        return (
            f"tf.Tensor({self._value}, shape={tuple(self._value.shape)}, dtype={self.dtype.name})"
        )


_COMPARABLE = (_TensorOps, np.ndarray, np.generic, int, float, list, tuple)


class _Ref:
    """What ``Tensor.ref()`` returns: hashable by identity."""

    __slots__ = ("_tensor",)

    def __init__(self, tensor: Any) -> None:
        self._tensor = tensor

    def deref(self) -> Any:
        return self._tensor

    def __hash__(self) -> int:
        return id(self._tensor)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Ref) and other._tensor is self._tensor


#: The name scopes open now, outermost first: a Keras layer's eager call opens its own
#: (``keras.backend`` shares this list), so ``tf.Variable(..., name="w")`` made in a
#: custom layer's ``build`` is ``my_model/flexible_dense/w:0``, as in TensorFlow.
NAME_SCOPES: list[str] = []


class Variable(_TensorOps):
    """A mutable tensor: a model's weight, updated in place by optimizers.

    Mirrors: ``tf.Variable``. ``value`` is the numpy array itself (not a copy; a plain
    attribute rather than TensorFlow's method, because training reads it constantly).
    Keras-internal code also calls ``Variable(array, "dense/kernel:0", False)``, name
    second: a string in the place of ``trainable`` is taken as the name.

    Example:
        >>> v = Variable(np.zeros((2, 3), "float32"), name="dense/kernel:0")
        >>> v
        <tf.Variable 'dense/kernel:0' shape=(2, 3) dtype=float32>
        >>> v.assign_add(np.ones((2, 3))).numpy().sum()
        np.float32(6.0)
    """

    __slots__ = ("_name", "trainable", "value")

    def __init__(
        self,
        initial_value: Any = None,
        *args: Any,
        trainable: Any = None,
        name: Any = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        if args and isinstance(args[0], str):  # the Keras-internal order: (value, name, ...)
            name, args = args[0], args[1:]
        if args:
            trainable = args[0]
        if initial_value is None:
            raise ValueError("The `initial_value` arg (None) must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        value = to_array(initial_value, dtype)
        if value is not initial_value or not value.flags.writeable:
            value = np.array(value)  # a variable owns a writable array of its own
        self.value = value
        if not (name and ":" in name):  # a bare name is made inside the enclosing scopes
            name = "/".join([*NAME_SCOPES, f"{name or 'Variable'}:0"])
        self._name: str = name
        self.trainable = True if trainable is None else builtins.bool(trainable)

    def _array(self) -> np.ndarray:
        return self.value

    def __getattr__(self, attr: str) -> Any:
        # Only called for names the class lacks: say so clearly (it is an AttributeError).
        if attr.startswith("_"):
            raise AttributeError(attr)
        raise unsupported(f"tf.Variable.{attr}")

    @property
    def name(self) -> str:
        """``dense/kernel:0``: TensorFlow's name, with the output index."""
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    def read_value(self) -> Tensor:
        """A tensor holding a copy of the current value."""
        return Tensor(self.value.copy())

    def numpy(self) -> np.ndarray:
        """A copy of the value, as ``tf.Variable.numpy()`` gives."""
        return self.value.copy()

    def assign(self, value: Any, read_value: bool = True) -> Variable:
        """Overwrite the value in place, keeping shape and dtype.

        Raises:
            ValueError: the new value's shape differs, with TensorFlow's message.
        """
        new = to_array(value)
        if new.shape != self.value.shape and new.size != 1:
            raise ValueError(
                f"Cannot assign value to variable ' {self._name}': Shape mismatch."
                f"The variable shape {TensorShape(self.value.shape)}, and the assigned value "
                f"shape {TensorShape(new.shape)} are incompatible."
            )
        self.value[...] = new
        return self

    def assign_add(self, delta: Any, read_value: bool = True) -> Variable:
        """``value += delta``, in place."""
        self.value[...] += to_array(delta, self.value.dtype)
        return self

    def assign_sub(self, delta: Any, read_value: bool = True) -> Variable:
        """``value -= delta``, in place."""
        self.value[...] -= to_array(delta, self.value.dtype)
        return self

    def __repr__(self) -> str:
        return (
            f"<tf.Variable '{self._name}' shape={tuple(self.value.shape)} dtype={self.dtype.name}>"
        )


# ------------------------------------------------------------ symbolic tensors
#: Installed by ``buildtrace.keras`` (which sits above this package): the symbolic
#: tensor class and the function that turns a ``tf`` op applied to one into a layer
#: (Keras 2's ``TFOpLambda``). ``None`` until Keras is imported.
_SYMBOLIC: tuple[type, Callable[..., Any]] | None = None


def register_symbolic_handler(symbolic_type: type, handler: Callable[..., Any]) -> None:
    """Let ``handler(op_name, op, args, kwargs)`` run ops applied to ``symbolic_type``."""
    global _SYMBOLIC
    _SYMBOLIC = (symbolic_type, handler)


def tf_op(name: str) -> Callable[[F], F]:
    """Decorator for a public op: on a symbolic (Keras) tensor, hand it to Keras.

    Mirrors what TensorFlow's op dispatch does for a ``KerasTensor``: the op becomes a
    ``TFOpLambda`` layer of the model being built. ``name`` is TensorFlow's
    (``"math.reduce_mean"``), as the layer is named.
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def op(*args: Any, **kwargs: Any) -> Any:
            symbolic = _SYMBOLIC
            if symbolic is not None and _any_of(symbolic[0], args, kwargs):
                return symbolic[1](name, fn, args, kwargs)
            return fn(*args, **kwargs)

        return op  # type: ignore[return-value]

    return decorate


def _any_of(kind: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> builtins.bool:
    for value in (*args, *kwargs.values()):
        if isinstance(value, kind):
            return True
        if isinstance(value, list | tuple) and any(isinstance(v, kind) for v in value):
            return True
    return False


from buildtrace.tf import math_ops  # noqa: E402  (the operators above call into it)
