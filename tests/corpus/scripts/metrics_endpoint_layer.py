"""The endpoint-layer pattern of "Training & evaluation with built-in methods": the last
layer gets the targets as an input, computes the loss itself with add_loss (and its own
accuracy with add_metric), and the model is compiled with no loss at all."""

import numpy as np
import tensorflow as tf
from tensorflow import keras


class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.accuracy_fn = keras.metrics.BinaryAccuracy()

    def call(self, targets, logits, sample_weights=None):
        # The training-time loss, from the targets handed in as an input.
        loss = self.loss_fn(targets, logits, sample_weights)
        self.add_loss(loss)
        # Logged as "binary_accuracy": the name of the metric object it came from.
        self.add_metric(self.accuracy_fn(targets, tf.nn.sigmoid(logits), sample_weights))
        # What predict() returns: probabilities.
        return tf.nn.sigmoid(logits)


keras.utils.set_random_seed(11)  # the Dense kernel's draw: the same run every time
rng = np.random.default_rng(11)
features = rng.normal(size=(400, 3)).astype("float32")
targets = (features @ np.array([[1.5], [-2.0], [0.5]], "float32") > 0).astype("float32")

inputs = keras.Input(shape=(3,), name="inputs")
labels = keras.Input(shape=(1,), name="targets")
logits = keras.layers.Dense(1, name="logits")(inputs)
predictions = LogisticEndpoint(name="predictions")(labels, logits)
model = keras.Model(inputs=[inputs, labels], outputs=predictions)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05))  # no loss argument

data = {"inputs": features, "targets": targets}
history = model.fit(data, batch_size=40, epochs=5, verbose=2)
print({k: [round(v, 4) for v in vals] for k, vals in history.history.items()})
assert list(history.history) == ["loss", "binary_accuracy"]
# The loss is trained through the layer's add_loss: it falls and accuracy climbs.
assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
assert history.history["binary_accuracy"][-1] > 0.85

probabilities = model.predict(data, verbose=0)
print(probabilities[:4].ravel().round(3))
assert probabilities.shape == (400, 1) and (probabilities >= 0).all() and (probabilities <= 1).all()

# The same data as a tf.data pipeline of dicts, one more epoch.
dataset = tf.data.Dataset.from_tensor_slices(data).batch(40)
model.fit(dataset, epochs=1, verbose=2)
