"""``tf.GradientTape`` around Keras: layers, models and losses on the tape, as in TensorFlow.

A hand-written loop must give the numbers ``fit`` gives (the same gradient rules), the
ops a custom layer runs must be differentiated, and the trace must show the loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from buildtrace import keras, tf
from buildtrace.keras import backend
from buildtrace.trace import BUS, Event

layers = keras.layers


def _data(n: int = 32) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((n, 20), dtype=np.float32), rng.integers(0, 10, n)


def _seed_model() -> Any:
    model = keras.Sequential(
        [layers.Dense(16, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    model.build((None, 20))
    return model


def _twins() -> tuple[Any, Any]:
    backend.clear_session()
    keras.utils.set_random_seed(1)
    a, b = _seed_model(), _seed_model()
    b.set_weights(a.get_weights())
    return a, b


def test_a_gradient_tape_step_matches_a_fit_step_exactly() -> None:
    x, y = _data()
    fitted, looped = _twins()
    fitted.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    fit_loss = fitted.train_on_batch(x, y)
    optimizer = keras.optimizers.RMSprop()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, looped(x, training=True))
    grads = tape.gradient(loss, looped.trainable_variables)
    optimizer.apply_gradients(zip(grads, looped.trainable_variables))
    assert float(loss) == pytest.approx(fit_loss, rel=1e-6)
    for mine, theirs in zip(looped.get_weights(), fitted.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def test_model_called_on_data_returns_a_tensor_and_predict_numpy() -> None:
    model, _ = _twins()
    x, _ = _data(4)
    out = model(x[:1])
    assert isinstance(out, tf.Tensor) and out.numpy().shape == (1, 10)
    assert out.shape.as_list() == [1, 10] and out.dtype.name == "float32"
    assert type(model.predict(x, verbose=0)) is np.ndarray


def test_a_hand_written_loss_on_layer_outputs_reaches_every_variable() -> None:
    backend.clear_session()
    dense = layers.Dense(3)
    x = np.ones((4, 2), np.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(dense(x) - 1.0))
    d_kernel, d_bias = tape.gradient(loss, dense.trainable_variables)
    kernel, bias = dense.get_weights()
    residual = x @ kernel + bias - 1.0
    np.testing.assert_allclose(d_bias.numpy(), 2 * residual.sum(axis=0) / residual.size, rtol=1e-6)
    np.testing.assert_allclose(d_kernel.numpy(), x.T @ (2 * residual / residual.size), rtol=1e-6)


class _Scale(layers.Layer):
    """A layer with no gradient rule: its gradient comes from the tf ops in ``call``."""

    def build(self, input_shape: Any) -> None:
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs: Any) -> Any:
        return tf.nn.relu(inputs) * self.scale + tf.reduce_mean(inputs, axis=1, keepdims=True)


def test_a_custom_layer_is_differentiated_through_its_ops() -> None:
    backend.clear_session()
    layer = _Scale()
    x = tf.constant([[1.0, -2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(layer(x) * tf.constant([1.0, 2.0]))
    d_scale, d_x = tape.gradient(y, [layer.scale, x])
    np.testing.assert_allclose(d_scale.numpy(), [1.0 + 3.0, 0.0 + 8.0])
    # d/dx: relu'(x) * scale * w + mean's share (sum of w over the row / 2)
    np.testing.assert_allclose(d_x.numpy(), [[1.0 + 1.5, 0.0 + 1.5], [1.0 + 1.5, 2.0 + 1.5]])


class _Subclassed(keras.Model):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(3)

    def call(self, inputs: Any, training: Any = None) -> Any:
        return self.out(self.hidden(inputs))


def test_a_subclassed_model_trains_in_a_loop() -> None:
    backend.clear_session()
    keras.utils.set_random_seed(3)
    model = _Subclassed()
    x = np.random.default_rng(1).random((16, 5), dtype=np.float32)
    y = np.arange(16) % 3
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam(0.05)
    losses = []
    for _ in range(20):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    assert len(model.trainable_variables) == 4
    assert losses[-1] < 0.7 * losses[0]


def test_tape_gradient_and_apply_gradients_are_on_the_trace_bus() -> None:
    model, _ = _twins()
    x, y = _data(8)
    optimizer = keras.optimizers.SGD()
    events: list[Event] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        with tf.GradientTape() as tape:
            loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    finally:
        unsubscribe()
    calls = [e["name"] for e in events if e["kind"] == "call"]
    assert "tensorflow.python.eager.backprop.GradientTape.gradient" in calls
    assert "keras.optimizers.optimizer.Optimizer.apply_gradients" in calls
    gradient = next(e for e in events if e["name"].endswith("GradientTape.gradient"))
    assert gradient["recorded"] == ["sequential", "sparse_categorical_crossentropy"]
    assert gradient["sources"] == 4
    done = [e for e in events if e["kind"] == "return" and e["name"].endswith("apply_gradients")]
    assert done[0]["iterations"] == 1


def test_tf_function_traces_its_first_call_only() -> None:
    model, _ = _twins()
    x, _ = _data(4)
    calls = []

    @tf.function
    def step(batch: Any) -> Any:
        calls.append(1)
        return model(batch)

    first_events: list[Event] = []
    unsubscribe = BUS.subscribe(first_events.append)
    try:
        first = step(x)
    finally:
        unsubscribe()
    later_events: list[Event] = []
    unsubscribe = BUS.subscribe(later_events.append)
    try:
        second = step(x)
    finally:
        unsubscribe()
    assert len(calls) == 2 and np.allclose(first.numpy(), second.numpy())
    names = [e["name"] for e in first_events if e["kind"] == "call"]
    assert names[0].endswith("polymorphic_function.Function.__call__")
    assert "keras.engine.base_layer.Layer.__call__" in names  # the forward pass, underneath
    assert later_events == []


def test_only_tensors_a_gradient_can_reach_are_tracked() -> None:
    """A batch of data needs no dL/dx (the first Dense's costliest product is skipped)."""
    from buildtrace.tf import tape as tape_core

    batch, watched = tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(watched)
        made = watched * 2.0
        assert not tape_core.is_tracked(batch)
        assert tape_core.is_tracked(watched) and tape_core.is_tracked(made)
    assert not tape_core.is_tracked(made)  # the tape is closed


def test_what_tensors_and_variables_lack_is_named() -> None:
    with pytest.raises(AttributeError, match=r"`tf.Tensor.device_spec` is not supported"):
        _ = tf.constant(1.0).device_spec
    with pytest.raises(AttributeError, match=r"`tf.Variable.constraint` is not supported"):
        _ = tf.Variable(1.0).constraint
    assert tf.constant([[1.0]]).T.shape == (1, 1)  # numpy's own attributes still answer
