"""The script of the ``errors`` lesson: three mistakes, each caught so the next can run.

1. ``model.build()`` without an input shape;
2. data of the wrong width given to a model that knows its input shape;
3. two branches of different widths added together.
"""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

# 1. No input shape: Sequential.build cannot guess one.
model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(3)])
try:
    model.build()
except ValueError as error:
    print("1.", type(error).__name__, "-", error)

# 2. The model expects 4 numbers per sample; the data has 5.
model = keras.Sequential(
    [keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(3)],
    name="expects_4",
)
try:
    model.predict(np.zeros((2, 5), dtype="float32"), verbose=0)
except ValueError as error:
    print("2.", type(error).__name__, "-", error)

# 3. Add needs inputs of the same shape: 8 and 6 numbers cannot be added.
inputs = keras.Input(shape=(4,), name="features")
left = layers.Dense(8, name="left")(inputs)
right = layers.Dense(6, name="right")(inputs)
try:
    layers.Add(name="sum")([left, right])
except ValueError as error:
    print("3.", type(error).__name__, "-", error)
