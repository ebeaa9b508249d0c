"""A small TensorFlow on numpy: the part of ``tf`` that Keras tutorials use around Keras.

``buildtrace run`` makes ``import tensorflow as tf`` resolve to this package (with
``tf.keras`` the mini-Keras), so a tutorial's ``model(x).numpy()``, ``tf.reduce_mean``,
``tf.GradientTape`` and ``tf.data.Dataset`` run unchanged. It sits below
``buildtrace.keras`` in the order of dependencies, as TensorFlow sits below Keras. One
module per area:

* :mod:`~buildtrace.tf.tensors` — ``Tensor``, ``Variable``, ``TensorShape``;
* :mod:`~buildtrace.tf.array_ops` — ``constant``, ``ones``, ``cast``, ``reshape``, ``shape``...;
* :mod:`~buildtrace.tf.math_ops` — elementwise maths, ``reduce_*``, ``matmul``, ``argmax``;
* :mod:`~buildtrace.tf.nn` — ``softmax``, ``relu``, ``sigmoid``...;
* :mod:`~buildtrace.tf.random` — ``normal``, ``uniform``, ``set_seed``;
* :mod:`~buildtrace.tf.data` — ``Dataset.from_tensor_slices(...).shuffle().batch()``;
* :mod:`~buildtrace.tf.autodiff` — ``GradientTape``, ``function``;
* :mod:`~buildtrace.tf.testing` — ``tf.test`` (no GPU; ``TestCase``'s asserts);
* :mod:`~buildtrace.tf.train` — ``latest_checkpoint``, ``Checkpoint`` (to HDF5 files);
* :mod:`~buildtrace.tf.config` — ``tf.config`` and ``tf.device`` (one device, the CPU);
* :mod:`~buildtrace.tf.module` — ``tf.Module``, which collects variables and sub-modules;
* :mod:`~buildtrace.tf.summary` — ``tf.summary``, accepted and written nowhere (said once);
* :mod:`~buildtrace.tf.profiler` — ``tf.profiler.experimental``, the same;
* :mod:`~buildtrace.tf.saved_model` — ``tf.saved_model.save`` / ``load``: a folder in
  SavedModel's layout that restores the object itself (not traced functions).

Anything else under ``tf.`` stops with "``tf.X`` is not supported by buildtrace".

Example:
    >>> from buildtrace import tf
    >>> tf.reduce_mean(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
    array([2., 3.], dtype=float32)
"""

from __future__ import annotations

import builtins

from buildtrace.tf import (
    config,
    data,
    dtypes,
    errors,
    math_ops,
    nn,
    profiler,
    random,
    saved_model,
    summary,
    train,
)
from buildtrace.tf import testing as test
from buildtrace.tf.array_ops import (
    cast,
    clip_by_value,
    concat,
    constant,
    convert_to_tensor,
    expand_dims,
    fill,
    gather,
    linspace,
    one_hot,
    ones,
    ones_like,
    range,
    rank,
    reshape,
    shape,
    size,
    split,
    squeeze,
    stack,
    tile,
    transpose,
    where,
    zeros,
    zeros_like,
)
from buildtrace.tf.autodiff import Function, GradientTape, UnconnectedGradients, function
from buildtrace.tf.config import device
from buildtrace.tf.dtypes import (
    DType,
    as_dtype,
    bool,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
)
from buildtrace.tf.math_ops import (
    abs,
    add,
    add_n,
    argmax,
    argmin,
    cos,
    divide,
    equal,
    exp,
    greater,
    greater_equal,
    identity,
    less,
    less_equal,
    log,
    logical_and,
    logical_or,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    reduce_all,
    reduce_any,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_std,
    round,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    subtract,
    tanh,
    truediv,
)
from buildtrace.tf.module import Module
from buildtrace.tf.random import (
    constant_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    zeros_initializer,
)
from buildtrace.tf.tensors import Tensor, TensorShape, Variable, is_tensor, newaxis
from buildtrace.tf.unsupported import Namespace, module_getattr

#: The TensorFlow version scripts print; the suffix says buildtrace is running.
__version__ = "2.21.0-buildtrace"

version = Namespace(
    "tf.version",
    "Mirrors `tf.version`.",
    {"VERSION": __version__, "GIT_VERSION": "buildtrace", "COMPILER_VERSION": "numpy"},
)
reduce_sum = math_ops.reduce_sum

#: ``tf.math``: the elementwise ops and reductions, plus ``l2_normalize``.
math = Namespace(
    "tf.math",
    "Mirrors `tf.math`.",
    {
        **{k: v for k, v in vars(math_ops).items() if callable(v) and not k.startswith("_")},
        "divide": math_ops.truediv,
        "l2_normalize": nn.l2_normalize,
        "softmax": nn.softmax,
        "log_softmax": nn.log_softmax,
    },
)
#: ``tf.linalg``: ``matmul`` only.
linalg = Namespace("tf.linalg", "Mirrors `tf.linalg`.", {"matmul": math_ops.matmul})


def executing_eagerly() -> builtins.bool:
    """Always True: buildtrace runs every op as it is called. Mirrors ``tf.executing_eagerly``."""
    return True


__getattr__ = module_getattr("tf")

__all__ = [
    "DType",
    "Function",
    "GradientTape",
    "Module",
    "Tensor",
    "TensorShape",
    "UnconnectedGradients",
    "Variable",
    "abs",
    "add",
    "add_n",
    "argmax",
    "argmin",
    "as_dtype",
    "bool",
    "cast",
    "clip_by_value",
    "concat",
    "config",
    "constant",
    "constant_initializer",
    "convert_to_tensor",
    "cos",
    "data",
    "device",
    "divide",
    "double",
    "dtypes",
    "equal",
    "errors",
    "executing_eagerly",
    "exp",
    "expand_dims",
    "fill",
    "float16",
    "float32",
    "float64",
    "function",
    "gather",
    "greater",
    "greater_equal",
    "half",
    "identity",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_tensor",
    "less",
    "less_equal",
    "linalg",
    "linspace",
    "log",
    "logical_and",
    "logical_or",
    "math",
    "matmul",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "newaxis",
    "nn",
    "not_equal",
    "one_hot",
    "ones",
    "ones_initializer",
    "ones_like",
    "pow",
    "profiler",
    "random",
    "random_normal_initializer",
    "random_uniform_initializer",
    "range",
    "rank",
    "reduce_all",
    "reduce_any",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_std",
    "reduce_sum",
    "reshape",
    "round",
    "saved_model",
    "shape",
    "sigmoid",
    "sign",
    "sin",
    "size",
    "split",
    "sqrt",
    "square",
    "squared_difference",
    "squeeze",
    "stack",
    "string",
    "subtract",
    "summary",
    "tanh",
    "test",
    "tile",
    "train",
    "transpose",
    "truediv",
    "uint8",
    "uint16",
    "version",
    "where",
    "zeros",
    "zeros_initializer",
    "zeros_like",
]
