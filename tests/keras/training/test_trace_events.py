"""Training events come from one callback, ``TraceEvents``, with the contract unchanged.

The expected sequence below is what ``fit``/``evaluate``/``predict`` emitted before the
events moved into the callback (recorded from the previous loop, field for field).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace import keras
from buildtrace.keras.callbacks_trace import TraceEvents
from buildtrace.trace import Event
from buildtrace.trace.events import TRAINING_KINDS

EXPECTED_KINDS = [
    "compile", "train_begin",
    "epoch_begin", "batch_end", "batch_end", "batch_end", "test_begin", "test_end", "epoch_end",
    "epoch_begin", "batch_end", "batch_end", "batch_end", "test_begin", "test_end", "epoch_end",
    "train_end", "test_begin", "test_end", "predict_begin", "predict_end",
]  # fmt: skip


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 4)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64")


def _model() -> keras.Model:
    model = keras.Sequential(
        [
            keras.layers.Dense(8, activation="relu", input_shape=(4,)),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _training(events: list[Event]) -> list[Event]:
    return [e for e in events if e["kind"] in TRAINING_KINDS]


def test_fit_evaluate_predict_emit_the_contract_in_order(events: list[Event]) -> None:
    x, y = _data()
    model = _model()
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5)
    model.fit(x, y, batch_size=16, epochs=2, validation_split=0.2, verbose=0, callbacks=[stop])
    model.evaluate(x, y, verbose=0)
    model.predict(x[:5], verbose=0)
    got = _training(events)
    assert [e["kind"] for e in got] == EXPECTED_KINDS
    begin = got[1]
    assert (begin["name"], begin["layer"]) == ("fit", "sequential")
    assert (begin["epochs"], begin["steps"], begin["samples"], begin["batch_size"]) == (
        2,
        3,
        40,
        16,
    )
    assert [(e["epoch"], e["batch"]) for e in got if e["kind"] == "batch_end"][:3] == [
        (0, 0),
        (0, 1),
        (0, 2),
    ]
    epoch_end = got[8]
    assert (epoch_end["epoch"], epoch_end["epochs"]) == (0, 2)
    assert sorted(epoch_end["logs"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert got[16]["logs"] == got[15]["logs"]  # train_end carries the last epoch's logs
    assert got[17]["name"] == "evaluate" and got[17]["steps"] == 2
    assert got[19]["name"] == "predict" and got[19]["steps"] == 1
    # Every event sits at the depth of the loop itself (fit is traced at depth 0).
    assert {e["depth"] for e in got[1:17]} == {1}


def test_fit_appends_trace_events_last_like_history_and_progbar() -> None:
    x, y = _data()
    model = _model()
    seen: list[list[str]] = []

    class Peek(keras.callbacks.Callback):
        def on_train_begin(self, logs: Any = None) -> None:
            seen.append([type(c).__name__ for c in self.model._callbacks_for_test])

    from buildtrace.keras.engine import training_loop

    real = training_loop.callback_list

    def spy(*args: Any, **kwargs: Any) -> Any:
        callbacks = real(*args, **kwargs)
        model._callbacks_for_test = callbacks.callbacks  # type: ignore[attr-defined]
        return callbacks

    training_loop.callback_list = spy  # type: ignore[assignment]
    try:
        model.fit(x, y, epochs=1, verbose=1, callbacks=[Peek()])
    finally:
        training_loop.callback_list = real  # type: ignore[assignment]
    assert seen == [["Peek", "History", "ProgbarLogger", "TraceEvents"]]


def test_trace_events_serves_a_hand_written_loop(events: list[Event]) -> None:
    # The same callback reports a loop that is not buildtrace's fit.
    x, y = _data()
    model = _model()
    trace = TraceEvents()
    trace.set_model(model)
    trace.set_params({"epochs": 1, "steps": 2, "samples": 50, "batch_size": 25})
    trace.on_train_begin()
    trace.on_epoch_begin(0)
    for step in range(2):
        logs = model.train_on_batch(x[25 * step : 25 * step + 25], y[25 * step : 25 * step + 25],
                                    return_dict=True)  # fmt: skip
        trace.on_train_batch_end(step, logs)
    trace.on_epoch_end(0, logs)
    trace.on_train_end(logs)
    kinds = [e["kind"] for e in _training(events)]
    assert kinds == ["compile", "train_begin", "epoch_begin", "batch_end", "batch_end",
                     "epoch_end", "train_end"]  # fmt: skip


def test_a_callback_that_predicts_at_epoch_end_stays_inside_the_epoch(
    events: list[Event],
) -> None:
    x, y = _data()
    model = _model()
    probe = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: model.predict(x[:2], verbose=0)
    )
    model.fit(x, y, epochs=1, verbose=0, callbacks=[probe])
    kinds = [e["kind"] for e in _training(events)]
    assert kinds.index("predict_begin") < kinds.index("epoch_end")
