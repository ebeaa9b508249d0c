"""Review sentiment from multi-hot word vectors, with a held-out validation set."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

(train_data, train_labels), (test_data, test_labels) = keras.datasets.imdb.load_data(num_words=2000)
word_index = keras.datasets.imdb.get_word_index()
reverse_word_index = {value: key for (key, value) in word_index.items()}
decoded = " ".join(reverse_word_index.get(i - 3, "?") for i in train_data[0][:10])
print("first review starts:", decoded)


def vectorize_sequences(sequences, dimension=2000):
    results = np.zeros((len(sequences), dimension))
    for i, sequence in enumerate(sequences):
        results[i, sequence] = 1.0
    return results


x_train = vectorize_sequences(train_data[:3000])
x_test = vectorize_sequences(test_data[:500])
y_train = np.asarray(train_labels[:3000]).astype("float32")
y_test = np.asarray(test_labels[:500]).astype("float32")

model = keras.Sequential(
    [
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
x_val, partial_x_train = x_train[:1000], x_train[1000:]
y_val, partial_y_train = y_train[:1000], y_train[1000:]
history = model.fit(
    partial_x_train,
    partial_y_train,
    epochs=2,
    batch_size=512,
    validation_data=(x_val, y_val),
    verbose=0,
)
print(sorted(history.history))
results = model.evaluate(x_test, y_test, verbose=0)
assert len(results) == 2
