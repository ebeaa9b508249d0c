"""Which Keras functions the mini-Keras has: a real engine's trace has more.

A trace recorded under a real engine (``--engine tf-keras``) holds every function of
that engine, most of which buildtrace's mini-Keras leaves out (property getters, data
adapters, distribution plumbing). :func:`has_mini_counterpart` tells them apart, so the
narration can say so instead of implying buildtrace mirrors them.

The mini-Keras's functions are those its ``@traced`` decorator wrapped: each carries
its Keras 2 name in ``__buildtrace_name__``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Any


@functools.cache
def mini_names() -> frozenset[str]:
    """The Keras 2 names of every function the mini-Keras traces."""
    import buildtrace.keras as package

    names: set[str] = set()
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            module = importlib.import_module(info.name)
        except Exception:  # a module that needs more than numpy: not part of the engine
            continue
        for value in vars(module).values():
            _collect(value, names)
            if isinstance(value, type):
                for member in vars(value).values():
                    _collect(member, names)
    return frozenset(names)


def _collect(value: Any, names: set[str]) -> None:
    for candidate in (value, getattr(value, "fget", None), getattr(value, "__func__", None)):
        name = getattr(candidate, "__buildtrace_name__", None)
        if isinstance(name, str):
            names.add(name)


def has_mini_counterpart(name: str) -> bool:
    """Whether the mini-Keras has a function of this Keras 2 name (``keras.…``)."""
    return not name.startswith("keras.") or name in mini_names()


NO_COUNTERPART = (
    " The mini-Keras has no counterpart of this step: it is the real engine's own, "
    "recorded because the trace was made with a real Keras (--engine)."
)
