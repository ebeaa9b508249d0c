"""A sequence-to-sequence autoencoder: an LSTM encodes a series into one vector,
RepeatVector makes a sequence of it again, and a second LSTM decodes it step by step."""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

steps, channels = 8, 2
t = np.linspace(0, 2 * np.pi, steps)
rng = np.random.default_rng(6)
phases = rng.uniform(0, np.pi, size=(96, 1, 1))
series = np.concatenate(
    [np.sin(t[None, :, None] + phases), np.cos(t[None, :, None] + phases)], axis=-1
)
series = series.astype("float32")

model = tf.keras.Sequential(
    [
        layers.experimental.preprocessing.Rescaling(0.5, offset=0.5, input_shape=(steps, channels)),
        layers.LSTM(12),
        layers.RepeatVector(steps),
        layers.LSTM(12, return_sequences=True),
        layers.TimeDistributed(layers.Dense(channels)),
        layers.Permute((1, 2)),
    ]
)
assert model.layers[2].output_shape == (None, steps, 12)
model.compile(optimizer="adam", loss="mse")
first = model.evaluate(series, series * 0.5 + 0.5, verbose=0)
model.fit(series, series * 0.5 + 0.5, epochs=4, batch_size=16, verbose=0)
assert model.evaluate(series, series * 0.5 + 0.5, verbose=0) < first
assert model.predict(series[:2], verbose=0).shape == (2, steps, channels)
