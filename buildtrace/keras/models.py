"""``keras.models``: the model classes. Mirrors: ``keras/models/__init__.py``."""

from __future__ import annotations

from typing import Any

from buildtrace.keras.engine.functional import Functional
from buildtrace.keras.engine.sequential import Sequential
from buildtrace.keras.engine.training import Model

__all__ = ["Functional", "Model", "Sequential"]


def __getattr__(name: str) -> Any:
    from buildtrace.keras.unsupported import unsupported

    raise unsupported(f"keras.models.{name}")
