"""The one error for everything buildtrace leaves out, of TensorFlow and of Keras.

A script written for ``tf.keras`` may reach for a layer, an op or a function that
buildtrace does not model. Rather than an ``AttributeError`` from deep inside, it gets
an error that names what it asked for. It lives here, at the bottom of the
``tf <- keras`` order, so both packages raise the same error
(``buildtrace.keras.unsupported`` re-exports it).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any


class NotSupportedByBuildtrace(AttributeError, NotImplementedError):
    """Raised when a script uses a part of Keras or TensorFlow that buildtrace does not cover."""


def unsupported(qualified_name: str) -> NotSupportedByBuildtrace:
    """The error for ``qualified_name`` (e.g. ``keras.layers.LSTM``), ready to raise."""
    if qualified_name.startswith(("tf.", "tensorflow.")):
        covers = (
            "buildtrace's `tf` covers the TensorFlow that Keras tutorials use around Keras "
            "(tensors, maths, `tf.nn`, `tf.random`, `tf.data`, `GradientTape`); see "
            "`buildtrace.tf` for what it covers."
        )
    else:
        covers = (
            "buildtrace models the Keras 2 build engine and a small set of layers; see "
            "`buildtrace.keras` for what it covers."
        )
    return NotSupportedByBuildtrace(f"`{qualified_name}` is not supported by buildtrace. {covers}")


def module_getattr(module: str) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``module`` (e.g. ``"keras.layers"``).

    Python calls it for names the module does not define; it raises the error above,
    except for dunder names that import machinery probes (``__path__``...).
    """

    def __getattr__(name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        raise unsupported(f"{module}.{name}")

    return __getattr__


class Namespace(types.ModuleType):
    """A sub-namespace such as ``tf.math``: what it was given, the clear error otherwise."""

    def __init__(self, name: str, doc: str, members: dict[str, Any]) -> None:
        super().__init__(name, doc)
        self.__dict__.update(members)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        raise unsupported(f"{self.__name__}.{attr}")
