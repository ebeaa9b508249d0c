"""A sequence tagger: one label per time step, with TimeDistributed dense layers
around an LSTM that returns its whole sequence."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

steps, features, tags = 10, 4, 3
rng = np.random.default_rng(2)
sequences = rng.normal(size=(90, steps, features)).astype("float32")
labels = np.argmax(sequences[:, :, :tags], axis=-1)

model = keras.Sequential(
    [
        keras.Input(shape=(steps, features)),
        layers.TimeDistributed(layers.Dense(8, activation="relu")),
        layers.LSTM(12, return_sequences=True),
        layers.LayerNormalization(),
        layers.TimeDistributed(layers.Dense(tags, activation="softmax")),
    ]
)
assert model.layers[-1].output_shape == (None, steps, tags)
assert model.layers[0].weights[0].name == "time_distributed/kernel:0"
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(sequences, labels, epochs=2, batch_size=15, verbose=0)
predicted = model.predict(sequences[:2], verbose=0)
assert predicted.shape == (2, steps, tags)
assert np.allclose(predicted.sum(axis=-1), 1.0, atol=1e-5)
