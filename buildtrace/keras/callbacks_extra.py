"""The rest of ``keras.callbacks`` that tutorials use: checkpoints, logs, learning rates.

Mirrors: ``keras/callbacks.py`` of Keras 2 (``ModelCheckpoint``, ``ReduceLROnPlateau``,
``LearningRateScheduler``, ``CSVLogger``, ``TerminateOnNaN``, ``TensorBoard``); kept
apart from ``callbacks.py`` (the base classes and the loop's own callbacks) for size.
Messages, log keys (``lr``) and file layouts are Keras's.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from buildtrace.keras.callbacks import Callback, Logs
from buildtrace.tf import notices

_log = logging.getLogger("buildtrace.keras.callbacks")


def _current_lr(model: Any) -> float:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "lr"):
        raise ValueError('Optimizer must have a "lr" attribute.')
    return float(optimizer.learning_rate)


class ReduceLROnPlateau(Callback):
    """Divide the learning rate when a monitored value stops improving.

    Mirrors: ``keras/callbacks.py::ReduceLROnPlateau``: after ``patience`` epochs without
    an improvement of at least ``min_delta``, ``lr = max(lr * factor, min_lr)``, then
    ``cooldown`` epochs of rest. Adds ``lr`` to the epoch's logs (so ``history`` has it).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Got {factor}")
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            _log.warning("`epsilon` argument is deprecated and will be removed, use `min_delta`.")
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0.0
        self.mode = mode
        self._reset()

    def _reset(self) -> None:
        if self.mode not in {"auto", "min", "max"}:
            _log.warning("Learning rate reduction mode %s is unknown, fallback to auto mode.",
                         self.mode)  # fmt: skip
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op: Callable[[Any, Any], Any] = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs if logs is not None else {}
        logs["lr"] = _current_lr(self.model)
        current = logs.get(self.monitor)
        if current is None:
            _log.warning(
                "Learning rate reduction is conditioned on metric `%s` which is not available. "
                "Available metrics are: %s",
                self.monitor,
                ",".join(logs),
            )
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _current_lr(self.model)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(
                            f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing "
                            f"learning rate to {new_lr}."
                        )
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch from ``schedule(epoch, lr)``.

    Mirrors: ``keras/callbacks.py::LearningRateScheduler`` (a one-argument ``schedule(epoch)``
    works too). Adds ``lr`` to the epoch's logs.
    """

    def __init__(self, schedule: Callable[..., Any], verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        lr = _current_lr(self.model)
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # Keras 2.0's one-argument schedules
            lr = self.schedule(epoch)
        if not isinstance(lr, float | np.floating | int):
            raise ValueError(f'The output of the "schedule" function should be float. Got: {lr}')
        self.model.optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if logs is not None:
            logs["lr"] = _current_lr(self.model)


class CSVLogger(Callback):
    """Write one row per epoch (``epoch`` then the sorted log keys) to a CSV file.

    Mirrors: ``keras/callbacks.py::CSVLogger`` (Excel dialect rows, as Keras writes them).
    """

    def __init__(self, filename: str | os.PathLike[str], separator: str = ",",
                 append: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: Any = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file: Any = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        mode = "w"
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        self.csv_file = open(self.filename, mode, newline="")  # noqa: SIM115 (open across hooks)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}

        def value(v: Any) -> Any:
            array = np.asarray(v)
            if array.ndim > 0:
                return f'"[{", ".join(map(str, array.ravel()))}]"'
            return v

        if self.keys is None:
            self.keys = sorted(logs)
        if self.writer is None:
            sep = self.sep

            class Dialect(csv.excel):
                delimiter = sep

            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys],
                                         dialect=Dialect)  # fmt: skip
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch, **{k: value(logs.get(k, "NA")) for k in self.keys}}
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None


class TerminateOnNaN(Callback):
    """Stop training as soon as the loss is NaN or infinite.

    Mirrors: ``keras/callbacks.py::TerminateOnNaN``.
    """

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class TensorBoard(Callback):
    """Accepted so scripts run, but writes nothing: buildtrace has no TensorBoard writer.

    It says so once per process, on stderr. The trace buildtrace records (``buildtrace
    run -o run.jsonl``, the viewer's training panel) shows the same curves.
    """

    def __init__(self, log_dir: str | os.PathLike[str] = "logs", **kwargs: Any) -> None:
        super().__init__()
        self.log_dir = os.fspath(log_dir)

    def on_train_begin(self, logs: Logs | None = None) -> None:
        notices.tensorboard_writes_nothing("keras.callbacks.TensorBoard", self.log_dir)


class ModelCheckpoint(Callback):
    """Save the model (or its weights) each epoch, each ``save_freq`` batches, or when better.

    Mirrors: ``keras/callbacks.py::ModelCheckpoint``: the file name is formatted with
    ``epoch`` (one-based), ``batch`` (one-based, when saving every ``save_freq`` batches)
    and the logs (``"weights.{epoch:02d}-{val_loss:.2f}.h5"``). The deprecated ``period``
    saves every ``period`` epochs, as Keras 2 still accepts it. ``.keras`` and ``.h5``
    files are written as Keras writes them; any other name is written by ``model.save`` /
    ``model.save_weights`` (buildtrace's HDF5 stand-ins for TensorFlow's formats).
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: Any = "epoch",
        options: Any = None,
        initial_value_threshold: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        # Counters of Keras's batch-level saving (`_should_save_on_batch`).
        self.epochs_since_last_save = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = -1
        self._current_epoch = 0
        self.best = initial_value_threshold
        if "period" in kwargs:
            # Keras 2 still honours the old `period` (epochs between saves), with a warning.
            self.period = kwargs["period"]
            _log.warning("`period` argument is deprecated. Please use `save_freq` "
                         "to specify the frequency in number of batches seen.")  # fmt: skip
        else:
            self.period = 1
        if mode not in {"auto", "min", "max"}:
            _log.warning("ModelCheckpoint mode %s is unknown, fallback to auto mode.", mode)
            mode = "auto"
        if mode == "max" or (
            mode == "auto" and ("acc" in monitor or monitor.startswith("fmeasure"))
        ):
            self.monitor_op: Callable[[Any, Any], Any] = np.greater
            self.best = -np.inf if self.best is None else self.best
        else:
            self.monitor_op = np.less
            self.best = np.inf if self.best is None else self.best
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f'Unrecognized save_freq: {save_freq}. Expected save_freq are "epoch" or integer'
            )

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, dict(logs or {}))

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epochs_since_last_save += 1
        if self.save_freq == "epoch":
            self._save_model(epoch, None, dict(logs or {}))

    def _should_save_on_batch(self, batch: int) -> bool:
        """Count the batches seen (a smaller index means a new epoch); True every ``save_freq``."""
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, epoch: int, batch: int | None, logs: Logs) -> None:
        if not isinstance(self.save_freq, int) and self.epochs_since_last_save < self.period:
            return
        self.epochs_since_last_save = 0
        filepath = self._get_file_path(epoch, batch, logs)
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                _log.warning("Can save best model only with %s available, skipping.",
                             self.monitor)  # fmt: skip
                return
            if not self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")  # fmt: skip
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {filepath}")  # fmt: skip
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _get_file_path(self, epoch: int, batch: int | None, logs: Logs) -> str:
        """The file name for this save, formatted as Keras formats it."""
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}'
            ) from None
