"""``keras.models``: the model classes. Mirrors: ``keras/models/__init__.py``."""

from __future__ import annotations

from buildtrace.keras.engine.functional import Functional
from buildtrace.keras.engine.sequential import Sequential
from buildtrace.keras.engine.training import Model
from buildtrace.keras.unsupported import module_getattr

__all__ = ["Functional", "Model", "Sequential"]


__getattr__ = module_getattr("keras.models")
