"""``keras.layers.experimental``: where TensorFlow 2.2-2.5 tutorials found the
preprocessing layers (``layers.experimental.preprocessing.Rescaling``), and where Keras 2
keeps ``RandomFourierFeatures``.

Mirrors: ``keras/layers/experimental/__init__.py`` (Keras 2 keeps these aliases).
"""

from __future__ import annotations

from buildtrace.keras.layers.experimental import preprocessing
from buildtrace.keras.layers.kernelized import RandomFourierFeatures
from buildtrace.keras.unsupported import module_getattr

__all__ = ["RandomFourierFeatures", "preprocessing"]

__getattr__ = module_getattr("keras.layers.experimental")
