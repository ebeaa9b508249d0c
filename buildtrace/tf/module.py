"""``tf.Module``: an object that collects the variables and modules it holds.

Mirrors: ``tensorflow/python/module/module.py``. A subclass assigns ``tf.Variable`` s and
other modules to its attributes (directly, or in lists, tuples and dicts); ``variables``,
``trainable_variables`` and ``submodules`` find them again, walking the attributes in
sorted order, each level before the modules below it, each object once, as TensorFlow's
``_flatten_module`` does. (Keras layers are ``tf.Module`` s in TensorFlow; in buildtrace
they keep their own bookkeeping, so a module holding a layer does not list the layer's
weights.)

Example:
    >>> from buildtrace.tf.tensors import Variable
    >>> class Scale(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = Variable(2.0, name="w")
    >>> scale = Scale()
    >>> scale.name, [v.name for v in scale.trainable_variables]
    ('scale', ['w:0'])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from buildtrace.tf.tensors import Variable

_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/>]*$")


def _camel_to_snake(name: str) -> str:
    """``SimpleModule`` -> ``simple_module``, as TensorFlow names an unnamed module."""
    return re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower()


class NameScope:
    """The module's name scope (``"simple/"``); usable as ``with module.name_scope:``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> str:
        return self.name

    def __exit__(self, *exc: object) -> None:
        return None


class Module:
    """Base class of models made of variables and sub-modules. Mirrors ``tf.Module``.

    Raises:
        ValueError: a ``name`` that is not a Python identifier (TensorFlow's message).
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not _VALID_NAME.match(name):
            raise ValueError(
                f"{name!r} is not a valid module name. Module names must be valid Python "
                "identifiers (e.g. a valid class name)."
            )
        self._name = name
        self._name_scope = NameScope(name + "/")

    @property
    def name(self) -> str:
        """The module's name (its class name in snake case by default)."""
        return self._name

    @property
    def name_scope(self) -> NameScope:
        """The scope ops of this module are named under (``"name/"``)."""
        return self._name_scope

    @property
    def variables(self) -> tuple[Variable, ...]:
        """Every variable of this module and of its sub-modules, each once."""
        return tuple(self._flatten(lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self) -> tuple[Variable, ...]:
        """The variables that training updates (``trainable=True``)."""
        return tuple(v for v in self.variables if v.trainable)

    @property
    def non_trainable_variables(self) -> tuple[Variable, ...]:
        """The variables that training leaves alone."""
        return tuple(v for v in self.variables if not v.trainable)

    @property
    def submodules(self) -> tuple[Module, ...]:
        """Every module held by this one, at any depth."""
        return tuple(self._flatten(lambda x: isinstance(x, Module)))

    def _flatten(self, predicate: Callable[[Any], bool]) -> Iterator[Any]:
        return _flatten_module(self, predicate, seen=set())

    @classmethod
    def with_name_scope(cls, method: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator that runs ``method`` in the module's name scope (a no-op here)."""
        return method


def _flatten_module(module: Any, predicate: Callable[[Any], bool], seen: set[int]) -> Iterator[Any]:
    """Mirrors ``module._flatten_module``: this level's matches, then each sub-module's."""
    below: list[Any] = []
    for key in sorted(vars(module)):
        if key in ("_name", "_name_scope"):
            continue
        for leaf in _leaves(vars(module)[key]):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            if predicate(leaf):
                yield leaf
            if isinstance(leaf, Module):
                below.append(leaf)
    for sub in below:
        yield from _flatten_module(sub, predicate, seen)


def _leaves(value: Any) -> list[Any]:
    """The objects inside lists, tuples and dicts (dicts in sorted key order), as ``nest``."""
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, dict):
        return [leaf for key in sorted(value, key=str) for leaf in _leaves(value[key])]
    return [value]


__all__ = ["Module", "NameScope"]
