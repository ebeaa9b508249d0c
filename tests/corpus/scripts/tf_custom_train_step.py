"""Taking over ``fit``'s step: a Model subclass with its own ``train_step``.

``fit`` still runs the epochs, batches, callbacks and progress bar; the subclass decides
what one step does: forward pass under a GradientTape, the compiled loss, the gradients,
the optimizer, the compiled metrics.
"""

import numpy as np
import tensorflow as tf
from tensorflow import keras


class StepByHand(keras.Model):
    def train_step(self, data):
        features, targets = data
        with tf.GradientTape() as tape:
            predicted = self(features, training=True)
            loss = self.compiled_loss(targets, predicted, regularization_losses=self.losses)
        variables = self.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        self.compiled_metrics.update_state(targets, predicted)
        return {metric.name: metric.result() for metric in self.metrics}


rng = np.random.default_rng(7)
features = rng.normal(size=(512, 12)).astype("float32")
targets = features @ rng.normal(size=(12, 1)).astype("float32") + 0.5

inputs = keras.Input(shape=(12,))
hidden = keras.layers.Dense(16, activation="relu")(inputs)
outputs = keras.layers.Dense(1)(hidden)
model = StepByHand(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
history = model.fit(features, targets, epochs=5, batch_size=32, verbose=0)

assert set(history.history) == {"loss", "mae"}, history.history
assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
print("final mse:", round(history.history["loss"][-1], 4))
