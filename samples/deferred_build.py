"""A model that is never built explicitly: ``fit`` builds it on the first batch.

What it shows: with no ``input_shape`` anywhere, the ``Sequential`` stays unbuilt
(``model.built`` is False, ``summary()`` would fail) until data arrives. Inside the
first ``fit``, ``train_step`` calls the model on a batch; ``Layer.__call__`` ->
``_maybe_build`` marks the model built, and ``Sequential.call`` builds the graph for
that batch's shape.

    buildtrace run samples/deferred_build.py
"""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)

model = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(1)])
print("built before fit:", model.built)

model.compile(optimizer="sgd", loss="mse")
x = np.random.rand(256, 8).astype("float32")
y = x.sum(axis=1, keepdims=True)
model.fit(x, y, epochs=2, batch_size=32, verbose=2)

print("built after fit:", model.built)
model.summary()
