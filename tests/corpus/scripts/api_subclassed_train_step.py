"""A subclassed Model with its own train_step (GradientTape), trained with plain fit().

The pattern of the Keras guide "Customizing what happens in fit()": the model keeps
Keras's fit loop (epochs, callbacks, History) and replaces only the step.
"""

import numpy as np
import tensorflow as tf
from tensorflow import keras


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
hidden = keras.layers.Dense(16, activation="relu")(inputs)
outputs = keras.layers.Dense(1)(hidden)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])

rng = np.random.default_rng(0)
x = rng.random((256, 32)).astype("float32")
y = x.sum(axis=1, keepdims=True) / 32.0
history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
print({k: [round(float(v), 4) for v in vs] for k, vs in history.history.items()})
assert set(history.history) == {"loss", "mae"}
assert history.history["loss"][-1] < history.history["loss"][0]
