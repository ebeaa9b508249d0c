"""A functional model with two branches that merge: what ``keras.Model(inputs, outputs)``
does with the graph you wired.

What it shows: no layer is built by ``keras.Model(...)`` itself — each layer was built
when it was *called* on a symbolic tensor (``Input`` -> ``Dense``); the model only maps
the graph (``_init_graph_network -> _map_graph_network -> _build_map ->
_build_map_helper``, walking back from the output), sorts layers by depth, and turns
``built`` True.

    buildtrace run samples/functional_branches.py
"""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)

inputs = keras.Input(shape=(784,), name="pixels")
wide = layers.Dense(64, activation="relu", name="wide")(inputs)
deep = layers.Dense(128, activation="relu", name="deep_1")(inputs)
deep = layers.Dense(64, activation="relu", name="deep_2")(deep)
merged = layers.Concatenate(name="merge")([wide, deep])
outputs = layers.Dense(10, activation="softmax", name="digits")(merged)

model = keras.Model(inputs=inputs, outputs=outputs, name="two_branches")
model.summary()

predictions = model.predict(np.random.rand(4, 784).astype("float32"), verbose=0)
print("predictions:", predictions.shape)
