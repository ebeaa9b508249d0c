"""The model of the ``functional-branches`` lesson: two branches that merge.

The same graph as ``samples/functional_branches.py``: an input of 784 pixels goes
through a wide branch (one Dense) and a deep one (two Dense), the two are concatenated
and a last Dense gives ten scores.
"""

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
