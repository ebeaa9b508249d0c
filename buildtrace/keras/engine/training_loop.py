"""The loops behind ``Model.fit``, ``evaluate`` and ``predict``.

Mirrors the bodies of ``keras/engine/training.py::Model.fit`` / ``evaluate`` /
``predict`` (Keras 2): epochs and batches from a ``DataHandler``, the callbacks'
hooks in Keras's order, validation at the end of an epoch. The methods themselves stay
on ``Model`` (so the trace names them ``keras.engine.training.Model.fit``); their
loops live here to keep ``training.py`` readable. Each loop also reports training
events (``train_begin``, ``epoch_end``, ``batch_end``...) on the trace bus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from buildtrace.keras.engine import data_adapter
from buildtrace.trace import BUS, emit, suspended

if TYPE_CHECKING:
    from buildtrace.keras.engine.training import Model


def fit(
    self: Model, x: Any, y: Any, batch_size: int | None, epochs: int, verbose: Any,
    callbacks: Any, validation_split: float, validation_data: Any, shuffle: bool,
    class_weight: Any, sample_weight: Any, initial_epoch: int, steps_per_epoch: int | None,
    validation_steps: int | None, validation_batch_size: int | None, validation_freq: int,
) -> Any:  # fmt: skip
    """``Model.fit``'s loop (``self`` is the model)."""
    from buildtrace.keras import callbacks as callbacks_module

    self._assert_compile_was_called()
    if class_weight is not None:
        raise NotImplementedError("`class_weight` is not supported by buildtrace.")
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = data_adapter.train_validation_split(
            (x, y, sample_weight), validation_split
        )
    val = data_adapter.unpack_x_y_sample_weight(validation_data) if validation_data else None
    handler = data_adapter.DataHandler(
        x, y, sample_weight, batch_size, steps_per_epoch, initial_epoch, epochs, shuffle
    )
    verbose = 1 if verbose == "auto" else verbose
    callback_list = callbacks_module.CallbackList(
        callbacks, add_history=True, add_progbar=verbose != 0, model=self,
        verbose=verbose, epochs=epochs, steps=handler.inferred_steps,
    )  # fmt: skip
    self.stop_training = False
    train_function = self.make_train_function()
    emit("train_begin", "fit", self.name, epochs=epochs, steps=handler.inferred_steps,
         samples=handler.num_samples, batch_size=handler.batch_size)  # fmt: skip
    callback_list.on_train_begin()
    logs: dict[str, float] = {}
    epoch_logs: dict[str, float] = {}
    for epoch, batches in handler.enumerate_epochs():
        self.reset_metrics()
        callback_list.on_epoch_begin(epoch)
        emit("epoch_begin", "fit", self.name, epoch=epoch, epochs=epochs)
        for step, batch in enumerate(batches):
            callback_list.on_train_batch_begin(step)
            logs = train_function(batch)
            callback_list.on_train_batch_end(step, logs)
            emit("batch_end", "fit", self.name, epoch=epoch, batch=step, logs=logs)
            if self.stop_training:
                break
        epoch_logs = dict(logs)
        if val is not None and (epoch + 1) % validation_freq == 0:
            val_logs = self.evaluate(
                val[0], val[1], batch_size=validation_batch_size or handler.batch_size,
                sample_weight=val[2], steps=validation_steps, verbose=0, return_dict=True,
            )  # fmt: skip
            epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
        callback_list.on_epoch_end(epoch, epoch_logs)
        emit("epoch_end", "fit", self.name, epoch=epoch, epochs=epochs, logs=epoch_logs)
        if self.stop_training:
            break
    callback_list.on_train_end(logs=epoch_logs)
    emit("train_end", "fit", self.name, logs=epoch_logs)
    self.history = callback_list._history
    return self.history


def evaluate(
    self: Model, x: Any, y: Any, batch_size: int | None, verbose: Any, sample_weight: Any,
    steps: int | None, callbacks: Any, return_dict: bool,
) -> Any:  # fmt: skip
    """``Model.evaluate``'s loop."""
    from buildtrace.keras import callbacks as callbacks_module

    self._assert_compile_was_called()
    handler = data_adapter.DataHandler(x, y, sample_weight, batch_size, steps)
    verbose = 1 if verbose == "auto" else verbose
    callback_list = callbacks_module.CallbackList(
        callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
        steps=handler.inferred_steps,
    )  # fmt: skip
    if self.test_function is None:
        self.test_function = trace_once(self._packed_step("test_step"))
    self.reset_metrics()
    callback_list.on_test_begin()
    emit("test_begin", "evaluate", self.name, steps=handler.inferred_steps)
    logs: dict[str, float] = {}
    for _, batches in handler.enumerate_epochs():
        for step, batch in enumerate(batches):
            callback_list.on_test_batch_begin(step)
            logs = self.test_function(batch)
            callback_list.on_test_batch_end(step, logs)
    callback_list.on_test_end(logs)
    emit("test_end", "evaluate", self.name, logs=logs)
    return logs_as_keras_returns(logs, self.metrics_names, return_dict)


def predict(
    self: Model, x: Any, batch_size: int | None, verbose: Any, steps: int | None, callbacks: Any
) -> Any:
    """``Model.predict``'s loop."""
    handler = data_adapter.DataHandler(x, batch_size=batch_size, steps_per_epoch=steps)
    if self.predict_function is None:
        self.predict_function = trace_once(self.predict_step)
    emit("predict_begin", "predict", self.name, steps=handler.inferred_steps)
    outputs: list[Any] = []
    for _, batches in handler.enumerate_epochs():
        outputs.extend(self.predict_function(batch) for batch in batches)
    emit("predict_end", "predict", self.name)
    if outputs and isinstance(outputs[0], list):
        return [np.concatenate(parts) for parts in zip(*outputs)]
    return np.concatenate(outputs)


def trace_once(step: Any) -> Any:
    """``step``, traced event by event on its first call only, like a ``tf.function``."""
    calls = 0

    def run(data: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1 or not BUS.active:
            return step(data)  # the first call is traced; with no listener, nothing to hush
        with suspended():
            return step(data)

    return run


def describe(value: Any) -> Any:
    """A JSON-friendly name for a loss/metric/optimizer argument of ``compile``."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, list | tuple):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {k: describe(v) for k, v in value.items()}
    return getattr(value, "name", None) or getattr(value, "__name__", type(value).__name__)


def logs_as_keras_returns(logs: dict[str, float], names: list[str], as_dict: bool) -> Any:
    """``evaluate``/``*_on_batch`` return a dict, one float, or a list in metric order."""
    if as_dict:
        return dict(logs)
    values = [logs[name] for name in names if name in logs]
    return values[0] if len(values) == 1 else values
