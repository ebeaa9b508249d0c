"""``fit``'s arguments and callbacks give tf-keras 2.21's histories, number for number.

The references were recorded by ``scripts/record_training_reference.py`` (tf-keras 2.21)
into ``tests/data/keras2/training_api_reference.json``: a tiny softmax model with fixed
weights, trained unshuffled with SGD, so every value is deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "data" / "keras2" / "training_api_reference.json").read_text()
)
FIT = {"batch_size": 8, "shuffle": False, "verbose": 0}


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = (np.arange(40, dtype="float32").reshape(20, 2) % 7) / 7.0
    y = (np.arange(20) % 3).astype("int64")
    w = (np.arange(20) % 4 + 1).astype("float32") / 2.0
    return x, y, w


def _model(optimizer: Any = None, loss: str = "sparse_categorical_crossentropy") -> Any:
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(2,))])
    kernel = (np.arange(6, dtype="float32").reshape(2, 3) - 2.5) / 5.0
    model.set_weights([kernel, np.array([0.1, -0.1, 0.0], "float32")])
    model.compile(optimizer or keras.optimizers.SGD(0.5), loss, metrics=["accuracy"])
    return model


def _assert_history(history: Any, case: str) -> None:
    expected = REFERENCE[case]
    assert list(history.history) == list(expected), "history keys (and their order)"
    for key, values in expected.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5, atol=1e-6)


def test_sample_weight_weighs_the_loss_not_the_plain_metrics() -> None:
    x, y, w = _data()
    _assert_history(_model().fit(x, y, epochs=2, sample_weight=w, **FIT), "sample_weight")


def test_class_weight_with_integer_labels() -> None:
    x, y, _ = _data()
    weights = {0: 1.0, 1: 2.0, 2: 0.5}
    _assert_history(_model().fit(x, y, epochs=2, class_weight=weights, **FIT), "class_weight")


def test_class_weight_with_one_hot_labels() -> None:
    x, y, _ = _data()
    model = _model(loss="categorical_crossentropy")
    onehot = keras.utils.to_categorical(y, 3)
    history = model.fit(x, onehot, epochs=2, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, **FIT)
    _assert_history(history, "class_weight_onehot")


def test_class_weight_keys_must_be_the_classes() -> None:
    x, y, _ = _data()
    with pytest.raises(ValueError, match="keys from 0 to one less than the number of classes"):
        _model().fit(x, y, class_weight={1: 2.0, 2: 1.0}, **FIT)


def test_validation_data_adds_val_keys() -> None:
    x, y, _ = _data()
    history = _model().fit(x[:14], y[:14], epochs=2, validation_data=(x[14:], y[14:]), **FIT)
    _assert_history(history, "validation_data")


def test_validation_split_takes_the_last_samples() -> None:
    x, y, _ = _data()
    _assert_history(_model().fit(x, y, epochs=2, validation_split=0.3, **FIT), "validation_split")


def test_validation_freq_validates_every_nth_epoch() -> None:
    x, y, _ = _data()
    history = _model().fit(x, y, epochs=3, validation_split=0.3, validation_freq=2, **FIT)
    _assert_history(history, "validation_freq")


def test_initial_epoch_runs_the_remaining_epochs() -> None:
    x, y, _ = _data()
    history = _model().fit(x, y, epochs=3, initial_epoch=1, **FIT)
    _assert_history(history, "initial_epoch")
    assert history.epoch == [1, 2]


def test_reduce_lr_on_plateau_logs_lr_and_halves_it() -> None:
    x, y, _ = _data()
    plateau = keras.callbacks.ReduceLROnPlateau(
        monitor="loss", factor=0.5, patience=0, min_delta=10.0
    )
    _assert_history(_model().fit(x, y, epochs=3, callbacks=[plateau], **FIT),
                    "reduce_lr_on_plateau")  # fmt: skip


def test_reduce_lr_on_plateau_refuses_a_factor_of_one() -> None:
    with pytest.raises(ValueError, match=r"does not support a factor >= 1\.0"):
        keras.callbacks.ReduceLROnPlateau(factor=1.0)


def test_learning_rate_scheduler_sets_lr_each_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    x, y, _ = _data()
    scheduler = keras.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.5**e, verbose=1)
    history = _model().fit(x, y, epochs=3, callbacks=[scheduler], **FIT)
    _assert_history(history, "learning_rate_scheduler")
    assert (
        "Epoch 2: LearningRateScheduler setting learning rate to 0.25." in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("case", "schedule"),
    [
        ("exponential_decay", lambda s: s.ExponentialDecay(0.5, decay_steps=2, decay_rate=0.5)),
        ("piecewise_constant_decay", lambda s: s.PiecewiseConstantDecay([2, 4], [0.5, 0.1, 0.01])),
    ],
)
def test_learning_rate_schedules_in_an_optimizer(case: str, schedule: Any) -> None:
    x, y, _ = _data()
    optimizer = keras.optimizers.SGD(schedule(keras.optimizers.schedules))
    _assert_history(_model(optimizer).fit(x, y, epochs=2, **FIT), case)


def test_schedule_values_match_keras() -> None:
    s = keras.optimizers.schedules
    expected = REFERENCE["schedule_values"]
    got = {
        "exponential": [s.ExponentialDecay(0.5, 2, 0.5)(i) for i in range(5)],
        "exponential_staircase": [
            s.ExponentialDecay(0.5, 2, 0.5, staircase=True)(i) for i in range(5)
        ],
        "piecewise": [s.PiecewiseConstantDecay([2, 4], [0.5, 0.1, 0.01])(i) for i in range(6)],
        "inverse_time": [s.InverseTimeDecay(0.5, 2, 0.5)(i) for i in range(5)],
        "polynomial": [s.PolynomialDecay(0.5, 4, 0.1, power=2.0)(i) for i in range(6)],
        "cosine": [s.CosineDecay(0.5, 4, alpha=0.1)(i) for i in range(6)],
    }
    for name, values in got.items():
        np.testing.assert_allclose(np.float32(values), expected[name], rtol=1e-6)


def test_a_scheduled_learning_rate_cannot_be_assigned() -> None:
    optimizer = keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))
    with pytest.raises(TypeError, match="its learning rate is not settable"):
        optimizer.learning_rate = 0.5


def test_dict_inputs_and_outputs_by_name() -> None:
    x, y, w = _data()
    left = keras.Input((2,), name="left")
    right = keras.Input((2,), name="right")
    joined = keras.layers.Concatenate()([left, right])
    kind = keras.layers.Dense(3, activation="softmax", name="kind")(joined)
    size = keras.layers.Dense(1, name="size")(joined)
    model = keras.Model([left, right], [kind, size])
    model.set_weights(
        [np.full((4, 3), 0.1, "float32"), np.zeros(3, "float32"),
         np.full((4, 1), -0.2, "float32"), np.zeros(1, "float32")]
    )  # fmt: skip
    model.compile(
        keras.optimizers.SGD(0.1),
        loss={"kind": "sparse_categorical_crossentropy", "size": "mse"},
        metrics={"kind": "accuracy"},
    )
    inputs = {"right": x[::-1].copy(), "left": x}  # order of the keys does not matter
    history = model.fit(inputs, {"kind": y, "size": w}, epochs=2, **FIT)
    _assert_history(history, "dict_inputs_outputs")
    with pytest.raises(ValueError, match='Missing data for input "right"'):
        model.predict({"left": x}, verbose=0)


def test_csv_logger_writes_keras_file(tmp_path: Path) -> None:
    x, y, _ = _data()
    path = tmp_path / "log.csv"
    logger = keras.callbacks.CSVLogger(path)
    _model().fit(x, y, epochs=2, validation_split=0.3, callbacks=[logger], **FIT)
    got = path.read_text().splitlines()
    expected = REFERENCE["csv_logger"].splitlines()
    assert got[0] == expected[0]
    for line, ref in zip(got[1:], expected[1:]):
        np.testing.assert_allclose(
            [float(v) for v in line.split(",")], [float(v) for v in ref.split(",")], rtol=1e-6
        )


def test_tensorboard_writes_nothing_and_says_so_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_notices: None
) -> None:
    x, y, _ = _data()
    for _ in range(2):
        board = keras.callbacks.TensorBoard(log_dir=tmp_path / "logs")
        _model().fit(x, y, epochs=1, callbacks=[board], **FIT)
    assert capsys.readouterr().err.count("TensorBoard writes nothing") == 1
    assert not (tmp_path / "logs").exists()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_terminate_on_nan_stops_training() -> None:
    x, y, _ = _data()
    model = _model(keras.optimizers.SGD(1e30))
    history = model.fit(x * 1e10, y, epochs=5, callbacks=[keras.callbacks.TerminateOnNaN()],
                        **FIT)  # fmt: skip
    assert len(history.history["loss"]) == 1


def test_model_checkpoint_refuses_an_unknown_save_freq(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"Unrecognized save_freq: batch\. Expected save_freq"):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "ckpt"), save_freq="batch")


def test_evaluate_dict_return_and_weighted_metrics() -> None:
    x, y, w = _data()
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(2,))])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"],
                  weighted_metrics=["accuracy"])  # fmt: skip
    result = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
    assert list(result) == ["loss", "accuracy", "weighted_accuracy"]
