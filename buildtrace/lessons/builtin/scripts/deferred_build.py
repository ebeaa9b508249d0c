"""The model of the ``deferred-build`` lesson: no input shape anywhere, so ``fit`` builds it.

Tiny random data (64 samples of 8 numbers) and one epoch keep the lesson fast.
"""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)

model = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(1)])
print("built before fit:", model.built)

model.compile(optimizer="sgd", loss="mse")
x = np.random.rand(64, 8).astype("float32")
y = x.sum(axis=1, keepdims=True)
model.fit(x, y, epochs=1, batch_size=32, verbose=0)

print("built after fit:", model.built)
model.summary()
