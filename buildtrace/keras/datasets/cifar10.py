"""CIFAR-10: 32x32 colour images of 10 classes (airplane, automobile, bird...).

Mirrors: ``keras/datasets/cifar10.py`` of Keras 2: the Toronto archive, checked and
unpacked into ``~/.keras/datasets/cifar-10-batches-py``, read batch by batch. Offline (or
with ``BUILDTRACE_OFFLINE=1``) a labelled stand-in of the same shapes (see ``_fetch.py``).
"""

from __future__ import annotations

import os
import pickle
from typing import Any

import numpy as np

from buildtrace.keras.datasets import _fetch, _standins

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
SIZES = (50000, 10000)


def load_batch(fpath: str, label_key: str = "labels") -> tuple[np.ndarray, Any]:
    """One pickled CIFAR batch: ``(data (n, 3, 32, 32), labels)``. Mirrors ``cifar.load_batch``.

    The archive's checksum was verified when it was downloaded; its batches are pickles,
    as Keras reads them.
    """
    with open(fpath, "rb") as f:
        batch = pickle.load(f, encoding="bytes")  # Keras reads its checked file so too
    batch = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    data = batch["data"].reshape(batch["data"].shape[0], 3, 32, 32)
    return data, batch[label_key]


def load_data(cache_dir: str | None = None) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """``(x_train, y_train), (x_test, y_test)``: uint8 (50000, 32, 32, 3) and (50000, 1).

    Mirrors: ``keras/datasets/cifar10.py::load_data`` (channels last).
    """
    path = _fetch.fetch("CIFAR-10", "cifar-10-batches-py", ORIGIN, untar=True,
                        file_hash=FILE_HASH, cache_dir=cache_dir)  # fmt: skip
    if path is None:
        return standin()
    x_train = np.empty((SIZES[0], 3, 32, 32), dtype="uint8")
    y_train = np.empty((SIZES[0],), dtype="uint8")
    for i in range(1, 6):
        data, labels = load_batch(os.path.join(path, f"data_batch_{i}"))
        x_train[(i - 1) * 10000 : i * 10000] = data
        y_train[(i - 1) * 10000 : i * 10000] = labels
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    x_train = x_train.transpose(0, 2, 3, 1)
    x_test = np.asarray(x_test).transpose(0, 2, 3, 1).astype(x_train.dtype)
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(np.asarray(y_test), (len(y_test), 1)).astype(y_train.dtype)
    return (x_train, y_train), (x_test, y_test)


def standin() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The labelled stand-in: CIFAR-10's shapes and dtypes, NOT CIFAR-10."""
    x, y = _standins.images(sum(SIZES), (32, 32, 3), 10, seed=2)
    n = SIZES[0]
    labels = y.reshape(-1, 1)
    return (x[:n], labels[:n]), (x[n:], labels[n:])
