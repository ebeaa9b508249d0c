"""Record tf-keras 2.21's metrics, ``add_loss`` and ``add_metric`` on fixed data, for the tests.

Run by hand with TensorFlow installed (the test suite never needs it)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_metrics_reference.py

Writes ``tests/data/keras2/metrics_reference.json``:

* ``metrics``: each confusion / top-k / cosine metric, built from a config, updated with
  two batches (the second one weighted), and its ``result()`` after each batch;
* ``compile_names``: what ``compile(metrics=[name])`` makes of a string (the logs' key);
* ``training``: models whose loss has ``add_loss`` terms (a VAE-like KL term, activity
  regularization, an endpoint layer, a functional ``model.add_loss``), trained three
  ``train_on_batch`` steps from fixed weights: every step's logs and the final weights.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf
import tf_keras as keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras2"

#: (class name, config, data kind) for every metric case.
METRIC_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("AUC", {}, "binary"),
    ("AUC", {"num_thresholds": 7}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "num_thresholds": 13}, "binary"),
    ("AUC", {"summation_method": "minoring"}, "binary"),
    ("AUC", {"summation_method": "majoring", "curve": "PR"}, "binary"),
    ("AUC", {}, "multilabel"),
    ("AUC", {"multi_label": True, "num_thresholds": 50}, "multilabel"),
    ("AUC", {"from_logits": True}, "logits"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.2, 0.5, 0.8]}, "binary"),
    ("TrueNegatives", {"thresholds": 0.3}, "multilabel"),
    ("FalseNegatives", {}, "multilabel"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.3, 0.6]}, "multilabel"),
    ("Precision", {"top_k": 2}, "multilabel"),
    ("Precision", {"class_id": 1}, "multilabel"),
    ("Precision", {"top_k": 1, "class_id": 2}, "multilabel"),
    ("Recall", {}, "binary"),
    ("Recall", {"thresholds": 0.7}, "multilabel"),
    ("Recall", {"top_k": 2}, "multilabel"),
    ("Recall", {"class_id": 0}, "multilabel"),
    ("TopKCategoricalAccuracy", {}, "categorical"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical"),
    ("SparseTopKCategoricalAccuracy", {}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("CosineSimilarity", {}, "regression"),
]

COMPILE_NAMES = [
    "AUC", "Precision", "Recall", "TruePositives", "FalseNegatives",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "cosine_similarity",
    "TopKCategoricalAccuracy", "CosineSimilarity",
]  # fmt: skip


def _data(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = 12
    if kind == "binary":
        return rng.integers(0, 2, (n, 1)).astype("float32"), rng.random((n, 1)).astype("float32")
    if kind == "logits":
        return rng.integers(0, 2, (n, 1)).astype("float32"), rng.normal(size=(n, 1)).astype(
            "float32"
        ) * 2
    if kind == "multilabel":
        return rng.integers(0, 2, (n, 3)).astype("float32"), rng.random((n, 3)).astype("float32")
    if kind == "categorical":
        labels = rng.integers(0, 6, n)
        return np.eye(6, dtype="float32")[labels], rng.random((n, 6)).astype("float32")
    if kind == "sparse":
        return rng.integers(0, 6, (n,)).astype("float32"), rng.random((n, 6)).astype("float32")
    return rng.normal(size=(n, 4)).astype("float32"), rng.normal(size=(n, 4)).astype("float32")


def record_metrics() -> list[dict[str, Any]]:
    rng = np.random.default_rng(10)
    cases = []
    for class_name, config, kind in METRIC_CASES:
        y1, p1 = _data(kind, rng)
        y2, p2 = _data(kind, rng)
        w2 = rng.random(len(y2)).astype("float32")
        metric = getattr(keras.metrics, class_name)(**config)
        metric.update_state(y1, p1)
        first = metric.result().numpy().tolist()
        metric.update_state(y2, p2, sample_weight=w2)
        second = metric.result().numpy().tolist()
        cases.append(
            {
                "class_name": class_name, "config": config, "name": metric.name,
                "batches": [
                    [y1.tolist(), p1.tolist(), None], [y2.tolist(), p2.tolist(), w2.tolist()]
                ],
                "results": [first, second],
            }
        )  # fmt: skip
    return cases


def record_compile_names() -> dict[str, list[str]]:
    found = {}
    for name in COMPILE_NAMES:
        model = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(2,))])
        x = np.ones((4, 2), "float32")
        labels = np.array([0, 1, 2, 0])
        y = labels.astype("float32") if "sparse" in name else np.eye(3, dtype="float32")[labels]
        loss = "sparse_categorical_crossentropy" if "sparse" in name else "categorical_crossentropy"
        model.compile("sgd", loss, metrics=[name])
        logs = model.train_on_batch(x, y, return_dict=True)
        found[name] = list(logs)
    return found


class KLDivergenceLayer(keras.layers.Layer):
    """A VAE's KL term, added as a loss (and reported as a metric) from the codes."""

    def call(self, inputs: Any) -> Any:
        mean, log_var = inputs
        kl = -0.5 * tf.reduce_mean(1 + log_var - tf.square(mean) - tf.exp(log_var))
        self.add_loss(0.5 * kl)
        self.add_metric(kl, name="kl")
        return mean


class LogisticEndpoint(keras.layers.Layer):
    """The endpoint-layer pattern: the loss from targets given as an input."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.accuracy_fn = keras.metrics.BinaryAccuracy()

    def call(self, targets: Any, logits: Any, sample_weights: Any = None) -> Any:
        self.add_loss(self.loss_fn(targets, logits, sample_weights))
        self.add_metric(self.accuracy_fn(targets, tf.nn.sigmoid(logits), sample_weights))
        return tf.nn.sigmoid(logits)


def _vae() -> tuple[Any, dict[str, Any]]:
    inp = keras.Input((4,))
    mean = keras.layers.Dense(3, name="z_mean")(inp)
    log_var = keras.layers.Dense(3, name="z_log_var")(inp)
    z = KLDivergenceLayer(name="kl_term")([mean, log_var])
    out = keras.layers.Dense(4, name="decoder")(z)
    return keras.Model(inp, out), {"loss": "mse"}


def _activity() -> tuple[Any, dict[str, Any]]:
    model = keras.Sequential(
        [
            keras.layers.Dense(5, activation="tanh", input_shape=(4,), activity_regularizer="l2"),
            keras.layers.ActivityRegularization(l1=0.01),
            keras.layers.Dense(4),
        ]
    )
    return model, {"loss": "mse"}


def _functional_add_loss() -> tuple[Any, dict[str, Any]]:
    inp = keras.Input((4,))
    hidden = keras.layers.Dense(5, activation="relu")(inp)
    out = keras.layers.Dense(4)(hidden)
    model = keras.Model(inp, out)
    model.add_loss(0.1 * tf.reduce_mean(tf.abs(hidden)))
    model.add_metric(tf.reduce_sum(out), name="out_sum")
    return model, {"loss": "mse", "metrics": ["mae"]}


def _endpoint() -> tuple[Any, dict[str, Any]]:
    features = keras.Input((4,), name="features")
    targets = keras.Input((1,), name="targets")
    logits = keras.layers.Dense(1, name="logits")(features)
    preds = LogisticEndpoint(name="predictions")(targets, logits)
    return keras.Model([features, targets], preds), {}


def record_training() -> dict[str, Any]:
    found = {}
    for name, make in [
        ("vae_kl", _vae),
        ("activity", _activity),
        ("functional_add_loss", _functional_add_loss),
        ("endpoint", _endpoint),
    ]:
        keras.backend.clear_session()
        rng = np.random.default_rng(3)
        model, compile_args = make()
        weights = [rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.get_weights()]
        model.set_weights(weights)
        model.compile(keras.optimizers.SGD(0.1), **compile_args)
        x = rng.normal(size=(8, 4)).astype("float32")
        y = rng.normal(size=(8, 4)).astype("float32")
        if name == "endpoint":
            y = rng.integers(0, 2, (8, 1)).astype("float32")
            data: Any = ({"features": x, "targets": y},)
        else:
            data = (x, y)
        names_before = list(model.metrics_names)
        steps = [model.train_on_batch(*data, return_dict=True) for _ in range(3)]
        found[name] = {
            "compile": compile_args,
            "x": x.tolist(), "y": y.tolist(),
            "weights": [w.tolist() for w in weights],
            "metrics_names_before": names_before,
            "metrics_names": list(model.metrics_names),
            "steps": steps,
            "final_weights": [w.tolist() for w in model.get_weights()],
            "n_losses": len(model.losses),
        }  # fmt: skip
    return found


def main() -> None:
    out = {
        "recorded_with": f"tf-keras {keras.__version__}, TensorFlow {tf.__version__}",
        "metrics": record_metrics(),
        "compile_names": record_compile_names(),
        "training": record_training(),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "metrics_reference.json").write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", OUT / "metrics_reference.json")


if __name__ == "__main__":
    main()
