"""The one error for everything of Keras that buildtrace leaves out.

A script written for ``tf.keras`` may reach for a layer, optimizer or function that
buildtrace does not model. Rather than an ``AttributeError`` from deep inside, it gets
an error that names what it asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class NotSupportedByBuildtrace(AttributeError, NotImplementedError):
    """Raised when a script uses a part of Keras that buildtrace does not cover."""


def unsupported(qualified_name: str) -> NotSupportedByBuildtrace:
    """The error for ``qualified_name`` (e.g. ``keras.layers.LSTM``), ready to raise."""
    return NotSupportedByBuildtrace(
        f"`{qualified_name}` is not supported by buildtrace. buildtrace models the Keras 2 "
        "build engine and a small set of layers; see `buildtrace.keras` for what it covers."
    )


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
