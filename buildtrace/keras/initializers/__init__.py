"""``keras.initializers``: classes, their snake_case aliases, and ``get``.

Mirrors: ``keras/initializers/__init__.py`` (``get``, ``serialize``, ``deserialize``).
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.initializers.initializers import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Initializer,
    LecunNormal,
    LecunUniform,
    Ones,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
)
from buildtrace.keras.initializers.initializers_matrix import Identity, Orthogonal
from buildtrace.keras.unsupported import module_getattr

_CLASSES: dict[str, type[Initializer]] = {
    cls.__name__: cls
    for cls in (
        Constant,
        GlorotNormal,
        GlorotUniform,
        HeNormal,
        HeUniform,
        Identity,
        LecunNormal,
        LecunUniform,
        Ones,
        Orthogonal,
        RandomNormal,
        RandomUniform,
        TruncatedNormal,
        VarianceScaling,
        Zeros,
    )
}
_ALIASES: dict[str, type[Initializer]] = {
    "constant": Constant,
    "glorot_normal": GlorotNormal,
    "glorot_uniform": GlorotUniform,
    "he_normal": HeNormal,
    "he_uniform": HeUniform,
    "identity": Identity,
    "orthogonal": Orthogonal,
    "normal": RandomNormal,
    "uniform": RandomUniform,
    "lecun_normal": LecunNormal,
    "lecun_uniform": LecunUniform,
    "ones": Ones,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "zeros": Zeros,
    "zero": Zeros,
    "one": Ones,
}


def get(identifier: Any) -> Initializer | None:
    """An initializer from a name, a config dict or an instance (None stays None).

    Raises:
        ValueError: an unknown name, with Keras's message.
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(
                f"Unknown initializer: '{identifier}'. Please ensure you are "
                "using a `keras.utils.custom_object_scope` and that this "
                "object is included in the scope. See "
                "https://www.tensorflow.org/guide/keras/save_and_serialize"
                "#registering_the_custom_object for details."
            )
        return cls()
    if isinstance(identifier, dict) and "class_name" in identifier:
        name = identifier["class_name"]
        if name not in _CLASSES:
            raise ValueError(f"Unknown initializer: '{name}'.")
        cls = _CLASSES[name]
        initializer: Initializer = cls.from_config(identifier.get("config", {}))
        return initializer
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


def serialize(initializer: Initializer | None) -> dict[str, Any] | None:
    """``{"class_name": ..., "config": ...}`` as Keras writes it in ``get_config``."""
    if initializer is None:
        return None
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]


def deserialize(config: Any, custom_objects: Any = None) -> Initializer | None:
    """The inverse of :func:`serialize` (also takes a name)."""
    return get(config)


# Keras exports every initializer under its snake_case name too.
constant, identity, ones, orthogonal, zeros = Constant, Identity, Ones, Orthogonal, Zeros
glorot_normal, glorot_uniform, he_normal, he_uniform = (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
)
lecun_normal, lecun_uniform, variance_scaling = LecunNormal, LecunUniform, VarianceScaling
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal

__getattr__ = module_getattr("keras.initializers")
