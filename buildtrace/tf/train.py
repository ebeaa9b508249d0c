"""``tf.train``: finding the newest checkpoint of a folder; TensorFlow checkpoints are out.

Mirrors: ``tensorflow/python/checkpoint/checkpoint_management.py::latest_checkpoint``.
buildtrace saves weights to HDF5 (``.h5`` / ``.weights.h5``), not to TensorFlow's
checkpoint format, so ``latest_checkpoint`` looks for those files: the most recently
written one is the latest, as TensorFlow's ``checkpoint`` state file would say.
``tf.train.Checkpoint`` and the rest of ``tf.train`` stop with the clear message.
"""

from __future__ import annotations

import os
from typing import Any

from buildtrace.tf.unsupported import module_getattr, unsupported

__all__ = ["Checkpoint", "CheckpointManager", "latest_checkpoint"]

#: The file endings ``Model.save_weights`` writes in buildtrace.
_WEIGHT_FILES = (".weights.h5", ".h5", ".hdf5", ".keras")


def latest_checkpoint(checkpoint_dir: Any, latest_filename: Any = None) -> str | None:
    """The path of the newest weights file in ``checkpoint_dir``, or None if it has none.

    Mirrors ``tf.train.latest_checkpoint``, which returns the newest checkpoint's path
    prefix (``training_2/cp-0005.ckpt``) that ``model.load_weights`` accepts; here that
    is the newest ``.h5`` / ``.weights.h5`` file (by modification time, then by name, so
    ``cp-0010.weights.h5`` beats ``cp-0005.weights.h5`` written in the same second).
    """
    folder: str = os.fspath(checkpoint_dir)
    if not os.path.isdir(folder):
        return None
    found = [
        os.path.join(folder, name)
        for name in os.listdir(folder)
        if name.endswith(_WEIGHT_FILES) and os.path.isfile(os.path.join(folder, name))
    ]
    if not found:
        return None
    return max(found, key=lambda path: (os.path.getmtime(path), path))


class Checkpoint:
    """Stands for ``tf.train.Checkpoint``, which buildtrace does not support."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise unsupported(
            "tf.train.Checkpoint (TensorFlow's checkpoint format); save weights with "
            "`model.save_weights('name.weights.h5')` and find the newest with "
            "`tf.train.latest_checkpoint(folder)`"
        )


class CheckpointManager(Checkpoint):
    """Stands for ``tf.train.CheckpointManager``, which buildtrace does not support."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise unsupported("tf.train.CheckpointManager (TensorFlow's checkpoint format)")


__getattr__ = module_getattr("tf.train")
