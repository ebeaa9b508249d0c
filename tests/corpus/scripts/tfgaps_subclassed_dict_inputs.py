"""A subclassed model fed a dict of named arrays (its `call` reads them by key), with a
layer called by keyword (`self.head(features=...)`), as the keras.io recipes write it."""

import numpy as np
import tensorflow as tf
from tensorflow import keras


class Head(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)

    def call(self, features, temperature=1.0):
        return tf.nn.softmax(self.dense(features) / temperature)


class PriceBand(keras.Model):
    def __init__(self):
        super().__init__()
        self.size_net = keras.layers.Dense(8, activation="relu")
        self.head = Head(3)

    def call(self, inputs):
        hidden = self.size_net(tf.concat([inputs["rooms"], inputs["area"]], axis=-1))
        return self.head(features=hidden, temperature=2.0)


rng = np.random.default_rng(9)
data = {
    "rooms": rng.integers(1, 6, size=(120, 1)).astype("float32"),
    "area": rng.normal(size=(120, 2)).astype("float32"),
}
bands = (data["rooms"][:, 0] > 3).astype("int32") + (data["area"][:, 0] > 0).astype("int32")

model = PriceBand()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(data, bands, epochs=4, batch_size=20, verbose=0)
print("losses:", [round(v, 4) for v in history.history["loss"]])
assert history.history["loss"][-1] < history.history["loss"][0]
probabilities = model.predict({"rooms": data["rooms"][:4], "area": data["area"][:4]})
print(probabilities.round(3))
np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
