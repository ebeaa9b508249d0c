"""``add_loss`` / ``add_metric`` as Keras 2 trains them: the same models as
``scripts/record_metrics_reference.py`` (a VAE's KL term, activity regularization, a
functional ``model.add_loss``/``add_metric``, the endpoint-layer pattern), three
``train_on_batch`` steps from the same weights, checked against tf-keras 2.21
(``tests/data/keras2/metrics_reference.json``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras, tf

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "data" / "keras2" / "metrics_reference.json").read_text()
)["training"]


class KLDivergenceLayer(keras.layers.Layer):
    def call(self, inputs: Any) -> Any:
        mean, log_var = inputs
        kl = -0.5 * tf.reduce_mean(1 + log_var - tf.square(mean) - tf.exp(log_var))
        self.add_loss(0.5 * kl)
        self.add_metric(kl, name="kl")
        return mean


class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.accuracy_fn = keras.metrics.BinaryAccuracy()

    def call(self, targets: Any, logits: Any, sample_weights: Any = None) -> Any:
        self.add_loss(self.loss_fn(targets, logits, sample_weights))
        self.add_metric(self.accuracy_fn(targets, tf.nn.sigmoid(logits), sample_weights))
        return tf.nn.sigmoid(logits)


def _vae() -> Any:
    inp = keras.Input((4,))
    mean = keras.layers.Dense(3, name="z_mean")(inp)
    log_var = keras.layers.Dense(3, name="z_log_var")(inp)
    z = KLDivergenceLayer(name="kl_term")([mean, log_var])
    return keras.Model(inp, keras.layers.Dense(4, name="decoder")(z))


def _activity() -> Any:
    return keras.Sequential(
        [
            keras.layers.Dense(5, activation="tanh", input_shape=(4,), activity_regularizer="l2"),
            keras.layers.ActivityRegularization(l1=0.01),
            keras.layers.Dense(4),
        ]
    )


def _functional_add_loss() -> Any:
    inp = keras.Input((4,))
    hidden = keras.layers.Dense(5, activation="relu")(inp)
    out = keras.layers.Dense(4)(hidden)
    model = keras.Model(inp, out)
    model.add_loss(0.1 * tf.reduce_mean(tf.abs(hidden)))
    model.add_metric(tf.reduce_sum(out), name="out_sum")
    return model


def _endpoint() -> Any:
    features = keras.Input((4,), name="features")
    targets = keras.Input((1,), name="targets")
    logits = keras.layers.Dense(1, name="logits")(features)
    preds = LogisticEndpoint(name="predictions")(targets, logits)
    return keras.Model([features, targets], preds)


MODELS: dict[str, Callable[[], Any]] = {
    "vae_kl": _vae,
    "activity": _activity,
    "functional_add_loss": _functional_add_loss,
    "endpoint": _endpoint,
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_three_steps_match_tf_keras(name: str) -> None:
    ref = REFERENCE[name]
    keras.backend.clear_session()
    model = MODELS[name]()
    model.set_weights([np.asarray(w, np.float32) for w in ref["weights"]])
    model.compile(keras.optimizers.SGD(0.1), **ref["compile"])
    x, y = np.asarray(ref["x"], np.float32), np.asarray(ref["y"], np.float32)
    data: tuple[Any, ...] = ({"features": x, "targets": y},) if name == "endpoint" else (x, y)
    assert model.metrics_names == ref["metrics_names_before"]
    for expected in ref["steps"]:
        logs = model.train_on_batch(*data, return_dict=True)
        assert list(logs) == list(expected)
        for key, value in expected.items():
            assert logs[key] == pytest.approx(value, abs=1e-5), key
    assert model.metrics_names == ref["metrics_names"]
    for got, want in zip(model.get_weights(), ref["final_weights"]):
        np.testing.assert_allclose(got, want, atol=1e-5)
    assert len(model.losses) == ref["n_losses"]


def test_fit_reports_the_added_loss_and_metric_per_epoch() -> None:
    keras.backend.clear_session()
    model = _vae()
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    history = model.fit(x, x, epochs=2, batch_size=8, verbose=0)
    assert list(history.history) == ["loss", "kl"]
    assert all(isinstance(v, float) for v in history.history["kl"])
    assert history.history["loss"][1] < history.history["loss"][0]


def test_add_metric_needs_a_name_and_refuses_unknown_keywords() -> None:
    layer = keras.layers.Dense(2)
    with pytest.raises(ValueError, match="Please provide a name for your metric"):
        layer.add_metric(np.float32(1.0))
    with pytest.raises(TypeError, match="Unknown keyword arguments"):
        layer.add_metric(np.float32(1.0), name="m", reduction="sum")


def test_a_symbolic_add_loss_becomes_layers_of_the_model() -> None:
    keras.backend.clear_session()
    model = _functional_add_loss()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds[-1] == "AddMetric" and "AddLoss" in kinds
    out = model.predict(np.ones((2, 4), np.float32), verbose=0)
    assert out.shape == (2, 4)  # the outputs are the model's own, not the added ends


class _Shrink(keras.layers.Layer):
    """A weight whose only loss is its own square, added in ``call``, and a nested layer
    that reports a metric."""

    def build(self, input_shape: Any) -> None:
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
        self.probe = _Probe()

    def call(self, inputs: Any) -> Any:
        self.add_loss(tf.reduce_sum(tf.square(self.w)))
        return self.probe(inputs * self.w)


class _Probe(keras.layers.Layer):
    def call(self, inputs: Any) -> Any:
        self.add_metric(tf.reduce_mean(inputs), name="probe_mean")
        return inputs


class _Subclassed(keras.Model):
    def __init__(self) -> None:
        super().__init__()
        self.shrink = _Shrink()

    def call(self, inputs: Any) -> Any:
        return self.shrink(inputs)


def test_an_added_loss_trains_the_weights_it_depends_on() -> None:
    # The data loss is zero (targets equal the outputs' own values), so one SGD step on
    # sum(w**2) gives w * (1 - 2 * lr) exactly, in a subclassed model as in Keras.
    keras.backend.clear_session()
    model = _Subclassed()
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.ones((4, 3), np.float32)
    logs = model.train_on_batch(x, x, return_dict=True)
    assert logs["loss"] == pytest.approx(3.0)  # mse 0 + sum(1**2 * 3)
    np.testing.assert_allclose(model.shrink.w.numpy(), np.full(3, 0.8, np.float32), rtol=1e-6)
    # The nested layer's metric is collected into the model's metrics.
    assert model.metrics_names == ["loss", "probe_mean"]
    assert logs["probe_mean"] == pytest.approx(1.0)
