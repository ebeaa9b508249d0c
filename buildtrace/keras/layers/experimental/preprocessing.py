"""``keras.layers.experimental.preprocessing``: the old home of ``Rescaling``,
``Normalization``, ``Discretization``, ``CategoryEncoding``, the lookups,
``PreprocessingLayer`` and the image augmentation layers.

Mirrors: the Keras 2 aliases of the preprocessing layers under their experimental names.
"""

from __future__ import annotations

from buildtrace.keras.engine.base_preprocessing_layer import PreprocessingLayer
from buildtrace.keras.layers.preprocessing.category_encoding import CategoryEncoding
from buildtrace.keras.layers.preprocessing.discretization import Discretization
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
from buildtrace.keras.layers.preprocessing.integer_lookup import IntegerLookup
from buildtrace.keras.layers.preprocessing.normalization import Normalization
from buildtrace.keras.layers.preprocessing.string_lookup import StringLookup
from buildtrace.keras.unsupported import module_getattr

# The image augmentation layers lived here too, in tf.keras 2.3-2.5.
__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "IntegerLookup",
    "Normalization",
    "PreprocessingLayer",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "StringLookup",
]

__getattr__ = module_getattr("keras.layers.experimental.preprocessing")
