"""A review classifier on padded token ids: Embedding(mask_zero=True) + Bidirectional LSTM.

The reviews have different lengths, as real ones do; pad_sequences pads them with 0 at
the front, the Embedding marks the padding, and the recurrent layers skip it. A second
model tags every word (return_sequences + TimeDistributed), and its loss and accuracy
count the real words only.
"""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

vocabulary, max_length = 300, 30
rng = np.random.default_rng(3)
lengths = rng.integers(5, max_length + 1, size=160)
reviews = [list(rng.integers(1, vocabulary, size=n)) for n in lengths]
# A review is "positive" when most of its words come from the lower half of the vocabulary.
labels = np.array([np.mean(np.array(r) < vocabulary // 2) > 0.5 for r in reviews], "float32")
x = keras.preprocessing.sequence.pad_sequences(reviews, maxlen=max_length)
assert x.shape == (160, max_length) and (x[lengths < max_length, 0] == 0).all()

model = keras.Sequential(
    [
        layers.Embedding(vocabulary, 16, mask_zero=True),
        layers.Bidirectional(layers.LSTM(16, return_sequences=True)),
        layers.GRU(8),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x, labels, epochs=2, batch_size=32, validation_split=0.25, verbose=0)
assert len(history.history["val_accuracy"]) == 2
scores = model.predict(x[:4], verbose=0)
assert scores.shape == (4, 1)

# Tagging: one label per word; the padded positions do not count in loss or accuracy.
word_tags = (x >= vocabulary // 2).astype("int32")
tagger = keras.Sequential(
    [
        keras.Input(shape=(max_length,), dtype="int32"),
        layers.Embedding(vocabulary, 8, mask_zero=True),
        layers.LSTM(8, return_sequences=True),
        layers.TimeDistributed(layers.Dense(2, activation="softmax")),
    ]
)
tagger.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
tagger.fit(x, word_tags, epochs=1, batch_size=32, verbose=0)
out = tagger(x[:2])
assert out._keras_mask.shape == (2, max_length)
assert np.asarray(out._keras_mask).tolist() == (x[:2] != 0).tolist()
# Whatever the tagger says at a padded position, the loss does not see it.
loss, accuracy = tagger.evaluate(x[:8], word_tags[:8], verbose=0)
flipped = word_tags[:8].copy()
flipped[x[:8] == 0] = 1 - flipped[x[:8] == 0]
assert np.isclose(tagger.evaluate(x[:8], flipped, verbose=0)[0], loss, rtol=1e-5)
