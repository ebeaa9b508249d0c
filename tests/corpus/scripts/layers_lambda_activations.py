"""Preprocessing inside the model (a Lambda, Rescaling) and activations as layers of
their own (ReLU, LeakyReLU, Softmax)."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(5)
pixels = rng.integers(0, 256, size=(150, 64)).astype("float32")
classes = (pixels[:, :32].mean(axis=1) > pixels[:, 32:].mean(axis=1)).astype("int64")

model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        layers.Lambda(lambda x: (x - 127.5) / 127.5, name="centre"),
        layers.Rescaling(0.5, offset=0.5),
        layers.Dense(32),
        layers.LeakyReLU(alpha=0.1),
        layers.Dense(16),
        layers.ReLU(max_value=6.0),
        layers.Dense(2),
        layers.Softmax(),
    ]
)
centred = model.layers[0](np.full((1, 64), 255.0, "float32"))
assert np.allclose(np.asarray(centred), 1.0)
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(pixels, classes, epochs=2, batch_size=30, verbose=0)
out = model.predict(pixels[:6], verbose=0)
assert out.shape == (6, 2) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5)
config = model.layers[0].get_config()
assert config["function_type"] == "lambda" and config["name"] == "centre"
