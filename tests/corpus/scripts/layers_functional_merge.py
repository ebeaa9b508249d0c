"""A functional model with two inputs joined by the merge helpers (concatenate, add,
multiply, subtract, average, maximum), as in the functional API guide."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(1)
numbers = rng.normal(size=(120, 8)).astype("float32")
counts = rng.normal(size=(120, 8)).astype("float32")
target = (numbers[:, 0] * counts[:, 1] > 0).astype("float32")

a = keras.Input(shape=(8,), name="numbers")
b = keras.Input(shape=(8,), name="counts")
left = layers.Dense(16, activation="relu")(a)
right = layers.Dense(16, activation="relu")(b)
gate = layers.Dense(16, activation="sigmoid")(b)
mixed = layers.concatenate(
    [
        layers.add([left, right]),
        layers.multiply([left, gate]),
        layers.subtract([left, right]),
        layers.average([left, right]),
        layers.maximum([left, right]),
        layers.minimum([left, right]),
    ],
    name="mixed",
)
output = layers.Dense(1, activation="sigmoid", name="score")(mixed)
model = keras.Model(inputs=[a, b], outputs=output)
assert mixed.shape == (None, 96)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit([numbers, counts], target, epochs=3, batch_size=20, verbose=0)
assert model.predict([numbers[:3], counts[:3]], verbose=0).shape == (3, 1)
assert [layer.name for layer in model.layers][:2] == ["numbers", "counts"]
