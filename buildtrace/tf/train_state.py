"""The checkpoint files of a folder: prefixes, the ``checkpoint`` state file, the newest.

Mirrors: ``tensorflow/python/checkpoint/checkpoint_management.py``. buildtrace saves
weights to HDF5, never to TensorFlow's checkpoint format. A Keras 2 script that saves to
a checkpoint *prefix* (``model.save_weights("training_1/cp.ckpt")``, TensorFlow's default
for a name without ``.h5``) gets one HDF5 file named ``cp.ckpt.index`` (where TensorFlow
writes its index) and the folder's ``checkpoint`` state file naming the prefix, as
TensorFlow writes it; ``load_weights("training_1/cp.ckpt")`` reads that HDF5 file back.
``latest_checkpoint`` reads the state file, else picks the newest ``.h5`` /
``.weights.h5`` file. ``tf.train.Checkpoint`` (``checkpoint.py``) writes its HDF5 files
under the same names.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = [
    "all_checkpoints",
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


def write_checkpoint_state(prefix: str, all_prefixes: list[str] | None = None) -> None:
    """Name ``prefix`` the folder's latest checkpoint, in TensorFlow's state file format.

    Mirrors ``checkpoint_management.update_checkpoint_state`` (the ``checkpoint`` text
    file: ``model_checkpoint_path: "cp-0005.ckpt"``, then one
    ``all_model_checkpoint_paths`` line per checkpoint kept, oldest first).
    """
    folder = os.path.dirname(prefix) or "."
    kept = [os.path.basename(p) for p in (all_prefixes or [prefix])]
    with open(os.path.join(folder, _STATE_FILE), "w", encoding="utf-8") as state:
        state.write(f'model_checkpoint_path: "{os.path.basename(prefix)}"\n')
        for name in kept:
            state.write(f'all_model_checkpoint_paths: "{name}"\n')


def all_checkpoints(path: str) -> list[str]:
    """The prefixes a state file lists (``path`` is the file, or a prefix beside it)."""
    state = (
        path
        if os.path.basename(path) == _STATE_FILE
        else os.path.join(os.path.dirname(path) or ".", _STATE_FILE)
    )
    if not os.path.isfile(state):
        return []
    folder = os.path.dirname(state)
    found = []
    with open(state, encoding="utf-8") as lines:
        for line in lines:
            key, _, value = line.partition(":")
            if key.strip() == "all_model_checkpoint_paths":
                name = value.strip().strip('"')
                found.append(name if os.path.isabs(name) else os.path.join(folder, name))
    return found


def _read_state(path: str) -> str | None:
    with open(path, encoding="utf-8") as state:
        for line in state:
            key, _, value = line.partition(":")
            if key.strip() == "model_checkpoint_path":
                name = value.strip().strip('"')
                return name if os.path.isabs(name) else os.path.join(os.path.dirname(path), name)
    return None
