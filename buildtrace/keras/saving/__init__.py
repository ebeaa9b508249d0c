"""``keras.saving``: models and weights to files and back, in Keras 2's formats.

Mirrors: ``keras/saving/`` of tf-keras 2.21 (``saving_api.py``, ``saving_lib.py``,
``serialization_lib.py``, ``legacy/hdf5_format.py``).
"""

from __future__ import annotations

from buildtrace.keras.saving.saving_api import load_model, load_weights, save_model, save_weights
from buildtrace.keras.saving.serialization_lib import model_from_config
from buildtrace.keras.unsupported import module_getattr

__all__ = ["load_model", "load_weights", "model_from_config", "save_model", "save_weights"]

__getattr__ = module_getattr("keras.saving")
