"""Small datasets, as in ``keras.datasets`` (Keras 2 / tf.keras).

Mirrors: keras/datasets/__init__.py. Only MNIST is provided:
``buildtrace.keras.datasets.mnist.load_data()`` works like ``tf.keras.datasets.mnist.load_data()``
and, when offline, falls back to procedurally drawn stand-in digits (see ``standin``).
"""

from __future__ import annotations

from buildtrace.keras.datasets import mnist

__all__ = ["mnist"]
