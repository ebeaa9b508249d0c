"""``keras.preprocessing.sequence``: ``pad_sequences`` at its Keras 2 address.

Mirrors: ``keras/preprocessing/sequence.py`` of Keras 2, which re-exports
``keras/utils/data_utils.py::pad_sequences``.
"""

from __future__ import annotations

from buildtrace.keras.unsupported import module_getattr
from buildtrace.keras.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]

__getattr__ = module_getattr("keras.preprocessing.sequence")
