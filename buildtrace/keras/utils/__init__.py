"""``keras.utils``: the parts of it buildtrace covers."""

from __future__ import annotations

from buildtrace.keras.unsupported import module_getattr
from buildtrace.keras.utils.random import set_random_seed

__all__ = ["set_random_seed"]


__getattr__ = module_getattr("keras.utils")
