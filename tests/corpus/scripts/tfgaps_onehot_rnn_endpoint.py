"""Two keras-io patterns: an LSTM fed one-hot *boolean* sequences (the addition RNN), and
an "endpoint" layer that computes its loss from targets given as model inputs."""

import numpy as np
import tensorflow as tf
from tensorflow import keras

# --- an LSTM on bool one-hot sequences: Keras casts them to the Input's float32
chars = "0123456789+ "
questions = ["12+7 ", "3+45 ", "8+8  ", "90+1 "] * 16
x = np.zeros((len(questions), 5, len(chars)), dtype=bool)
for i, q in enumerate(questions):
    for t, c in enumerate(q):
        x[i, t, chars.index(c)] = True
y = np.array([sum(int(n) for n in q.split("+")) for q in questions], "float32")[:, None] / 100

model = keras.Sequential(
    [keras.layers.LSTM(16, input_shape=(5, len(chars))), keras.layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse")
history = model.fit(x, y, batch_size=16, epochs=2, verbose=2)
assert np.isfinite(history.history["loss"][-1])


# --- an endpoint layer: the loss is computed in call(), from a targets input
class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, logits, targets=None, sample_weight=None):
        if targets is not None:
            self.add_loss(self.loss_fn(targets, logits, sample_weight))
        return tf.nn.sigmoid(logits)


features = keras.Input((10,), name="features")
targets = keras.Input((1,), name="targets")
weights = keras.Input((1,), name="sample_weight")
logits = keras.layers.Dense(1)(features)
probs = LogisticEndpoint()(logits, targets, weights)
trainer = keras.Model([features, targets, weights], probs)
trainer.summary()
trainer.compile(optimizer="adam")
data = {
    "features": np.random.random((64, 10)),
    "targets": np.random.randint(0, 2, (64, 1)).astype("float32"),
    "sample_weight": np.ones((64, 1)),
}
trainer.fit(data, epochs=1, verbose=2)
print(trainer.predict(data, verbose=0)[:3])
