"""The extra fields the engine's events carry: shapes, weights, what compile chose.

Not in Keras. ``@traced(details=..., result=...)`` asks these for the fields beside an
event's name (``input_shape`` of a ``build``, ``output_shape`` of a ``__call__``), so
the engine's functions stay as Keras writes them, with one decorator line each.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.utils.tf_utils import shapes_of


def call_details(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Fields of ``Layer.__call__``: the shapes it was called on."""
    inputs = args[1] if len(args) > 1 else kwargs.get("inputs")
    try:
        return {"input_shape": shapes_of(inputs)}
    except AttributeError:
        return {}


def build_details(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Fields of ``build``: the ``input_shape`` it received."""
    shape = args[1] if len(args) > 1 else kwargs.get("input_shape")
    return {"input_shape": shape}


def output_details(outputs: Any) -> dict[str, Any]:
    """Fields of a return: the output shape(s)."""
    try:
        return {"output_shape": shapes_of(outputs)}
    except AttributeError:
        return {}
