"""``keras.utils``: the parts of it buildtrace covers."""

from __future__ import annotations

from buildtrace.keras.unsupported import module_getattr
from buildtrace.keras.utils.layer_utils import print_summary
from buildtrace.keras.utils.progbar import Progbar
from buildtrace.keras.utils.random import set_random_seed

__all__ = ["Progbar", "print_summary", "set_random_seed"]


__getattr__ = module_getattr("keras.utils")
