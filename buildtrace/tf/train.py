"""``tf.train``: the newest checkpoint of a folder; TensorFlow's own checkpoints are out.

Mirrors: ``tensorflow/python/checkpoint/checkpoint_management.py``. buildtrace saves
weights to HDF5, never to TensorFlow's checkpoint format. A Keras 2 script that saves to
a checkpoint *prefix* (``model.save_weights("training_1/cp.ckpt")``, TensorFlow's default
for a name without ``.h5``) gets one HDF5 file named ``cp.ckpt.index`` (where TensorFlow
writes its index) and the folder's ``checkpoint`` state file naming the prefix, as
TensorFlow writes it; ``load_weights("training_1/cp.ckpt")`` reads that HDF5 file back.
``latest_checkpoint`` reads the state file, else picks the newest ``.h5`` /
``.weights.h5`` file. ``tf.train.Checkpoint`` stops with the clear message.
"""

from __future__ import annotations

import os
from typing import Any

from buildtrace.tf.unsupported import module_getattr, unsupported

__all__ = [
    "Checkpoint",
    "CheckpointManager",
    "latest_checkpoint",
    "prepare_checkpoint_prefix",
    "weights_file_for_prefix",
    "write_checkpoint_state",
]

#: The file endings ``Model.save_weights`` writes in buildtrace.
_WEIGHT_FILES = (".weights.h5", ".h5", ".hdf5", ".keras")
#: TensorFlow's per-folder checkpoint state file.
_STATE_FILE = "checkpoint"


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
    state = os.path.join(folder, latest_filename or _STATE_FILE)
    if os.path.isfile(state):
        prefix = _read_state(state)
        if prefix is not None and os.path.isfile(weights_file_for_prefix(prefix)):
            return prefix
    found = [
        os.path.join(folder, name)
        for name in os.listdir(folder)
        if name.endswith(_WEIGHT_FILES) and os.path.isfile(os.path.join(folder, name))
    ]
    if not found:
        return None
    return max(found, key=lambda path: (os.path.getmtime(path), path))


def weights_file_for_prefix(prefix: str) -> str:
    """The HDF5 file that stands for the checkpoint ``prefix`` (``cp.ckpt.index``)."""
    return prefix + ".index"


def prepare_checkpoint_prefix(prefix: str) -> str:
    """Make the prefix's folder, as TensorFlow's saver does; return the file to write."""
    os.makedirs(os.path.dirname(prefix) or ".", exist_ok=True)
    return weights_file_for_prefix(prefix)


def write_checkpoint_state(prefix: str) -> None:
    """Name ``prefix`` the folder's latest checkpoint, in TensorFlow's state file format.

    Mirrors ``checkpoint_management.update_checkpoint_state`` (the first line of the
    ``checkpoint`` text file: ``model_checkpoint_path: "cp-0005.ckpt"``).
    """
    folder = os.path.dirname(prefix) or "."
    name = os.path.basename(prefix)
    with open(os.path.join(folder, _STATE_FILE), "w", encoding="utf-8") as state:
        state.write(f'model_checkpoint_path: "{name}"\nall_model_checkpoint_paths: "{name}"\n')


def _read_state(path: str) -> str | None:
    with open(path, encoding="utf-8") as state:
        for line in state:
            key, _, value = line.partition(":")
            if key.strip() == "model_checkpoint_path":
                name = value.strip().strip('"')
                return name if os.path.isabs(name) else os.path.join(os.path.dirname(path), name)
    return None


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
