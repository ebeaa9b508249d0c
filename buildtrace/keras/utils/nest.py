"""Nested structures of tensors: a small stand-in for ``tf.nest``.

Layers take and return a tensor, a list of tensors, or (for ``call`` arguments) lists
inside tuples. These helpers flatten such structures and map over them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def flatten(structure: Any) -> list[Any]:
    """All leaves of nested lists/tuples/dicts, in order (dicts by sorted key).

    Example:
        >>> flatten([1, (2, [3]), {"b": 5, "a": 4}])
        [1, 2, 3, 4, 5]
    """
    if isinstance(structure, list | tuple):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """Apply ``fn`` to every leaf, keeping lists, tuples and dicts as they are.

    Example:
        >>> map_structure(lambda x: x * 2, [1, (2, 3)])
        [2, (4, 6)]
    """
    if isinstance(structure, list):
        return [map_structure(fn, x) for x in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, x) for x in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)
