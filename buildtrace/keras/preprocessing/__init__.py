"""``keras.preprocessing``: Keras 2's text, sequence and image helpers of the tutorials.

Mirrors: ``keras/preprocessing/__init__.py`` of Keras 2 (``sequence``, ``text``, ``image``).
"""

from __future__ import annotations

from buildtrace.keras.preprocessing import image, sequence, text
from buildtrace.keras.unsupported import module_getattr

__all__ = ["image", "sequence", "text"]

__getattr__ = module_getattr("keras.preprocessing")
