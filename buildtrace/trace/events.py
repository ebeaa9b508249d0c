"""What an event is: a flat JSON-ready dict, and how its Keras name is formed.

An event is a plain ``dict`` rather than a class so that emitting one costs little,
writing it to JSON Lines is one ``json.dumps``, and a reader never needs our classes.
The fields every event carries are listed in ``REQUIRED_FIELDS`` (the trace contract,
DESIGN.md section 3); events may carry more, and readers ignore what they don't know.
Writers build a :data:`RawEvent`; readers take :class:`Event`, whose fields are typed
per kind in :mod:`buildtrace.trace.event_types` so that mypy checks every field read.
"""

from __future__ import annotations

from typing import Any

# The typed contract, re-exported: ``from buildtrace.trace.events import Event``.
from buildtrace.trace.event_types import (
    AddWeightEvent,
    CallEvent,
    CompileEvent,
    Event,
    KindEvent,
    RaiseEvent,
    ReturnEvent,
    SetEvent,
    TrainingEvent,
    is_add_weight,
    is_call,
    is_compile,
    is_raise,
    is_return,
    is_set,
    is_training,
)

#: Version of the JSON Lines format. Bump it only for changes old readers can't ignore.
FORMAT_VERSION = 1

#: An event as a writer builds it: ``{"kind": "call", "name": ..., ...}`` (the bus stamps
#: ``v``, ``seq`` and ``t``). Readers take the typed :class:`Event` instead.
RawEvent = dict[str, Any]

#: Fields present in every event.
REQUIRED_FIELDS = ("v", "seq", "t", "kind", "name", "depth", "layer")

#: Event kinds of the build: a traced function starts (``call``), ends (``return``) or
#: ends by an exception (``raise``); a flag is written (``set``); a weight is created.
BUILD_KINDS = ("call", "return", "raise", "set", "add_weight")

#: Event kinds of training (the names of the Keras callback hooks they mirror).
TRAINING_KINDS = (
    "compile",
    "train_begin",
    "train_end",
    "epoch_begin",
    "epoch_end",
    "batch_begin",
    "batch_end",
    "test_begin",
    "test_end",
    "predict_begin",
    "predict_end",
)

_PACKAGE_PREFIX = "buildtrace."


def keras_name(module: str, qualname: str) -> str:
    """The Keras 2 name of a function of ours, derived from where it lives.

    buildtrace's package layout mirrors Keras 2's, so the name is structural: drop the
    leading ``buildtrace.`` and append the qualified name.

    Example:
        >>> keras_name("buildtrace.keras.engine.base_layer", "Layer._maybe_build")
        'keras.engine.base_layer.Layer._maybe_build'
    """
    if module.startswith(_PACKAGE_PREFIX):
        module = module[len(_PACKAGE_PREFIX) :]
    return f"{module}.{qualname}"


def short_name(name: str) -> str:
    """``keras.engine.base_layer.Layer._maybe_build`` -> ``Layer._maybe_build``.

    Keeps the class and method (or the module's last part and the function for
    module-level functions such as ``functional._build_map``); a function made inside
    another is its own name (``Layer.__new__.<locals>.build_wrapper`` -> ``build_wrapper``).
    """
    parts = name.split(".")
    if len(parts) >= 3 and parts[-2] == "<locals>":
        # A function made inside another (Keras 3's build_wrapper, made in
        # Layer.__new__): its own name says what it is.
        return parts[-1]
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return ".".join(parts[-2:])
    return ".".join(parts[-2:]) if len(parts) >= 2 else name


__all__ = [
    "BUILD_KINDS",
    "FORMAT_VERSION",
    "REQUIRED_FIELDS",
    "TRAINING_KINDS",
    "AddWeightEvent",
    "CallEvent",
    "CompileEvent",
    "Event",
    "KindEvent",
    "RaiseEvent",
    "RawEvent",
    "ReturnEvent",
    "SetEvent",
    "TrainingEvent",
    "is_add_weight",
    "is_call",
    "is_compile",
    "is_raise",
    "is_return",
    "is_set",
    "is_training",
    "keras_name",
    "short_name",
]
