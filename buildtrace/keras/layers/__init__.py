"""``keras.layers``: the layers buildtrace covers.

Mirrors: ``keras/layers/__init__.py``. Asking for a layer buildtrace does not have
gives a clear "not supported by buildtrace" error naming it.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.input_layer import Input, InputLayer
from buildtrace.keras.engine.input_spec import InputSpec
from buildtrace.keras.layers.core import Dense

__all__ = ["Dense", "Input", "InputLayer", "InputSpec", "Layer"]


def __getattr__(name: str) -> Any:
    from buildtrace.keras.unsupported import unsupported

    raise unsupported(f"keras.layers.{name}")
