"""A stacked bidirectional GRU, then a SimpleRNN, on made-up sequences of readings."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(11)
series = rng.normal(size=(160, 12, 3)).astype("float32")
rising = (series[:, -1, 0] > series[:, 0, 0]).astype("float32")

model = keras.Sequential(
    [
        keras.Input(shape=(12, 3)),
        layers.Bidirectional(layers.GRU(8, return_sequences=True)),
        layers.SimpleRNN(6, go_backwards=True),
        layers.Dense(1, activation="sigmoid"),
    ]
)
bidirectional = model.layers[0]
assert bidirectional.output_shape == (None, 12, 16)
assert bidirectional.forward_layer.name == "forward_gru"
assert bidirectional.weights[2].shape == (2, 24)  # GRU bias with reset_after
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(series, rising, epochs=2, batch_size=32, verbose=0)
assert model.predict(series[:2], verbose=0).shape == (2, 1)
assert model.count_params() == 2 * (3 * 24 + 8 * 24 + 48) + (16 * 6 + 36 + 6) + 7
