"""A Keras loss called on symbolic tensors inside ``Layer.call`` (the "endpoint layer").

keras-io's endpoint-layer recipe calls ``keras.losses.BinaryCrossentropy(from_logits=True)
(targets, logits, sample_weight)`` inside a layer called on ``keras.Input`` s. Keras 2
builds that model; buildtrace used to stop with "setting an array element with a
sequence" (the targets reached the loss as symbolic tensors), then with a broadcast error
(a ``(batch, 1)`` sample weight against ``(batch,)`` losses, which Keras squeezes).
"""

from __future__ import annotations

import numpy as np

from buildtrace import keras, tf


class Endpoint(keras.layers.Layer):
    def call(self, logits, targets=None, sample_weight=None):  # type: ignore[no-untyped-def]
        if targets is not None:
            loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
            self.add_loss(loss_fn(targets, logits, sample_weight))
        return tf.nn.sigmoid(logits)


def test_loss_on_symbolic_targets_builds_the_model() -> None:
    inputs = keras.Input((4,), name="inputs")
    targets = keras.Input((1,), name="targets")
    weights = keras.Input((1,), name="sample_weight")
    logits = keras.layers.Dense(1)(inputs)
    preds = Endpoint()(logits, targets, weights)
    assert preds.shape == (None, 1)
    model = keras.Model([inputs, targets, weights], preds)
    assert model.input_names == ["inputs", "targets", "sample_weight"]
    out = model.predict([np.ones((3, 4)), np.ones((3, 1)), np.ones((3, 1))], verbose=0)
    assert out.shape == (3, 1)


def test_sample_weight_of_shape_batch_by_one_is_squeezed() -> None:
    loss = keras.losses.BinaryCrossentropy(from_logits=True)
    y_true = np.array([[1.0], [0.0]], "float32")
    logits = np.array([[2.0], [1.0]], "float32")
    per_sample = keras.losses.BinaryCrossentropy(from_logits=True, reduction="none")(y_true, logits)
    weighted = loss(y_true, logits, np.array([[1.0], [3.0]], "float32"))
    expected = (per_sample.numpy() * np.array([1.0, 3.0])).mean()
    np.testing.assert_allclose(float(weighted), expected, rtol=1e-6)
