"""The model of the ``input-first`` lesson: the seed model, with ``keras.Input`` first.

Because the ``Sequential`` knows its input from the start, each layer is built the
moment it is added; there is no ``model.build`` call at all.
"""

from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)

model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
print("built:", model.built)
model.summary()
