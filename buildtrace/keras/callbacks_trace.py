"""``TraceEvents``: the callback that reports training on the trace bus.

``fit``, ``evaluate`` and ``predict`` append it to their ``CallbackList`` the way Keras
appends ``History`` and ``ProgbarLogger``, so the loops themselves read like Keras's and
the events come from one place. Because it is an ordinary Keras ``Callback``, the same
object serves a hand-written training loop (call its hooks yourself) or, later, a real
Keras ``fit``.

The events and their fields (the trace contract, read by the state folds and the viewer):

- ``train_begin``: ``epochs``, ``steps`` (per epoch), ``samples``, ``batch_size``;
- ``epoch_begin``: ``epoch``, ``epochs``; ``batch_end``: ``epoch``, ``batch``, ``logs``;
- ``epoch_end``: ``epoch``, ``epochs``, ``logs`` (with ``val_*``); ``train_end``: ``logs``;
- ``test_begin``: ``steps``; ``test_end``: ``logs``; ``predict_begin``: ``steps``;
  ``predict_end``.

The ``name`` of an event is the loop it belongs to (``fit``, ``evaluate``, ``predict``)
and its ``layer`` is the model's name.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.callbacks import Callback, Logs
from buildtrace.trace import emit


class TraceEvents(Callback):
    """Emits ``train_begin``, ``epoch_begin``, ``batch_end``... as the loop runs.

    It reads what it reports from ``params`` (``epochs``, ``steps``, and, for ``fit``,
    ``samples`` and ``batch_size``) and from the hooks' arguments.

    Example:
        >>> from buildtrace import keras
        >>> from buildtrace.trace import BUS
        >>> model = keras.Sequential(name="toy")
        >>> seen = []
        >>> stop = BUS.subscribe(seen.append)
        >>> trace = TraceEvents()
        >>> trace.set_model(model)
        >>> trace.set_params({"epochs": 1, "steps": 2})
        >>> trace.on_epoch_begin(0)
        >>> stop()
        >>> (seen[0]["kind"], seen[0]["layer"], seen[0]["epoch"], seen[0]["epochs"])
        ('epoch_begin', 'toy', 0, 1)
    """

    def __init__(self) -> None:
        super().__init__()
        self._epoch = 0
        self._name: str | None = None

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        self._name = getattr(model, "name", None)

    # ------------------------------------------------------------------ fit
    def on_train_begin(self, logs: Logs | None = None) -> None:
        params = self.params
        emit("train_begin", "fit", self._name, epochs=params.get("epochs"),
             steps=params.get("steps"), samples=params.get("samples"),
             batch_size=params.get("batch_size"))  # fmt: skip

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch
        emit("epoch_begin", "fit", self._name, epoch=epoch, epochs=self.params.get("epochs"))

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Nothing: a ``batch_begin`` event per batch would double the trace for no news."""

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        emit("batch_end", "fit", self._name, epoch=self._epoch, batch=batch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        emit("epoch_end", "fit", self._name, epoch=epoch, epochs=self.params.get("epochs"),
             logs=logs)  # fmt: skip

    def on_train_end(self, logs: Logs | None = None) -> None:
        emit("train_end", "fit", self._name, logs=logs)

    # ------------------------------------------------------------------ evaluate, predict
    def on_test_begin(self, logs: Logs | None = None) -> None:
        emit("test_begin", "evaluate", self._name, steps=self.params.get("steps"))

    def on_test_end(self, logs: Logs | None = None) -> None:
        emit("test_end", "evaluate", self._name, logs=logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        emit("predict_begin", "predict", self._name, steps=self.params.get("steps"))

    def on_predict_end(self, logs: Logs | None = None) -> None:
        emit("predict_end", "predict", self._name)
