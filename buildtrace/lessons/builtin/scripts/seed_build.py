"""The seed model of the ``seed-build`` lesson: two Dense layers, built for 784 inputs.

The same model as ``samples/seed.py``, stopped once it is built: no MNIST, no
training, so the lesson starts in a moment.
"""

from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)

model = keras.Sequential(
    [
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
print("built before build():", model.built)
model.build(input_shape=(None, 784))
print("built after build():", model.built)
model.summary()
