"""Shapes as Python prints them: the one formatter every view uses.

A trace read back from JSON holds lists where the live run had tuples; every view shows
``(None, 784)`` either way, and a layer called on several inputs ``[(None, 2), (None, 3)]``.
Kept in ``trace`` (it knows nothing of Keras: sizes and ``None``) so that any reader, at
any layer of the import graph, formats a shape the same way.
"""

from __future__ import annotations

from typing import Any


def format_shape(value: Any) -> str:
    """``(None, 784)`` for a shape, ``[(None, 3), (None, 4)]`` for several.

    Lists and tuples print alike, so a trace read back from JSON (where tuples became
    lists) prints exactly like the live one.

    The one shape formatter of buildtrace's readers (narration, render, lessons, the
    viewer, the engine comparison).

    Example:
        >>> format_shape([None, 784]), format_shape((5,)), format_shape([[1, 2], (3,)])
        ('(None, 784)', '(5,)', '[(1, 2), (3,)]')
    """
    if not isinstance(value, list | tuple):
        return format_value(value)
    if all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value):
        inner = ", ".join("None" if d is None else str(d) for d in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return "[" + ", ".join(format_shape(item) for item in value) + "]"


def format_value(value: Any) -> str:
    """A value as Python would show it: ``True``, ``None``, ``0.3012`` (4 decimals)."""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list | tuple):
        return format_shape(value)
    return str(value)


def is_shape(value: Any) -> bool:
    """True for a flat shape such as ``[None, 784]`` (ints or None)."""
    return isinstance(value, list | tuple) and all(
        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value
    )
