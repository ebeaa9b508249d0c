"""Record tf-keras 2.21's ``fit`` with the training-API arguments, for ``tests/keras/training``.

Run by hand with TensorFlow installed (the test suite never needs it)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_training_reference.py

Writes ``tests/data/keras2/training_api_reference.json``: for a tiny model with fixed
weights, trained unshuffled with SGD, the history (keys and values) under
``sample_weight``, ``class_weight``, ``validation_data``, ``validation_split``,
``initial_epoch``, ``ReduceLROnPlateau``, ``LearningRateScheduler``, a learning-rate
schedule, dict inputs and outputs; and the files ``CSVLogger`` writes.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import tf_keras as keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras2"


def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = (np.arange(40, dtype="float32").reshape(20, 2) % 7) / 7.0
    y = (np.arange(20) % 3).astype("int64")
    w = (np.arange(20) % 4 + 1).astype("float32") / 2.0
    return x, y, w


def weights() -> list[np.ndarray]:
    kernel = (np.arange(6, dtype="float32").reshape(2, 3) - 2.5) / 5.0
    return [kernel, np.array([0.1, -0.1, 0.0], "float32")]


def model(optimizer: Any = None) -> Any:
    m = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(2,))])
    m.set_weights(weights())
    m.compile(
        optimizer or keras.optimizers.SGD(0.5),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return m


def history(h: Any) -> dict[str, list[float]]:
    return {k: [float(v) for v in vs] for k, vs in h.history.items()}


def main() -> None:
    x, y, w = data()
    facts: dict[str, Any] = {"recorded_with": f"tf-keras {keras.__version__}"}
    fit = {"batch_size": 8, "shuffle": False, "verbose": 0}
    facts["sample_weight"] = history(model().fit(x, y, epochs=2, sample_weight=w, **fit))
    facts["class_weight"] = history(
        model().fit(x, y, epochs=2, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, **fit)
    )
    onehot = keras.utils.to_categorical(y, 3)
    m = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(2,))])
    m.set_weights(weights())
    m.compile(keras.optimizers.SGD(0.5), "categorical_crossentropy", metrics=["accuracy"])
    facts["class_weight_onehot"] = history(
        m.fit(x, onehot, epochs=2, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, **fit)
    )
    facts["validation_data"] = history(
        model().fit(x[:14], y[:14], epochs=2, validation_data=(x[14:], y[14:]), **fit)
    )
    facts["validation_split"] = history(model().fit(x, y, epochs=2, validation_split=0.3, **fit))
    facts["validation_freq"] = history(
        model().fit(x, y, epochs=3, validation_split=0.3, validation_freq=2, **fit)
    )
    facts["initial_epoch"] = history(model().fit(x, y, epochs=3, initial_epoch=1, **fit))
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0,
                                                min_delta=10.0)  # fmt: skip
    facts["reduce_lr_on_plateau"] = history(model().fit(x, y, epochs=3, callbacks=[plateau], **fit))
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5**epoch)
    facts["learning_rate_scheduler"] = history(
        model().fit(x, y, epochs=3, callbacks=[scheduler], **fit)
    )
    decay = keras.optimizers.schedules.ExponentialDecay(0.5, decay_steps=2, decay_rate=0.5)
    facts["exponential_decay"] = history(
        model(keras.optimizers.SGD(decay)).fit(x, y, epochs=2, **fit)
    )
    pieces = keras.optimizers.schedules.PiecewiseConstantDecay([2, 4], [0.5, 0.1, 0.01])
    facts["piecewise_constant_decay"] = history(
        model(keras.optimizers.SGD(pieces)).fit(x, y, epochs=2, **fit)
    )
    facts["schedule_values"] = {
        "exponential": [float(decay(s)) for s in range(5)],
        "exponential_staircase": [
            float(keras.optimizers.schedules.ExponentialDecay(0.5, 2, 0.5, staircase=True)(s))
            for s in range(5)
        ],
        "piecewise": [float(pieces(s)) for s in range(6)],
        "inverse_time": [
            float(keras.optimizers.schedules.InverseTimeDecay(0.5, 2, 0.5)(s)) for s in range(5)
        ],
        "polynomial": [
            float(keras.optimizers.schedules.PolynomialDecay(0.5, 4, 0.1, power=2.0)(s))
            for s in range(6)
        ],
        "cosine": [
            float(keras.optimizers.schedules.CosineDecay(0.5, 4, alpha=0.1)(s)) for s in range(6)
        ],
    }
    # Two inputs by name, two outputs by name.
    a = keras.Input((2,), name="left")
    b = keras.Input((2,), name="right")
    joined = keras.layers.Concatenate()([a, b])
    out1 = keras.layers.Dense(3, activation="softmax", name="kind")(joined)
    out2 = keras.layers.Dense(1, name="size")(joined)
    two = keras.Model([a, b], [out1, out2])
    two.set_weights(
        [np.full((4, 3), 0.1, "float32"), np.zeros(3, "float32"),
         np.full((4, 1), -0.2, "float32"), np.zeros(1, "float32")]
    )  # fmt: skip
    two.compile(keras.optimizers.SGD(0.1), loss={"kind": "sparse_categorical_crossentropy",
                "size": "mse"}, metrics={"kind": "accuracy"})  # fmt: skip
    facts["dict_inputs_outputs"] = history(
        two.fit({"left": x, "right": x[::-1].copy()}, {"kind": y, "size": w}, epochs=2, **fit)
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "log.csv")
        model().fit(x, y, epochs=2, validation_split=0.3,
                    callbacks=[keras.callbacks.CSVLogger(path)], **fit)  # fmt: skip
        facts["csv_logger"] = Path(path).read_text()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "training_api_reference.json").write_text(json.dumps(facts, indent=1) + "\n")
    print("wrote", OUT / "training_api_reference.json")


if __name__ == "__main__":
    main()
