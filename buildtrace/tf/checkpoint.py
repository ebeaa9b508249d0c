"""``tf.train.Checkpoint`` and ``CheckpointManager``, written to HDF5 files.

Mirrors: ``tensorflow/python/checkpoint/checkpoint.py`` and ``checkpoint_management.py``.
A checkpoint saves every variable reachable from the objects it was given, under the
path of attribute names that leads to it (``net/l1/kernel/.ATTRIBUTES/VARIABLE_VALUE``),
and ``restore`` matches the same paths again, so a different object holding the same
names (a ``Checkpoint(l1=...)`` standing for a layer) restores just what it names, and a
variable assigned after ``restore`` is restored then (TensorFlow's deferred restoration).

What differs, on purpose: the file. TensorFlow writes ``ckpt-1.index`` and
``ckpt-1.data-00000-of-00001`` in its own format; buildtrace writes one HDF5 file at
``ckpt-1.index`` (where TensorFlow's index is, so ``tf.train.latest_checkpoint`` and the
folder's ``checkpoint`` state file work as usual) and says so once. TensorFlow cannot
read it, nor buildtrace TensorFlow's. Objects are walked as TensorFlow names them: a
``Checkpoint``'s keyword arguments and attributes, a module's or layer's public
attributes, a Sequential or functional model's layers with weights as
``layer_with_weights-0``..., an optimizer's ``iter`` and its slots, lists and dicts by
index and key. A dataset iterator's position is not saved.
"""

from __future__ import annotations

import os
from typing import Any

import h5py
import numpy as np

from buildtrace.tf import train_state
from buildtrace.tf.notices import say_once
from buildtrace.tf.tensors import Variable, to_array

_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"


def _is_layer(obj: Any) -> bool:
    return hasattr(obj, "trainable_weights") and hasattr(obj, "built")


def _is_optimizer(obj: Any) -> bool:
    return hasattr(obj, "apply_gradients") and hasattr(obj, "iterations")


def _children(obj: Any) -> list[tuple[str, Any]]:
    """The named objects ``obj`` holds, as TensorFlow's object graph names them."""
    if isinstance(obj, Checkpoint):
        return list(obj._tracked.items())
    if isinstance(obj, list | tuple):
        return [(str(i), v) for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        return [(str(k), v) for k, v in obj.items()]
    if _is_optimizer(obj):
        variables = list(obj.variables)
        return [("iter", obj.iterations)] + [(f"slot-{i}", v) for i, v in enumerate(variables[1:])]
    found = [
        (key, value)
        for key, value in vars(obj).items()
        if not key.startswith("_") and _trackable(value)
    ]
    if _is_layer(obj) and hasattr(obj, "layers"):
        # A Sequential or functional model holds its layers in a list, not as attributes.
        named = {id(value) for _, value in found}
        with_weights = [layer for layer in obj.layers if layer.weights]
        found += [
            (f"layer_with_weights-{i}", layer)
            for i, layer in enumerate(with_weights)
            if id(layer) not in named
        ]
    return found


def _trackable(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return any(_trackable(v) for v in value)
    if isinstance(value, dict):
        return any(_trackable(v) for v in value.values())
    from buildtrace.tf.module import Module

    return (
        isinstance(value, Variable | Checkpoint | Module)
        or _is_layer(value)
        or _is_optimizer(value)
    )


def _walk(obj: Any, prefix: str, above: set[int]) -> list[tuple[str, Variable]]:
    """Every variable under ``obj``, with its path.

    A variable reachable by two paths (a list and a dict holding it) is listed under
    both, as TensorFlow's object graph has an edge for each; ``above`` (the objects on
    the way down) only stops cycles.
    """
    if isinstance(obj, Variable):
        return [(prefix + _SUFFIX, obj)]
    if id(obj) in above:
        return []
    found: list[tuple[str, Variable]] = []
    for name, child in _children(obj):
        if _trackable(child):
            found += _walk(child, f"{prefix}/{name}" if prefix else name, above | {id(obj)})
    return found


def _nested(obj: Any, prefix: str, above: set[int], wanted: Any) -> list[tuple[str, Any]]:
    """The objects under ``obj`` (itself included) for which ``wanted`` holds, with paths."""
    if id(obj) in above or isinstance(obj, Variable) or not _trackable([obj]):
        return []
    found = [(prefix, obj)] if wanted(obj) else []
    for name, child in _children(obj):
        path = f"{prefix}/{name}" if prefix else name
        found += _nested(child, path, above | {id(obj)}, wanted)
    return found


def _announce(path: str) -> None:
    say_once(
        "tf.train.Checkpoint",
        f"buildtrace: tf.train.Checkpoint writes one HDF5 file per checkpoint "
        f"({path}), not TensorFlow's checkpoint format; buildtrace reads it back.",
    )


class CheckpointLoadStatus:
    """What ``restore`` matched. Mirrors TensorFlow's ``CheckpointLoadStatus``."""

    def __init__(self, unmatched_values: list[str], unmatched_objects: list[str]) -> None:
        self._unmatched_values = unmatched_values
        self._unmatched_objects = unmatched_objects
        self._matched_any = True

    def assert_consumed(self) -> CheckpointLoadStatus:
        """Raise unless every saved value and every variable was matched."""
        if self._unmatched_values:
            raise AssertionError(f"Unresolved object in checkpoint: {self._unmatched_values[0]}")
        return self.assert_existing_objects_matched()

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        """Raise unless every variable of the restored objects got a value."""
        if self._unmatched_objects:
            raise AssertionError(
                f"Object not assigned a value from checkpoint: {self._unmatched_objects[0]}"
            )
        return self

    def assert_nontrivial_match(self) -> CheckpointLoadStatus:
        """Raise if nothing at all was matched."""
        if not self._matched_any:
            raise AssertionError("Nothing except the root object matched a checkpointed value.")
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        """Accept a partial restore silently (there is no warning to silence here)."""
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to run: values are assigned as ``restore`` runs."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """Nothing to run: values are assigned as ``restore`` runs."""


class ListWrapper(list):  # type: ignore[type-arg]
    """A list held by a checkpoint; a variable appended after ``restore`` is restored then."""

    def __init__(self, items: Any, owner: Checkpoint, name: str) -> None:
        super().__init__(items)
        self._owner, self._name = owner, name

    def append(self, value: Any) -> None:
        super().append(value)
        self._owner._restore_deferred(f"{self._name}/{len(self) - 1}", value)

    def __repr__(self) -> str:
        return f"ListWrapper({list.__repr__(self)})"


class Checkpoint:
    """Groups objects to save and restore together. Mirrors ``tf.train.Checkpoint``.

    Example:
        >>> step = Variable(1)
        >>> ckpt = Checkpoint(step=step)
        >>> [name for name, _ in _walk(ckpt, "", set())]
        ['step/.ATTRIBUTES/VARIABLE_VALUE']
    """

    _tracked: dict[str, Any]
    _deferred: dict[str, np.ndarray]
    _save_counter: Variable | None

    def __init__(self, root: Any = None, **kwargs: Any) -> None:
        object.__setattr__(self, "_tracked", {})
        object.__setattr__(self, "_deferred", {})
        object.__setattr__(self, "_save_counter", None)
        if root is not None:
            for name, child in _children(root):
                setattr(self, name, child)
        for name, value in kwargs.items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        if isinstance(value, list):
            value = ListWrapper(value, self, name)
        self._tracked[name] = value
        object.__setattr__(self, name, value)
        self._restore_deferred(name, value)

    @property
    def save_counter(self) -> Variable:
        """How many times ``save`` ran (an int64 variable, made on first use)."""
        counter = self._save_counter
        if counter is None:
            counter = Variable(np.int64(0), name="save_counter")
            object.__setattr__(self, "_save_counter", counter)
        return counter

    def _values(self) -> list[tuple[str, Variable]]:
        found = _walk(self, "", set())
        if self._save_counter is not None:
            found.append(("save_counter" + _SUFFIX, self._save_counter))
        return found

    def write(self, file_prefix: Any, options: Any = None) -> str:
        """Write the values at ``file_prefix`` (no counter). Returns the prefix."""
        prefix = os.fspath(file_prefix)
        path = train_state.prepare_checkpoint_prefix(prefix)
        with h5py.File(path, "w") as h5:
            h5.attrs["buildtrace_format"] = "tf.train.Checkpoint stand-in (not TensorFlow's)"
            for name, variable in self._values():
                h5.create_dataset(name, data=to_array(variable))
        _announce(path)
        return str(prefix)

    def save(self, file_prefix: Any, options: Any = None) -> str:
        """Count the save, write ``file_prefix-N`` and make it the folder's latest."""
        self.save_counter.assign_add(1)
        path = self.write(f"{os.fspath(file_prefix)}-{int(to_array(self.save_counter))}")
        train_state.write_checkpoint_state(path, [*train_state.all_checkpoints(path), path])
        return path

    def read(self, save_path: Any, options: Any = None) -> CheckpointLoadStatus:
        """Restore from ``save_path`` (``write``'s counterpart)."""
        return self.restore(save_path)

    def restore(self, save_path: Any, options: Any = None) -> CheckpointLoadStatus:
        """Assign every saved value whose path matches a variable here; defer the rest.

        ``None`` (no checkpoint yet, as ``manager.latest_checkpoint`` returns) restores
        nothing, as TensorFlow's does.

        Raises:
            NotFoundError: no checkpoint at ``save_path`` (TensorFlow's error type).
        """
        if save_path is None:
            return CheckpointLoadStatus([], [])
        saved = _read_values(os.fspath(save_path))
        counter = saved.pop("save_counter" + _SUFFIX, None)
        if counter is not None:
            self.save_counter.assign(counter)
        used: set[str] = set()
        unmatched_objects = []
        for name, variable in _walk(self, "", set()):
            if name in saved:
                _assign(variable, saved[name])
                used.add(name)
            else:
                unmatched_objects.append(name)
        pending = {k[: -len(_SUFFIX)]: v for k, v in saved.items() if k not in used}
        # Each checkpoint on the way down keeps what is saved under it, for a variable
        # assigned to it later (`fake_layer.kernel = ...` after `root.restore(...)`).
        for path, nested in _nested(self, "", set(), lambda o: isinstance(o, Checkpoint)):
            start = f"{path}/" if path else ""
            nested._deferred.update(
                {k[len(start) :]: v for k, v in pending.items() if k.startswith(start)}
            )
        for path, optimizer in _nested(self, "", set(), _is_optimizer):
            _defer_slots(optimizer, path, pending)
        status = CheckpointLoadStatus(sorted(pending), unmatched_objects)
        status._matched_any = bool(used)
        return status

    def _restore_deferred(self, path: str, value: Any) -> None:
        """A value saved under ``path`` and not yet matched goes to ``value`` now."""
        if not self._deferred:
            return
        for name, variable in _walk(value, path, set()):
            key = name[: -len(_SUFFIX)]
            if key in self._deferred:
                _assign(variable, self._deferred.pop(key))


def _assign(variable: Variable, value: np.ndarray) -> None:
    variable.assign(np.asarray(value).reshape(variable.shape))


def _defer_slots(optimizer: Any, path: str, pending: dict[str, np.ndarray]) -> None:
    """An optimizer's slots do not exist before its first step: it takes them then."""
    start = f"{path}/slot-"
    slots = sorted(
        (int(key[len(start) :]), value) for key, value in pending.items() if key.startswith(start)
    )
    if slots:
        optimizer._deferred_restore = [value for _, value in slots]


def _read_values(path: str) -> dict[str, np.ndarray]:
    file = train_state.weights_file_for_prefix(path)
    if not os.path.isfile(file):
        from buildtrace.tf.errors import NotFoundError

        raise NotFoundError(None, None, f"Failed to find any matching files for {path}")
    values: dict[str, np.ndarray] = {}
    with h5py.File(file, "r") as h5:
        h5.visititems(
            lambda name, item: (
                values.__setitem__(name, item[()]) if isinstance(item, h5py.Dataset) else None
            )
        )
    return values


def list_variables(ckpt_dir_or_file: Any) -> list[tuple[str, list[int]]]:
    """``(name, shape)`` of every value saved. Mirrors ``tf.train.list_variables``."""
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        path = train_state.latest_checkpoint(path) or path
    return sorted((name, list(np.shape(v))) for name, v in _read_values(path).items())


class CheckpointManager:
    """Numbers checkpoints and keeps the newest few. Mirrors ``tf.train.CheckpointManager``."""

    def __init__(
        self,
        checkpoint: Checkpoint,
        directory: Any,
        max_to_keep: int | None,
        keep_checkpoint_every_n_hours: Any = None,
        checkpoint_name: str = "ckpt",
        step_counter: Any = None,
        checkpoint_interval: Any = None,
        init_fn: Any = None,
    ) -> None:
        self._checkpoint = checkpoint
        self.directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._prefix = os.path.join(self.directory, checkpoint_name)
        os.makedirs(self.directory, exist_ok=True)
        state = os.path.join(self.directory, "checkpoint")
        self._checkpoints = train_state.all_checkpoints(state) if os.path.isfile(state) else []
        self._latest = train_state.latest_checkpoint(self.directory)

    @property
    def latest_checkpoint(self) -> str | None:
        """The newest checkpoint's prefix, or None before the first save."""
        return self._latest

    @property
    def checkpoints(self) -> list[str]:
        """The prefixes kept, oldest first."""
        return list(self._checkpoints)

    def save(self, checkpoint_number: Any = None, check_interval: bool = True,
             options: Any = None) -> str:  # fmt: skip
        """Write the next checkpoint, forget the oldest beyond ``max_to_keep``."""
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        number = int(to_array(counter)) if checkpoint_number is None else int(checkpoint_number)
        path = self._checkpoint.write(f"{self._prefix}-{number}")
        self._checkpoints = [p for p in self._checkpoints if p != path] + [path]
        while self._max_to_keep is not None and len(self._checkpoints) > self._max_to_keep:
            old = self._checkpoints.pop(0)
            file = train_state.weights_file_for_prefix(old)
            if os.path.isfile(file):
                os.remove(file)
        self._latest = path
        train_state.write_checkpoint_state(path, self._checkpoints)
        return path


__all__ = [
    "Checkpoint",
    "CheckpointLoadStatus",
    "CheckpointManager",
    "ListWrapper",
    "list_variables",
]
