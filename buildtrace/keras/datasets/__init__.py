"""Small datasets, as in ``keras.datasets`` (Keras 2 / tf.keras).

Mirrors: keras/datasets/__init__.py. ``mnist``, ``fashion_mnist``, ``cifar10``, ``imdb``,
``reuters`` and ``boston_housing`` load like Keras's (the Keras cache, Keras's URLs and
checksums) and, when offline or with ``BUILDTRACE_OFFLINE=1``, fall back to labelled
stand-ins of the same shapes (MNIST's are drawn digits, see ``standin``).
"""

from __future__ import annotations

from buildtrace.keras.datasets import mnist
from buildtrace.keras.unsupported import module_getattr

__all__ = ["boston_housing", "cifar10", "fashion_mnist", "imdb", "mnist", "reuters"]


def __getattr__(name: str) -> object:
    # Loaded on first use (they pull in keras.utils, which imports this package).
    if name in {"boston_housing", "cifar10", "fashion_mnist", "imdb", "reuters"}:
        import importlib

        return importlib.import_module(f"buildtrace.keras.datasets.{name}")
    return module_getattr("keras.datasets")(name)
