"""The most common build error: ``model.build()`` without an input shape.

What it shows: ``Sequential.build`` checks ``input_shape`` first (stage 1 of the
build) and raises Keras's own error: ``ValueError: You must provide an `input_shape`
argument.`` The trace still ends cleanly, in the ``raise``.

    buildtrace run samples/missing_input_shape.py -o error.jsonl
"""

from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential(
    [
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
model.build()  # ValueError: You must provide an `input_shape` argument.
