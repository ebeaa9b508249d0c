"""Review sentiment with an LSTM, IMDB-style, on made-up token ids (no download)."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

vocabulary, review_length = 500, 40
rng = np.random.default_rng(7)
reviews = rng.integers(1, vocabulary, size=(256, review_length))
# A review is "positive" when it mentions low word ids more often than high ones.
labels = ((reviews < vocabulary // 2).mean(axis=1) > 0.5).astype("float32")

model = keras.Sequential(
    [
        layers.Embedding(vocabulary, 16, input_length=review_length),
        layers.LSTM(16),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(reviews, labels, epochs=2, batch_size=32, validation_split=0.2, verbose=0)
assert model.layers[-1].output_shape == (None, 1)
assert model.layers[1].weights[0].name == "lstm/lstm_cell/kernel:0"
assert [w.shape for w in model.layers[1].weights] == [(16, 64), (16, 64), (64,)]
scores = model.predict(reviews[:5], verbose=0)
assert scores.shape == (5, 1) and ((scores >= 0) & (scores <= 1)).all()
assert len(history.history["loss"]) == 2
