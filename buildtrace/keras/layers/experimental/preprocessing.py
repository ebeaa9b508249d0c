"""``keras.layers.experimental.preprocessing``: the old home of ``Rescaling``.

Mirrors: the Keras 2 alias of ``keras.layers.Rescaling`` under its experimental name.
"""

from __future__ import annotations

from buildtrace.keras.layers.preprocessing.image_preprocessing import (
    CenterCrop,
    RandomContrast,
    RandomCrop,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Rescaling,
    Resizing,
)
from buildtrace.keras.unsupported import module_getattr

__all__ = ["Rescaling"]
# The image augmentation layers lived here too in tf.keras 2.3-2.5.
__all__ += [
    "CenterCrop",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Resizing",
]

__getattr__ = module_getattr("keras.layers.experimental.preprocessing")
