"""The training events of a real engine, from the mini-Keras's own callback code.

The mini-Keras reports training through ``TraceEvents``
(:mod:`buildtrace.keras.callbacks_trace`), an ordinary Keras callback. Here the same
hook functions serve tf-keras: :func:`tf_keras_trace_events` makes a subclass of
tf-keras's ``Callback`` whose hooks are ``TraceEvents``'s, so both engines write the very
same ``train_begin`` / ``epoch_end`` / ``batch_end``... events. Two things differ:
tf-keras hands the hooks numpy numbers in ``logs`` (the trace contract wants plain
numbers), and while a loop runs, the tracer records the engine's calls only inside
TensorFlow's traces of the step function (the per-batch plumbing of ``CallbackList``
and the data handler would bury the build's story in thousands of calls); tracing even
pauses from a loop's begin to its end, but while TensorFlow traces a step function.
"""

from __future__ import annotations

from typing import Any

from buildtrace.engines.details import scalar
from buildtrace.engines.tracer import EngineTracer
from buildtrace.keras.callbacks_trace import TraceEvents

Logs = dict[str, Any] | None


def plain_logs(logs: Logs) -> dict[str, Any] | None:
    """``{"loss": np.float32(0.3)}`` -> ``{"loss": 0.3...}`` (plain floats)."""
    if logs is None:
        return None
    out: dict[str, Any] = {}
    for key, value in logs.items():
        number = scalar(value)
        if isinstance(number, bool):
            number = float(number)
        if isinstance(number, int | float):
            out[str(key)] = float(number)
    return out


def tf_keras_trace_events(tracer: EngineTracer, base: type) -> type:
    """A ``Callback`` class of a real engine (``base``: its ``Callback``) emitting
    ``TraceEvents``'s events for ``tracer``."""
    hooks = TraceEvents

    # Loops: mute the tracer's per-batch plumbing from a loop's begin to its end (loops
    # nest: a fit's validation runs evaluate inside it).
    def _loop_began() -> None:
        tracer.muted += 1
        tracer.pause()

    def _loop_ended() -> None:
        tracer.muted = max(0, tracer.muted - 1)
        if not tracer.muted:
            tracer.resume()

    class TfKerasTraceEvents(base):  # type: ignore[misc]
        """Mirrors: ``buildtrace.keras.callbacks_trace.TraceEvents`` on tf-keras."""

        def __init__(self) -> None:
            super().__init__()
            self._epoch = 0
            self._name: str | None = None

        def set_model(self, model: Any) -> None:
            super().set_model(model)
            self._name = getattr(model, "name", None)

        def on_train_begin(self, logs: Logs = None) -> None:
            _loop_began()
            hooks.on_train_begin(self, plain_logs(logs))

        def on_train_end(self, logs: Logs = None) -> None:
            hooks.on_train_end(self, plain_logs(logs))
            _loop_ended()

        def on_test_begin(self, logs: Logs = None) -> None:
            _loop_began()
            hooks.on_test_begin(self, plain_logs(logs))

        def on_test_end(self, logs: Logs = None) -> None:
            hooks.on_test_end(self, plain_logs(logs))
            _loop_ended()

        def on_predict_begin(self, logs: Logs = None) -> None:
            _loop_began()
            hooks.on_predict_begin(self, plain_logs(logs))

        def on_predict_end(self, logs: Logs = None) -> None:
            hooks.on_predict_end(self, plain_logs(logs))
            _loop_ended()

        def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
            hooks.on_epoch_begin(self, epoch, plain_logs(logs))

        def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
            hooks.on_epoch_end(self, epoch, plain_logs(logs))

        def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
            hooks.on_train_batch_end(self, batch, plain_logs(logs))

    return TfKerasTraceEvents
