"""Record what tf-keras 2.21 gives for the Tokenizer, the extra losses and metrics, a plain-function
loss and a subclassed model's fit; buildtrace's tests compare against the JSON file it writes.

Run with a Python that has TensorFlow 2.21 and tf-keras 2.21:
    TF_USE_LEGACY_KERAS=1 python scripts/record_keras_gaps.py
Writes tests/data/keras_gaps_reference.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf
import tf_keras as keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_gaps_reference.json"
TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; the END", ""]


def tokenizer_facts() -> dict:
    from tf_keras.preprocessing.text import Tokenizer, text_to_word_sequence

    facts: dict = {"texts": TEXTS, "split": text_to_word_sequence("Hello, World! it's me")}
    for label, kwargs in {"plain": {}, "num5_oov": {"num_words": 5, "oov_token": "<OOV>"}}.items():
        t = Tokenizer(**kwargs)
        t.fit_on_texts(TEXTS)
        entry = {
            "kwargs": kwargs,
            "word_index": t.word_index,
            "sequences": t.texts_to_sequences([*TEXTS, "unknown cat words"]),
        }
        for mode in ("binary", "count", "freq", "tfidf"):
            entry[mode] = t.texts_to_matrix(TEXTS, mode=mode).tolist()
        facts[label] = entry
    t = Tokenizer(num_words=6)
    facts["sequences_to_matrix"] = t.sequences_to_matrix(
        [[1, 2, 2, 7], [5]], mode="binary"
    ).tolist()
    return facts


Y_TRUE = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]], np.float32)
Y_PRED = np.array([[0.2, 0.7, 0.4], [0.9, -0.3, 0.1]], np.float32)
Y_PROB = np.array([[0.1, 0.6, 0.3], [0.7, 0.2, 0.1]], np.float32)
LOSSES = {
    "Hinge": {},
    "SquaredHinge": {},
    "Huber": {"delta": 0.5},
    "LogCosh": {},
    "CosineSimilarity": {},
    "MeanAbsolutePercentageError": {},
    "Poisson": {},
}


def loss_facts() -> dict:
    facts = {}
    for name, kwargs in {**LOSSES, "KLDivergence": {}}.items():
        pred = tf.Variable(Y_PROB if name in {"KLDivergence", "Poisson"} else Y_PRED)
        target = Y_TRUE / Y_TRUE.sum(1, keepdims=True) if name == "KLDivergence" else Y_TRUE
        loss = getattr(keras.losses, name)(**kwargs)
        with tf.GradientTape() as tape:
            value = loss(target, pred)
        facts[name] = {
            "kwargs": kwargs,
            "y_true": target.tolist(),
            "y_pred": pred.numpy().tolist(),
            "value": float(value),
            "grad": tape.gradient(value, pred).numpy().tolist(),
        }
    return facts


def metric_facts() -> dict:
    y = np.array([[1.0], [2.0], [0.5], [0.0]], np.float32)
    p = np.array([[1.5], [1.0], [0.25], [0.5]], np.float32)
    facts = {}
    for name in ("MeanAbsoluteError", "MeanSquaredError", "RootMeanSquaredError",
                 "MeanAbsolutePercentageError", "LogCoshError"):  # fmt: skip
        m = getattr(keras.metrics, name)()
        m.update_state(y, p)
        m.update_state(y[:2], p[:2] * 2)
        facts[name] = {"name": m.name, "result": float(m.result())}
    labels = np.array([0, 1, 1, 0, 1], np.float32)
    probs = np.array([0.6, 0.7, 0.2, 0.1, 0.9], np.float32)
    for name in ("Precision", "Recall"):
        m = getattr(keras.metrics, name)()
        m.update_state(labels, probs)
        facts[name] = {"name": m.name, "result": float(m.result())}
    facts["binary"] = {"labels": labels.tolist(), "probs": probs.tolist()}
    facts["regression"] = {"y": y.tolist(), "p": p.tolist()}
    return facts


def training_facts() -> dict:
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    y = (x.sum(1, keepdims=True) ** 2).astype("float32")

    def my_loss(y_true, y_pred):
        return keras.backend.mean(keras.backend.square(y_pred - y_true), axis=-1) + 0.1 * (
            keras.backend.mean(keras.backend.abs(y_pred), axis=-1)
        )

    plain = keras.Sequential([keras.layers.Dense(1, kernel_initializer="ones", input_shape=(3,))])
    plain.compile(keras.optimizers.SGD(0.05), loss=my_loss)
    h1 = plain.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(4, activation="relu", kernel_initializer="ones")
            self.out = keras.layers.Dense(1, kernel_initializer="ones")

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    sub = Sub()
    sub.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
    h2 = sub.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "plain_fn_loss": h1.history["loss"],
        "plain_fn_kernel": plain.layers[0].kernel.numpy().ravel().tolist(),
        "subclassed_history": h2.history,
        "subclassed_eval": sub.evaluate(x, y, verbose=0),
    }


def main() -> None:
    facts = {
        "recorded_with": f"tf-keras {keras.__version__}, TensorFlow {tf.__version__}",
        "recorded_by": "scripts/record_keras_gaps.py",
        "tokenizer": tokenizer_facts(),
        "losses": loss_facts(),
        "metrics": metric_facts(),
        "training": training_facts(),
    }
    OUT.write_text(json.dumps(facts, indent=1) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
