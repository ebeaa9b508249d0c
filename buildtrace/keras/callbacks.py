"""``keras.callbacks``: hooks the training loop calls at every stage of ``fit``.

Mirrors: ``keras/callbacks.py`` of Keras 2 (``Callback``, ``CallbackList``, ``History``,
``ProgbarLogger``, ``EarlyStopping``, ``LambdaCallback``). ``fit`` builds a ``CallbackList``
with ``add_history=True, add_progbar=verbose != 0``, then calls ``on_train_begin``, and for
each epoch ``on_epoch_begin``, ``on_train_batch_begin``/``_end`` per batch (logs: the running
epoch averages so far), ``on_epoch_end`` (logs, plus ``val_*`` ones), and ``on_train_end``.
A callback stops training by setting ``model.stop_training = True``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from rich.console import Console

from buildtrace.keras.unsupported import unsupported
from buildtrace.keras.utils.progbar import Progbar

Logs = dict[str, Any]
_log = logging.getLogger("buildtrace.keras.callbacks")


def _default(method: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a hook as the do-nothing default, so callers can skip it (Keras's trick)."""
    method._is_default = True  # type: ignore[attr-defined]
    return method


def _is_default(method: Any) -> bool:
    return getattr(method, "_is_default", False)


class Callback:
    """Base class: override the hooks you need; ``self.model`` and ``self.params`` are set.

    Mirrors: ``keras/callbacks.py::Callback``.
    """

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_params(self, params: dict[str, Any]) -> None:
        """Receive ``fit``'s parameters (``verbose``, ``epochs``, ``steps``)."""
        self.params = params

    def set_model(self, model: Any) -> None:
        """Receive the model being trained."""
        self.model = model

    @_default
    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Old alias of ``on_train_batch_begin``."""

    @_default
    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Old alias of ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """At the start of epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """At the end of an epoch; ``logs`` holds its metrics (and ``val_*`` ones)."""

    @_default
    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Before a training batch (calls ``on_batch_begin``, as Keras does)."""
        self.on_batch_begin(batch, logs=logs)

    @_default
    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """After a training batch; ``logs`` are the epoch's running averages."""
        self.on_batch_end(batch, logs=logs)

    @_default
    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Before an evaluation batch."""

    @_default
    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """After an evaluation batch."""

    @_default
    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Before a prediction batch."""

    @_default
    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """After a prediction batch."""

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """At the start of ``fit``."""

    def on_train_end(self, logs: Logs | None = None) -> None:
        """At the end of ``fit``."""

    def on_test_begin(self, logs: Logs | None = None) -> None:
        """At the start of ``evaluate`` (or of validation)."""

    def on_test_end(self, logs: Logs | None = None) -> None:
        """At the end of ``evaluate`` (or of validation)."""

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        """At the start of ``predict``."""

    def on_predict_end(self, logs: Logs | None = None) -> None:
        """At the end of ``predict``."""

    def _implements_train_batch_hooks(self) -> bool:
        hooks = (self.on_batch_begin, self.on_batch_end, self.on_train_batch_begin)
        return not all(_is_default(h) for h in (*hooks, self.on_train_batch_end))

    def _implements_test_batch_hooks(self) -> bool:
        return not (_is_default(self.on_test_batch_begin) and _is_default(self.on_test_batch_end))

    def _implements_predict_batch_hooks(self) -> bool:
        begin, end = self.on_predict_batch_begin, self.on_predict_batch_end
        return not (_is_default(begin) and _is_default(end))


class CallbackList:
    """Calls every callback's hook at once; skips batch hooks nobody implements.

    Mirrors: ``keras/callbacks.py::CallbackList`` (without its slow-callback timing check).

    Args:
        callbacks: The callbacks, in calling order.
        add_history: Append a :class:`History` if there is none.
        add_progbar: Append a :class:`ProgbarLogger` (counting steps) if there is none.
        model: Passed to every callback's ``set_model``.
        **params: Passed to every callback's ``set_params`` (``verbose``, ``epochs``, ``steps``).
    """

    def __init__(
        self,
        callbacks: list[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        self.callbacks: list[Callback] = list(callbacks or [])
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger(count_mode="steps")
            self.callbacks.append(self._progbar)
        self.model: Any = None
        self.params: dict[str, Any] = {}
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)
        self._find_batch_hooks()

    def _find_batch_hooks(self) -> None:
        """Which callbacks want batch hooks: fit calls them per batch, so skip the rest."""
        self._train_batch = [c for c in self.callbacks if c._implements_train_batch_hooks()]
        self._test_batch = [c for c in self.callbacks if c._implements_test_batch_hooks()]
        self._predict_batch = [c for c in self.callbacks if c._implements_predict_batch_hooks()]

    def append(self, callback: Callback) -> None:
        """Add a callback at the end."""
        self.callbacks.append(callback)
        self._find_batch_hooks()

    def set_params(self, params: dict[str, Any]) -> None:
        """Give every callback the training parameters."""
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)
        self._find_batch_hooks()  # ProgbarLogger's batch hooks depend on `verbose`

    def set_model(self, model: Any) -> None:
        """Give every callback the model (and the model its ``history``)."""
        self.model = model
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def _call(self, hook: str, *args: Any) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(*args)

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Calls ``on_train_batch_begin`` of the callbacks that implement batch hooks."""
        for callback in self._train_batch:
            callback.on_train_batch_begin(batch, logs or {})

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Calls ``on_train_batch_end`` of the callbacks that implement batch hooks."""
        for callback in self._train_batch:
            callback.on_train_batch_end(batch, logs or {})

    on_batch_begin = on_train_batch_begin
    on_batch_end = on_train_batch_end

    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Calls ``on_test_batch_begin`` where implemented."""
        for callback in self._test_batch:
            callback.on_test_batch_begin(batch, logs or {})

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Calls ``on_test_batch_end`` where implemented."""
        for callback in self._test_batch:
            callback.on_test_batch_end(batch, logs or {})

    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Calls ``on_predict_batch_begin`` where implemented."""
        for callback in self._predict_batch:
            callback.on_predict_batch_begin(batch, logs or {})

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Calls ``on_predict_batch_end`` where implemented."""
        for callback in self._predict_batch:
            callback.on_predict_batch_end(batch, logs or {})

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """Calls every ``on_epoch_begin``."""
        self._call("on_epoch_begin", epoch, logs or {})

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """Calls every ``on_epoch_end``."""
        self._call("on_epoch_end", epoch, logs or {})

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Calls every ``on_train_begin``."""
        self._call("on_train_begin", logs or {})

    def on_train_end(self, logs: Logs | None = None) -> None:
        """Calls every ``on_train_end``."""
        self._call("on_train_end", logs or {})

    def on_test_begin(self, logs: Logs | None = None) -> None:
        """Calls every ``on_test_begin``."""
        self._call("on_test_begin", logs or {})

    def on_test_end(self, logs: Logs | None = None) -> None:
        """Calls every ``on_test_end``."""
        self._call("on_test_end", logs or {})

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        """Calls every ``on_predict_begin``."""
        self._call("on_predict_begin", logs or {})

    def on_predict_end(self, logs: Logs | None = None) -> None:
        """Calls every ``on_predict_end``."""
        self._call("on_predict_end", logs or {})


class History(Callback):
    """Records every epoch's logs: ``history.history["loss"]`` is one value per epoch.

    Mirrors: ``keras/callbacks.py::History``. ``fit`` returns it (also as ``model.history``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Start a new list of epochs (the ``history`` dict carries on, as in Keras)."""
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """Append each log value to its list; point ``model.history`` here."""
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self


class ProgbarLogger(Callback):
    """Prints ``Epoch 1/5`` and Keras's progress bar (see :class:`Progbar`).

    Mirrors: ``keras/callbacks.py::ProgbarLogger``. Differences: ``count_mode`` defaults to
    ``"steps"`` (Keras's default, ``"samples"``, only worked in its TF1 loop), and if the model
    has no ``metrics`` list every logged value is shown as given: ``fit``'s logs are already
    running averages (Keras marks them "stateful" through ``model.metrics``).

    Args:
        count_mode: ``"steps"`` or ``"samples"``.
        stateful_metrics: Names of values to show as given rather than averaged.
        console: The rich console to draw on (stdout by default).
        clock: Time source for the progress bar (tests pass a fake).
    """

    def __init__(
        self,
        count_mode: str = "steps",
        stateful_metrics: list[str] | None = None,
        console: Console | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        if count_mode not in {"samples", "steps"}:
            raise ValueError(
                f'Unknown `count_mode`: {count_mode}. Expected values are ["samples", "steps"]'
            )
        self.use_steps = count_mode == "steps"
        self.stateful_metrics = set(stateful_metrics or ())
        self.console = console or Console()
        self._clock = clock
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target: int | None = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params: dict[str, Any]) -> None:
        """Read ``verbose``, ``epochs`` and the target (``steps`` or ``samples``)."""
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps" if self.use_steps else "samples")

    def _implements_train_batch_hooks(self) -> bool:
        return self.verbose == 1  # verbose=2 only prints at epoch ends: skip per-batch calls

    _implements_test_batch_hooks = _implements_train_batch_hooks
    _implements_predict_batch_hooks = _implements_train_batch_hooks

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Inside ``fit``, validation runs silently."""
        self._called_in_fit = True

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """A new bar; ``Epoch 2/5`` when there is more than one epoch."""
        self._reset_progbar()
        self._maybe_init_progbar({})  # the bar's clock starts now
        if self.verbose and self.epochs > 1:
            self.console.print(f"Epoch {epoch + 1}/{self.epochs}", markup=False, highlight=False)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Advance the bar to step ``batch + 1``."""
        self._batch_update_progbar(batch, logs)

    def on_test_begin(self, logs: Logs | None = None) -> None:
        """A bar for ``evaluate`` (not for validation inside ``fit``)."""
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar({})

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Advance the evaluation bar."""
        if not self._called_in_fit:
            self._batch_update_progbar(batch, logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        """A bar for ``predict``."""
        self._reset_progbar()
        self._maybe_init_progbar({})

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Advance the prediction bar (without showing the outputs)."""
        self._batch_update_progbar(batch, None)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """Finish the epoch's line with the epoch's logs (including ``val_*``)."""
        self._finalize_progbar(logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        """Finish the evaluation line."""
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs: Logs | None = None) -> None:
        """Finish the prediction line."""
        self._finalize_progbar(logs)

    def _reset_progbar(self) -> None:
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self, logs: Logs) -> Progbar:
        model_metrics = getattr(self.model, "metrics", None)
        if model_metrics is not None:
            self.stateful_metrics |= {m.name for m in model_metrics}
        else:
            self.stateful_metrics |= set(logs)
        if self.progbar is None:
            self.progbar = Progbar(
                target=self.target,
                verbose=self.verbose,
                stateful_metrics=self.stateful_metrics,
                unit_name="step" if self.use_steps else "sample",
                console=self.console,
                clock=self._clock,
            )
        self.progbar._update_stateful_metrics(self.stateful_metrics)
        return self.progbar

    def _batch_update_progbar(self, batch: int, logs: Logs | None) -> None:
        logs = dict(logs or {})
        if self.use_steps:
            self.seen = batch + 1  # one-based
        else:
            self.seen += logs.pop("size", 0) * logs.pop("num_steps", 1)
            logs.pop("batch", None)
        progbar = self._maybe_init_progbar(logs)
        if self.verbose == 1:
            progbar.update(self.seen, list(logs.items()), finalize=False)

    def _finalize_progbar(self, logs: Logs | None) -> None:
        logs = logs or {}
        progbar = self._maybe_init_progbar(logs)
        if self.target is None:
            self.target = self.seen  # learnt at the end of the first epoch
            progbar.target = self.target
        progbar.update(self.target, list(logs.items()), finalize=True)


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving.

    Mirrors: ``keras/callbacks.py::EarlyStopping`` (tf-keras 2.13+ behaviour: the best weights
    are restored at the end of training, ``start_from_epoch`` skips warm-up epochs).

    Args:
        monitor: The log key to watch (``"val_loss"``, ``"accuracy"``...).
        min_delta: A change smaller than this is no improvement.
        patience: Epochs without improvement before stopping.
        verbose: 1 prints when stopping and when restoring weights.
        mode: ``"min"``, ``"max"``, or ``"auto"`` (max for names ending in acc, accuracy, auc).
        baseline: Training also stops if the value does not beat this.
        restore_best_weights: At the end, put back the weights of the best epoch.
        start_from_epoch: Ignore the first epochs (warm-up).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights: Any = None
        self.start_from_epoch = start_from_epoch
        if mode not in {"auto", "min", "max"}:
            _log.warning("EarlyStopping mode %s is unknown, fallback to auto mode.", mode)
            mode = "auto"
        if mode == "max" or (mode == "auto" and monitor.endswith(("acc", "accuracy", "auc"))):
            self.monitor_op: Callable[[Any, Any], Any] = np.greater
        else:
            self.monitor_op = np.less
        # Improving means beating the best by min_delta, in the right direction.
        self.min_delta *= 1 if self.monitor_op is np.greater else -1
        self.best = np.inf if self.monitor_op is np.less else -np.inf
        self.best_epoch = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Reset, so the same instance can be used for several ``fit`` calls."""
        self.wait = 0
        self.stopped_epoch = 0
        self.best = np.inf if self.monitor_op is np.less else -np.inf
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """Count epochs without improvement; set ``model.stop_training`` when out of patience."""
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # If no epoch ever improves, these (the first monitored) weights are restored.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Only restart the wait if we beat both the baseline and our previous best.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        """Report the stop, and restore the best weights if asked."""
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                best = self.best_epoch + 1
                print(f"Restoring model weights from the end of the best epoch: {best}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: Logs | None) -> Any:
        """``logs[monitor]``, or None with a warning listing the available keys."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            _log.warning(
                "Early stopping conditioned on metric `%s` which is not available. "
                "Available metrics are: %s",
                self.monitor,
                ",".join(logs),
            )
        return value

    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))


class LambdaCallback(Callback):
    """A callback made of plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda e, l: ...)``.

    Mirrors: ``keras/callbacks.py::LambdaCallback``. Epoch hooks get ``(epoch, logs)``, batch
    hooks ``(batch, logs)``, train hooks ``(logs)``; other keyword arguments (such as
    ``on_train_batch_end=``) become attributes, as in Keras.
    """

    def __init__(
        self,
        on_epoch_begin: Callable[..., Any] | None = None,
        on_epoch_end: Callable[..., Any] | None = None,
        on_batch_begin: Callable[..., Any] | None = None,
        on_batch_end: Callable[..., Any] | None = None,
        on_train_begin: Callable[..., Any] | None = None,
        on_train_end: Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_batch_begin": on_batch_begin,
            "on_batch_end": on_batch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
        }
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)  # an instance attribute hides the default method


# The rest of Keras's callbacks live beside this module (kept apart for size).
from buildtrace.keras.callbacks_extra import (  # noqa: E402
    CSVLogger,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TensorBoard,
    TerminateOnNaN,
)

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TensorBoard",
    "TerminateOnNaN",
]


def __getattr__(name: str) -> Any:
    raise unsupported(f"keras.callbacks.{name}")
