"""Callbacks, driven by hand with a fake model; the progress bar with a fake clock."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from rich.console import Console

from buildtrace.keras import callbacks
from buildtrace.keras.utils.progbar import Progbar

BAR = "=" * 30


class FakeModel:
    """What callbacks touch on a model: weights, stop_training, history."""

    def __init__(self) -> None:
        self.weights = [np.zeros(2)]
        self.stop_training = False
        self.history: Any = None

    def get_weights(self) -> list[np.ndarray]:
        return [w.copy() for w in self.weights]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        self.weights = [w.copy() for w in weights]


class FakeClock:
    """A time source the test moves forward by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def plain_console() -> Console:
    """A non-terminal console writing into a string (like a pipe)."""
    return Console(file=io.StringIO(), width=80)


def output(console: Console) -> str:
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


# --- History, CallbackList ----------------------------------------------------------------


def run_epochs(
    cbs: callbacks.CallbackList, model: FakeModel, epoch_logs: list[dict[str, float]]
) -> int:
    """Drive the hooks as fit does; return how many epochs ran."""
    cbs.on_train_begin()
    ran = 0
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        for batch in range(2):
            cbs.on_train_batch_begin(batch)
            cbs.on_train_batch_end(batch, logs)
        model.weights = [np.full(2, float(epoch))]  # "training" changes the weights
        cbs.on_epoch_end(epoch, logs)
        ran += 1
        if model.stop_training:
            break
    cbs.on_train_end(epoch_logs[ran - 1])
    return ran


def test_history_records_every_epoch() -> None:
    model = FakeModel()
    cbs = callbacks.CallbackList(add_history=True, model=model, verbose=0, epochs=3, steps=2)
    logs = [{"loss": 0.5, "accuracy": 0.8}, {"loss": 0.4, "accuracy": 0.85}, {"loss": 0.3}]
    run_epochs(cbs, model, logs)
    history = model.history
    assert isinstance(history, callbacks.History)
    assert history.epoch == [0, 1, 2]
    assert history.history == {"loss": [0.5, 0.4, 0.3], "accuracy": [0.8, 0.85]}
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}


def test_callback_list_adds_defaults_once() -> None:
    mine = callbacks.History()
    cbs = callbacks.CallbackList([mine], add_history=True, add_progbar=True, verbose=1, epochs=1)
    kinds = [type(c) for c in cbs]
    assert kinds == [callbacks.History, callbacks.ProgbarLogger]
    assert cbs.callbacks[0] is mine
    progbar = cbs.callbacks[1]
    assert isinstance(progbar, callbacks.ProgbarLogger) and progbar.use_steps  # counts steps


def test_batch_hooks_only_reach_callbacks_that_implement_them() -> None:
    calls: list[str] = []

    class Counting(callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            calls.append(f"end{batch}")

    quiet = callbacks.ProgbarLogger(console=plain_console())
    cbs = callbacks.CallbackList([callbacks.History(), Counting(), quiet], verbose=2, epochs=1)
    assert [type(c) for c in cbs._train_batch] == [Counting]  # verbose=2: no per-batch bar
    cbs.on_train_batch_end(0, {})
    assert calls == ["end0"]


def test_old_batch_hook_names_are_called_through_the_new_ones() -> None:
    seen: list[int] = []
    lam = callbacks.LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))
    cbs = callbacks.CallbackList([lam])
    cbs.on_train_batch_end(3, {"loss": 1.0})
    assert seen == [3]


# --- LambdaCallback -----------------------------------------------------------------------


def test_lambda_callback_calls_its_functions() -> None:
    calls: list[tuple[Any, ...]] = []
    lam = callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append(("train_begin",)),
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch)),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_end=lambda logs: calls.append(("train_end",)),
        on_train_batch_end=lambda batch, logs: calls.append(("train_batch_end", batch)),
    )
    model = FakeModel()
    run_epochs(callbacks.CallbackList([lam], model=model), model, [{"loss": 1.0}])
    assert calls == [
        ("train_begin",),
        ("epoch_begin", 0),
        ("batch_begin", 0),
        ("train_batch_end", 0),
        ("batch_begin", 1),
        ("train_batch_end", 1),
        ("epoch_end", 0, 1.0),
        ("train_end",),
    ]


# --- EarlyStopping ------------------------------------------------------------------------


def stop_epoch(
    early: callbacks.EarlyStopping, values: list[float], key: str = "val_loss"
) -> tuple[int, int, FakeModel]:
    model = FakeModel()
    ran = run_epochs(
        callbacks.CallbackList([early], model=model), model, [{key: v} for v in values]
    )
    return ran, early.stopped_epoch, model


def test_early_stopping_waits_for_patience() -> None:
    ran, stopped, model = stop_epoch(
        callbacks.EarlyStopping(patience=2), [1.0, 0.9, 0.95, 0.91, 0.92, 0.5]
    )
    assert (ran, stopped, model.stop_training) == (4, 3, True)


def test_early_stopping_patience_zero_stops_at_first_non_improvement() -> None:
    ran, stopped, _ = stop_epoch(callbacks.EarlyStopping(), [1.0, 0.8, 0.8, 0.1])
    assert (ran, stopped) == (3, 2)


def test_early_stopping_min_delta() -> None:
    early = callbacks.EarlyStopping(monitor="loss", min_delta=0.1, patience=1)
    ran, stopped, _ = stop_epoch(early, [1.0, 0.95, 0.5, 0.45], key="loss")
    assert (ran, stopped) == (2, 1)  # 0.95 is not 0.1 better than 1.0


def test_early_stopping_auto_mode_maximises_accuracy() -> None:
    early = callbacks.EarlyStopping(monitor="val_accuracy", patience=1)
    assert early.monitor_op is np.greater
    ran, stopped, _ = stop_epoch(early, [0.5, 0.6, 0.55, 0.9], key="val_accuracy")
    assert (ran, stopped) == (3, 2)


def test_early_stopping_never_stops_on_the_first_epoch() -> None:
    ran, stopped, _ = stop_epoch(callbacks.EarlyStopping(monitor="loss"), [float("nan")], "loss")
    assert (ran, stopped) == (1, 0)


def test_early_stopping_baseline() -> None:
    early = callbacks.EarlyStopping(monitor="loss", baseline=0.5, patience=2)
    ran, stopped, _ = stop_epoch(early, [0.9, 0.95, 0.96, 0.1], key="loss")
    assert (ran, stopped) == (2, 1)  # the improving first epoch never beat the baseline


def test_early_stopping_restores_best_weights_at_train_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    early = callbacks.EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    ran, stopped, model = stop_epoch(early, [1.0, 0.5, 0.7, 0.9])
    assert (ran, stopped) == (3, 2)
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])  # epoch 1's weights
    assert capsys.readouterr().out.splitlines() == [
        "Epoch 3: early stopping",
        "Restoring model weights from the end of the best epoch: 2.",
    ]


def test_early_stopping_start_from_epoch() -> None:
    early = callbacks.EarlyStopping(monitor="loss", start_from_epoch=2)
    ran, stopped, _ = stop_epoch(early, [1.0, 2.0, 3.0, 4.0, 5.0], key="loss")
    assert (ran, stopped) == (4, 3)  # epochs 0 and 1 are not looked at


def test_early_stopping_missing_monitor_warns(caplog: pytest.LogCaptureFixture) -> None:
    ran, stopped, _ = stop_epoch(callbacks.EarlyStopping(), [1.0, 2.0], key="loss")
    assert (ran, stopped) == (2, 0)
    assert "Early stopping conditioned on metric `val_loss` which is not available" in caplog.text
    assert "Available metrics are: loss" in caplog.text


# --- Progbar ------------------------------------------------------------------------------


def drive(
    bar: Progbar,
    clock: FakeClock,
    steps: int,
    seconds_per_step: float,
    values: Callable[[int], list[tuple[str, float]]],
) -> None:
    for step in range(1, steps + 1):
        clock.now += seconds_per_step
        bar.update(step, values(step))


def test_progbar_final_line_when_not_a_terminal() -> None:
    console, clock = plain_console(), FakeClock()
    bar = Progbar(469, console=console, clock=clock, stateful_metrics=["loss", "accuracy"])
    drive(bar, clock, 469, 0.004, lambda s: [("loss", 0.2552), ("accuracy", 0.9264)])
    assert output(console) == (f"469/469 [{BAR}] - 2s 4ms/step - loss: 0.2552 - accuracy: 0.9264\n")


def test_progbar_averages_non_stateful_values_over_steps() -> None:
    console, clock = plain_console(), FakeClock()
    bar = Progbar(4, console=console, clock=clock)
    drive(bar, clock, 4, 0.5, lambda s: [("loss", float(s)), ("tiny", 1e-5)])
    assert output(console) == f"4/4 [{BAR}] - 2s 500ms/step - loss: 2.5000 - tiny: 1.0000e-05\n"


def test_progbar_verbose_2_prints_one_line_per_epoch() -> None:
    console, clock = plain_console(), FakeClock()
    bar = Progbar(469, verbose=2, console=console, clock=clock, stateful_metrics=["loss"])
    drive(bar, clock, 469, 0.004, lambda s: [("loss", 0.2552), ("accuracy", 0.9264)])
    assert output(console) == (
        "469/469 - 2s - loss: 0.2552 - accuracy: 0.9264 - 2s/epoch - 4ms/step\n"
    )


def test_progbar_redraws_in_place_on_a_terminal_at_most_every_interval() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)
    clock = FakeClock()
    bar = Progbar(469, console=console, clock=clock, stateful_metrics=["loss"])
    drive(bar, clock, 469, 0.004, lambda s: [("loss", 0.3)])
    frames = output(console).split("\r\x1b[2K")[1:]
    # the first step, then one frame per 0.05 s (12.5 steps of 4 ms), then the final line
    assert 36 <= len(frames) <= 40
    assert frames[0] == f"  1/469 [{'.' * 30}] - ETA: 1s - loss: 0.3000"
    assert f" 14/469 [{'.' * 30}] - ETA: 1s - loss: 0.3000" in frames  # int(30 * 14/469) = 0
    assert " 27/469 [>.............................] - ETA: 1s - loss: 0.3000" in frames
    assert frames[-1] == f"469/469 [{BAR}] - 2s 4ms/step - loss: 0.3000\n"
    assert all("\n" not in frame for frame in frames[:-1])


def test_progbar_eta_formats() -> None:
    bar = Progbar(10000, console=plain_console(), clock=FakeClock())
    assert bar._times("", False, 100, 0.5) == " - ETA: 1:22:30"
    assert bar._times("", False, 9000, 0.1) == " - ETA: 1:40"
    assert bar._times("", False, 9990, 0.5) == " - ETA: 5s"
    assert Progbar._format_time(0.0002, "step") == " 200us/step"
    assert Progbar._format_time(3.4, "epoch") == " 3s/epoch"


def test_progbar_unknown_target() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)
    clock = FakeClock()
    bar = Progbar(None, console=console, clock=clock)
    clock.now += 1
    bar.update(7, [("loss", 1.0)])
    assert output(console).endswith("      7/Unknown - 1s 143ms/step - loss: 1.0000")


# --- ProgbarLogger ------------------------------------------------------------------------


def test_progbar_logger_prints_epochs_like_keras() -> None:
    console, clock = plain_console(), FakeClock()
    logger = callbacks.ProgbarLogger(console=console, clock=clock)
    model = FakeModel()
    cbs = callbacks.CallbackList(
        [logger], add_history=True, model=model, verbose=1, epochs=2, steps=3
    )
    cbs.on_train_begin()
    for epoch, (loss, acc) in enumerate([(0.9, 0.5), (0.4, 0.75)]):
        cbs.on_epoch_begin(epoch)
        for batch in range(3):
            cbs.on_train_batch_begin(batch)
            clock.now += 0.01
            cbs.on_train_batch_end(batch, {"loss": loss + batch, "accuracy": acc})
        cbs.on_epoch_end(epoch, {"loss": loss, "accuracy": acc, "val_loss": 1.5})
    cbs.on_train_end()
    assert output(console).splitlines() == [
        "Epoch 1/2",
        f"3/3 [{BAR}] - 0s 10ms/step - loss: 0.9000 - accuracy: 0.5000 - val_loss: 1.5000",
        "Epoch 2/2",
        f"3/3 [{BAR}] - 0s 10ms/step - loss: 0.4000 - accuracy: 0.7500 - val_loss: 1.5000",
    ]


def test_progbar_logger_single_epoch_has_no_epoch_line_and_learns_the_target() -> None:
    console, clock = plain_console(), FakeClock()
    logger = callbacks.ProgbarLogger(console=console, clock=clock)
    cbs = callbacks.CallbackList([logger], model=FakeModel(), verbose=1, epochs=1)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for batch in range(5):
        clock.now += 0.002
        cbs.on_train_batch_end(batch, {"loss": 0.1})
    cbs.on_epoch_end(0, {"loss": 0.1})
    assert output(console) == f"5/5 [{BAR}] - 0s 2ms/step - loss: 0.1000\n"
    assert logger.target == 5


def test_progbar_logger_verbose_2() -> None:
    console, clock = plain_console(), FakeClock()
    logger = callbacks.ProgbarLogger(console=console, clock=clock)
    cbs = callbacks.CallbackList([logger], model=FakeModel(), verbose=2, epochs=2, steps=469)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    clock.now += 469 * 0.004
    cbs.on_epoch_end(0, {"loss": 0.2552, "accuracy": 0.9264})
    assert output(console).splitlines() == [
        "Epoch 1/2",
        "469/469 - 2s - loss: 0.2552 - accuracy: 0.9264 - 2s/epoch - 4ms/step",
    ]


def test_progbar_logger_uses_model_metrics_as_stateful() -> None:
    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

    model = FakeModel()
    model.metrics = [Named("loss")]  # type: ignore[attr-defined]
    logger = callbacks.ProgbarLogger(console=plain_console(), clock=FakeClock())
    callbacks.CallbackList([logger], model=model, verbose=1, epochs=1, steps=2)
    logger.on_epoch_begin(0)
    logger.on_train_batch_end(0, {"loss": 1.0, "other": 1.0})
    logger.on_train_batch_end(1, {"loss": 3.0, "other": 3.0})
    assert logger.progbar is not None
    assert logger.progbar._values == {"loss": [3.0, 1], "other": [4.0, 2]}


def test_unknown_count_mode() -> None:
    with pytest.raises(ValueError, match="Unknown `count_mode`: rows"):
        callbacks.ProgbarLogger(count_mode="rows")
