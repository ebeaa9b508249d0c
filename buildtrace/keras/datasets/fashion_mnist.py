"""Fashion-MNIST: 28x28 grayscale images of 10 kinds of clothing.

Mirrors: ``keras/datasets/fashion_mnist.py`` of Keras 2: the four gzipped IDX files from
Keras's location into ``~/.keras/datasets/fashion-mnist``. Offline (or with
``BUILDTRACE_OFFLINE=1``) a labelled stand-in of the same shapes (see ``_fetch.py``).
"""

from __future__ import annotations

import gzip
import os

import numpy as np

from buildtrace.keras.datasets import _fetch, _standins

FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
SIZES = (60000, 10000)


def load_data(cache_dir: str | None = None) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """``(x_train, y_train), (x_test, y_test)``: uint8 (60000, 28, 28) / (60000,), 10000 test.

    Mirrors: ``keras/datasets/fashion_mnist.py::load_data``.
    """
    paths = []
    for fname in FILES:
        path = _fetch.fetch(
            "Fashion-MNIST", fname, _fetch.ORIGIN_FOLDER + fname,
            cache_dir=cache_dir, cache_subdir=os.path.join("datasets", "fashion-mnist"),
        )  # fmt: skip
        if path is None:
            return standin()
        paths.append(path)
    with gzip.open(paths[0], "rb") as f:
        y_train = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(paths[1], "rb") as f:
        x_train = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y_train), 28, 28)
    with gzip.open(paths[2], "rb") as f:
        y_test = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(paths[3], "rb") as f:
        x_test = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)


def standin() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The labelled stand-in: Fashion-MNIST's shapes and dtypes, NOT Fashion-MNIST."""
    x, y = _standins.images(sum(SIZES), (28, 28), 10, seed=1)
    n = SIZES[0]
    return (x[:n], y[:n]), (x[n:], y[n:])
