"""``tf.train``: checkpoints (HDF5 stand-ins) and the newest checkpoint of a folder.

Mirrors: ``tensorflow/python/checkpoint/``. ``latest_checkpoint`` and the checkpoint
prefixes live in :mod:`~buildtrace.tf.train_state`; ``Checkpoint``,
``CheckpointManager`` and ``list_variables`` in :mod:`~buildtrace.tf.checkpoint`.
"""

from __future__ import annotations

from buildtrace.tf.checkpoint import Checkpoint, CheckpointManager, list_variables
from buildtrace.tf.train_state import (
    latest_checkpoint,
    prepare_checkpoint_prefix,
    weights_file_for_prefix,
    write_checkpoint_state,
)
from buildtrace.tf.unsupported import module_getattr

__all__ = [
    "Checkpoint",
    "CheckpointManager",
    "latest_checkpoint",
    "list_variables",
    "prepare_checkpoint_prefix",
    "weights_file_for_prefix",
    "write_checkpoint_state",
]

__getattr__ = module_getattr("tf.train")
