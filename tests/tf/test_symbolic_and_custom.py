"""tf ops between layers (TFOpLambda), custom layers trained by ``fit``, custom steps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from buildtrace import keras, tf
from buildtrace.keras import backend
from buildtrace.keras.backprop import losses as loss_gradients
from buildtrace.keras.engine.gradients import GradientTape as FitTape

layers = keras.layers


def _op_model() -> Any:
    backend.clear_session()
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(3, 4))
    pooled = tf.reduce_mean(inputs, axis=1)
    hidden = layers.Dense(5, activation="relu")(pooled)
    joined = tf.concat([hidden, tf.nn.relu(pooled) * 2.0], axis=-1)
    return keras.Model(inputs, layers.Dense(2, activation="softmax")(joined))


def test_tf_ops_on_symbolic_tensors_become_tf_op_lambda_layers() -> None:
    model = _op_model()
    names = [layer.name for layer in model.layers]
    assert names[:2] == ["input_1", "tf.math.reduce_mean"]
    assert {"dense", "tf.nn.relu", "tf.math.multiply", "tf.concat"} <= set(names)
    assert type(model.get_layer("tf.concat")).__name__ == "TFOpLambda"
    assert model.get_layer("tf.concat").output_shape == (None, 9)
    x = np.random.default_rng(0).random((2, 3, 4), dtype=np.float32)
    kernel, bias = model.get_layer("dense").get_weights()
    pooled = x.mean(axis=1)
    joined = np.concatenate([np.maximum(pooled @ kernel + bias, 0), np.maximum(pooled, 0) * 2], 1)
    k2, b2 = model.layers[-1].get_weights()
    z = joined @ k2 + b2
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5)


def test_fit_and_the_tf_tape_agree_on_gradients_through_tf_ops() -> None:
    model = _op_model()
    x = np.random.default_rng(1).random((8, 3, 4), dtype=np.float32)
    y = np.arange(8) % 2
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    fit_tape = FitTape(model)
    y_pred = fit_tape.forward(x, training=True)
    _, dloss = loss_gradients.forward_backward(loss_fn, y, y_pred)
    fit_grads, _ = fit_tape.backward([dloss])
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    tape_grads = tape.gradient(loss, model.trainable_variables)
    for mine, theirs in zip(tape_grads, fit_grads):
        np.testing.assert_allclose(mine.numpy(), theirs, rtol=1e-4, atol=1e-6)


class _Affine(layers.Layer):
    def build(self, input_shape: Any) -> None:
        self.w = self.add_weight(name="w", shape=(input_shape[-1], 1), initializer="zeros")
        self.b = self.add_weight(name="b", shape=(1,), initializer="zeros")

    def call(self, inputs: Any) -> Any:
        return tf.matmul(inputs, self.w) + self.b


def test_fit_trains_a_custom_layer_through_its_tf_ops() -> None:
    backend.clear_session()
    x = np.random.default_rng(2).random((64, 3), dtype=np.float32)
    y = x @ np.array([[2.0], [-1.0], [0.5]], np.float32) + 1.0
    model = keras.Sequential([keras.Input(shape=(3,)), _Affine()])
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse")
    history = model.fit(x, y, epochs=60, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.01 * history.history["loss"][0]


class _NumpyOnly(layers.Layer):
    def build(self, input_shape: Any) -> None:
        self.w = self.add_weight(name="w", shape=(input_shape[-1], 1))

    def call(self, inputs: Any) -> Any:
        return np.asarray(inputs) @ self.w.value  # numpy: nothing a tape can see


def test_a_layer_written_in_numpy_says_why_it_cannot_be_trained() -> None:
    backend.clear_session()
    model = keras.Sequential([keras.Input(shape=(3,)), _NumpyOnly()])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match=r"returned a numpy array\. Write it with tf ops"):
        model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)


class _OwnStep(keras.Model):
    def train_step(self, data: Any) -> dict[str, Any]:
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        variables = self.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_a_custom_train_step_trains_like_fit() -> None:
    backend.clear_session()
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(4,))
    model = _OwnStep(inputs, layers.Dense(1)(inputs))
    x = np.random.default_rng(3).random((64, 4), dtype=np.float32)
    y = x.sum(axis=1, keepdims=True)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert isinstance(model, keras.Model) and type(model).__name__ == "_OwnStep"
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


def test_per_sample_keras_loss_functions_differentiate_on_the_tape() -> None:
    w = tf.Variable([[1.0], [2.0]])
    x = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([[0.0], [0.0], [1.0]], np.float32)
    with tf.GradientTape() as tape:
        per_sample = keras.losses.mean_squared_error(y, tf.matmul(x, w))
        total = tf.reduce_sum(per_sample)
    assert per_sample.shape.as_list() == [3]
    residual = np.array([[1.0], [2.0], [2.0]])  # x @ w - y
    np.testing.assert_allclose(tape.gradient(total, w).numpy(), 2 * x.numpy().T @ residual)


class _Linear(layers.Layer):
    def __init__(self, units: int, input_dim: int) -> None:
        super().__init__()
        self.w = tf.Variable(tf.random_normal_initializer()(shape=(input_dim, units)))
        self.b = tf.Variable(tf.zeros_initializer()(shape=(units,)), trainable=False)

    def call(self, inputs: Any) -> Any:
        return tf.matmul(inputs, self.w) + self.b


class _Block(layers.Layer):
    def __init__(self) -> None:
        super().__init__()
        self.first = _Linear(3, 2)
        self.second = _Linear(1, 3)

    def call(self, inputs: Any) -> Any:
        return self.second(tf.nn.relu(self.first(inputs)))


def test_variables_and_layers_assigned_to_a_layer_are_its_weights() -> None:
    backend.clear_session()
    linear = _Linear(3, 2)
    assert linear.trainable_weights == [linear.w] and linear.non_trainable_weights == [linear.b]
    block = _Block()
    assert len(block.weights) == 4 and len(block.trainable_weights) == 2
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(block(tf.ones((2, 2))))
    assert all(g is not None for g in tape.gradient(loss, block.trainable_weights))
