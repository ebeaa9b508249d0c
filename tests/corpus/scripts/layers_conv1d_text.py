"""A 1-D convolutional text classifier: n-gram detectors slid along the words."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

words, length, topics = 300, 50, 4
rng = np.random.default_rng(3)
texts = rng.integers(0, words, size=(200, length))
topic = texts[:, :5].sum(axis=1) % topics

model = keras.Sequential(
    [
        keras.Input(shape=(length,), dtype="int32"),
        layers.Embedding(words, 12),
        layers.Conv1D(16, 5, activation="relu"),
        layers.MaxPooling1D(2),
        layers.Conv1D(16, 3, padding="causal", activation="relu"),
        layers.GlobalMaxPooling1D(),
        layers.Dropout(0.3),
        layers.Dense(topics, activation="softmax"),
    ]
)
model.summary()
assert model.layers[1].output_shape == (None, 46, 16)
assert model.layers[2].output_shape == (None, 23, 16)
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(texts, topic, epochs=2, batch_size=25, verbose=0)
probabilities = model.predict(texts[:4], verbose=0)
assert probabilities.shape == (4, topics)
assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
