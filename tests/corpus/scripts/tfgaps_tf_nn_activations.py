"""Activations given as TensorFlow ops (`activation=tf.nn.relu`), as 2018-2019 tutorials
wrote them: the model trains, and its saved config names the activations as Keras does."""

import numpy as np
import tensorflow as tf
from tensorflow import keras

rng = np.random.default_rng(7)
features = rng.normal(size=(200, 6)).astype("float32")
labels = (features[:, 0] + features[:, 1] > 0).astype("int32")

model = keras.Sequential(
    [
        keras.layers.Dense(16, activation=tf.nn.relu, input_shape=(6,)),
        keras.layers.Dense(8, activation=tf.tanh),
        keras.layers.Dense(2, activation=tf.nn.softmax),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(features, labels, epochs=5, batch_size=20, verbose=0)
print("losses:", [round(v, 4) for v in history.history["loss"]])
assert history.history["loss"][-1] < history.history["loss"][0]

names = [layer.get_config()["activation"] for layer in model.layers]
print("activations in the config:", names)
assert names == ["relu", "tanh", "softmax"]

model.save("activations.h5")
reloaded = keras.models.load_model("activations.h5")
np.testing.assert_allclose(reloaded.predict(features[:5]), model.predict(features[:5]), rtol=1e-6)
