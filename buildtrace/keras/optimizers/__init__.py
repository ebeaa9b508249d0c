"""``keras.optimizers``: SGD, RMSprop, Adam, Adadelta, Adagrad, Adamax, Nadam, Ftrl, schedules.

Mirrors: ``keras/optimizers/__init__.py`` of tf-keras 2.11+, where ``"rmsprop"`` means the
"new" ``keras.optimizers.RMSprop`` (not ``keras.optimizers.legacy.RMSprop``). Any other
optimizer Keras has (AdamW, Adafactor, Lion) raises buildtrace's "not supported" error.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.optimizers import schedules
from buildtrace.keras.optimizers.adadelta import Adadelta
from buildtrace.keras.optimizers.adagrad import Adagrad
from buildtrace.keras.optimizers.adam import Adam
from buildtrace.keras.optimizers.adamax import Adamax
from buildtrace.keras.optimizers.ftrl import Ftrl
from buildtrace.keras.optimizers.nadam import Nadam
from buildtrace.keras.optimizers.optimizer import Optimizer
from buildtrace.keras.optimizers.rmsprop import RMSprop
from buildtrace.keras.optimizers.sgd import SGD
from buildtrace.keras.unsupported import NotSupportedByBuildtrace, unsupported

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Adamax",
    "Ftrl",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

#: Lower-cased class name -> class, as Keras's ``deserialize`` looks them up.
_CLASSES: dict[str, type[Optimizer]] = {
    "adadelta": Adadelta,
    "adagrad": Adagrad,
    "adamax": Adamax,
    "ftrl": Ftrl,
    "nadam": Nadam,
    "experimentaladadelta": Adadelta,
    "experimentaladagrad": Adagrad,
    "adam": Adam,
    "experimentaladam": Adam,
    "rmsprop": RMSprop,
    "sgd": SGD,
    "experimentalsgd": SGD,
}

#: Optimizers Keras 2 knows but buildtrace leaves out, by lower-cased name.
_KERAS_ONLY = {
    "adafactor": "Adafactor",
    "adamw": "AdamW",
    "lion": "Lion",
    "lossscaleoptimizer": "LossScaleOptimizer",
}


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """The optimizer as a JSON-ready dict (the Keras 2.13+ ``serialization_lib`` format).

    Example:
        >>> serialize(SGD())["class_name"]
        'SGD'
    """
    return {
        "module": "keras.optimizers",
        "class_name": type(optimizer).__name__,
        "config": optimizer.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict[str, Any], custom_objects: Any = None, **kwargs: Any) -> Optimizer:
    """The inverse of :func:`serialize` (class names are case-insensitive, as in Keras).

    Raises:
        ValueError: an unknown class name, with Keras's message.
    """
    class_name = str(config["class_name"])
    cls = _CLASSES.get(class_name.lower())
    if cls is None and custom_objects and class_name in custom_objects:
        cls = custom_objects[class_name]
    if cls is None:
        if class_name.lower() in _KERAS_ONLY:
            raise unsupported(f"keras.optimizers.{_KERAS_ONLY[class_name.lower()]}")
        raise ValueError(
            f"Unknown optimizer: '{class_name}'. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope. "
            "See https://www.tensorflow.org/guide/keras/save_and_serialize"
            "#registering_the_custom_object for details."
        )
    return cls.from_config(dict(config.get("config", {})))


def get(identifier: Any, **kwargs: Any) -> Optimizer:
    """An optimizer from an instance (returned as is), a name or a config dict.

    Mirrors: ``keras/optimizers/__init__.py::get``.

    Example:
        >>> get("RMSprop").get_config()["learning_rate"]
        0.0010000000474974513

    Raises:
        ValueError: ``"Unknown optimizer: 'foo'..."`` for an unknown name (as Keras), and
            ``"Could not interpret optimizer identifier: ..."`` for anything else.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


# Keras 1 spelt the optimizers in lower case (`keras.optimizers.rmsprop(lr=...)`), and old
# scripts still do. tf-keras 2.21 has no such names; here they would find our submodules of
# the same names and fail with "'module' object is not callable". So the package forgets
# those submodule attributes (the modules stay imported), and the names get the error below.
for _module in ("adadelta", "adagrad", "adam", "adamax", "ftrl", "nadam", "rmsprop", "sgd"):
    globals().pop(_module, None)


def __getattr__(name: str) -> Any:
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(f"module 'keras.optimizers' has no attribute {name!r}")
    cls = _CLASSES.get(name.lower())
    if cls is not None:  # a Keras 1 spelling of an optimizer we have
        raise NotSupportedByBuildtrace(
            f"`keras.optimizers.{name}` is not supported by buildtrace: it is Keras 1's "
            "spelling, which tf-keras 2.21 does not have either. Use "
            f"`keras.optimizers.{cls.__name__}(learning_rate=...)`."
        )
    raise unsupported(f"keras.optimizers.{name}")
