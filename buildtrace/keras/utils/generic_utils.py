"""Small helpers Keras's engine leans on, kept where Keras 2 keeps them.

Mirrors: ``keras/utils/generic_utils.py`` (the two pieces of it the engine uses).
"""

from __future__ import annotations

import re
from typing import Any


def default(method: Any) -> Any:
    """Mark a ``build`` as the default one, so ``_maybe_build`` skips calling it.

    Mirrors: ``keras/utils/generic_utils.py::default``. ``Layer.build`` and ``Model.build``
    wear it: a layer that does not override ``build`` has nothing of its own to run.

    Example:
        >>> @default
        ... def build(self, input_shape): ...
        >>> build._is_default
        True
    """
    method._is_default = True
    return method


def to_snake_case(name: str) -> str:
    """``MaxPooling2D`` -> ``max_pooling2d``: how Keras turns class names into layer names.

    Mirrors: ``keras/utils/generic_utils.py::to_snake_case``.

    Example:
        >>> to_snake_case("MaxPooling2D"), to_snake_case("_Private")
        ('max_pooling2d', 'private__private')
    """
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    # A name that would start with "_" gets a prefix, so layer names stay public-looking.
    return insecure if insecure[0] != "_" else "private" + insecure


def validate_kwargs(
    kwargs: dict[str, Any],
    allowed_kwargs: Any,
    error_message: str = "Keyword argument not understood:",
) -> None:
    """Refuse any keyword argument not in ``allowed_kwargs``, naming it.

    Mirrors: ``keras/utils/generic_utils.py::validate_kwargs`` (``Layer.__init__`` and
    ``Model.__init__`` both check their ``**kwargs`` with it).

    Example:
        >>> validate_kwargs({"input_shape": (3,)}, {"input_shape"})
        >>> validate_kwargs({"units": 3}, {"input_shape"})
        Traceback (most recent call last):
        TypeError: ('Keyword argument not understood:', 'units')
    """
    for kwarg in kwargs:
        if kwarg not in allowed_kwargs:
            raise TypeError(error_message, kwarg)
