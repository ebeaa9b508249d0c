"""``keras.preprocessing``: Keras 2's text, sequence and image helpers of the tutorials.

Mirrors: ``keras/preprocessing/__init__.py`` of Keras 2 (``sequence``, ``text``, ``image``).
"""

from __future__ import annotations

from buildtrace.keras.preprocessing import image, sequence, text
from buildtrace.keras.unsupported import module_getattr
from buildtrace.keras.utils.image_dataset import image_dataset_from_directory

__all__ = ["image", "image_dataset_from_directory", "sequence", "text"]

__getattr__ = module_getattr("keras.preprocessing")
