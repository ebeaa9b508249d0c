"""Metrics a model reports about itself, as "The Functional API" and "Training &
evaluation with built-in methods" show them: a layer's add_metric, a model's add_metric
and add_loss on symbolic tensors, and a custom Metric subclass next to built-in ones."""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(3)
x = rng.normal(size=(512, 12)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("int32")


class ActivationStats(layers.Layer):
    """Passes its input on, logging the mean activation and the share of dead units."""

    def call(self, inputs):
        self.add_metric(tf.reduce_mean(inputs), name="mean_activation")
        dead = tf.cast(tf.equal(inputs, 0.0), "float32")
        self.add_metric(tf.reduce_mean(dead), name="dead_fraction")
        return inputs


class CategoricalTruePositives(keras.metrics.Metric):
    """How many samples of the positive class were classified as positive."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels = tf.reshape(tf.cast(y_true, "int32"), (-1,))
        predicted = tf.cast(tf.argmax(y_pred, axis=1), "int32")
        hits = tf.logical_and(tf.equal(labels, predicted), tf.equal(labels, 1))
        self.true_positives.assign_add(tf.reduce_sum(tf.cast(hits, "float32")))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


inputs = keras.Input(shape=(12,), name="features")
hidden = layers.Dense(32, activation="relu", name="hidden")(inputs)
hidden = ActivationStats(name="stats")(hidden)
outputs = layers.Dense(2, activation="softmax", name="classes")(hidden)
model = keras.Model(inputs, outputs)
# Symbolic losses and metrics become layers of the model (AddLoss, AddMetric).
model.add_loss(1e-3 * tf.reduce_sum(tf.square(hidden)) / 64.0)
model.add_metric(tf.reduce_max(outputs), name="max_confidence", aggregation="mean")
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=1e-2),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy", CategoricalTruePositives()],
)
print("before fit:", model.metrics_names)
history = model.fit(x, y, batch_size=64, epochs=3, validation_split=0.25, verbose=2)
print(sorted(history.history))
expected = {
    "loss",
    "accuracy",
    "categorical_true_positives",
    "mean_activation",
    "dead_fraction",
    "max_confidence",
}
assert expected <= set(history.history)
assert {"val_" + name for name in expected} <= set(history.history)
assert 0.0 <= history.history["dead_fraction"][-1] <= 1.0
assert history.history["accuracy"][-1] > 0.8
assert 0 < history.history["categorical_true_positives"][-1] <= 384  # positives seen

results = model.evaluate(x, y, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in results.items()})
assert all(isinstance(value, float) for value in results.values())

m = keras.metrics.Mean(name="running")
for batch in ([1.0, 2.0], [3.0]):
    value = m(batch)
print("running mean:", value.numpy(), float(m.result()))
assert abs(float(m.result()) - 2.0) < 1e-6
