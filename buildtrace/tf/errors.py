"""``tf.errors``: the error classes TensorFlow raises from its ops.

Mirrors: ``tensorflow/python/framework/errors_impl.py``. TensorFlow's ``OpError`` derives
from ``Exception`` only; ours is also a ``ValueError`` (or ``TypeError``) so that code
written against Keras's own checks, which raise those, still catches it.
"""

from __future__ import annotations

from buildtrace.tf.unsupported import module_getattr


class OpError(Exception):
    """An op failed. Mirrors: ``tf.errors.OpError``."""

    def __init__(self, message: str, op: str | None = None) -> None:
        # TensorFlow appends the op's name, e.g. "... [Op:AddV2]".
        super().__init__(f"{message} [Op:{op}]" if op else message)
        self.message = message
        self.op = op


class InvalidArgumentError(OpError, ValueError):
    """An op got an argument it cannot use: incompatible shapes, a wrong dtype.

    Mirrors: ``tf.errors.InvalidArgumentError``.

    Example:
        >>> raise InvalidArgumentError("Incompatible shapes: [2] vs. [3]", "AddV2")
        Traceback (most recent call last):
        ...
        buildtrace.tf.errors.InvalidArgumentError: Incompatible shapes: [2] vs. [3] [Op:AddV2]
    """


class NotFoundError(OpError, FileNotFoundError):
    """A file or checkpoint does not exist. Mirrors: ``tf.errors.NotFoundError``."""

    def __init__(self, node_def: object, op: object, message: str) -> None:
        super().__init__(message)


class UnimplementedError(OpError, NotImplementedError):
    """Mirrors: ``tf.errors.UnimplementedError``."""


class AlreadyExistsError(OpError):
    """Something to create exists already (a second profiler started).

    Mirrors: ``tf.errors.AlreadyExistsError``.
    """


class UnavailableError(OpError):
    """What was asked for is not there now (no profiler to stop).

    Mirrors: ``tf.errors.UnavailableError``.
    """


__all__ = [
    "AlreadyExistsError",
    "InvalidArgumentError",
    "NotFoundError",
    "OpError",
    "UnavailableError",
    "UnimplementedError",
]

__getattr__ = module_getattr("tf.errors")
