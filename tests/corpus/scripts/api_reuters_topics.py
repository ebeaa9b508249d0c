"""Newswire topics: 46 classes, one-hot labels, a softmax output."""

import numpy as np
from tensorflow import keras
from tensorflow.keras.utils import to_categorical

(train_data, train_labels), (test_data, test_labels) = keras.datasets.reuters.load_data(
    num_words=1000
)


def vectorize(sequences, dimension=1000):
    out = np.zeros((len(sequences), dimension), dtype="float32")
    for i, seq in enumerate(sequences):
        out[i, seq] = 1.0
    return out


x_train, x_test = vectorize(train_data[:2000]), vectorize(test_data[:400])
y_train = to_categorical(train_labels[:2000], num_classes=46)
y_test = to_categorical(test_labels[:400], num_classes=46)

model = keras.Sequential(
    [
        keras.layers.Dense(64, activation="relu", input_shape=(1000,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(46, activation="softmax"),
    ]
)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, batch_size=256, validation_split=0.1, verbose=0)
predictions = model.predict(x_test, verbose=0)
assert predictions.shape == (400, 46)
assert np.allclose(predictions.sum(axis=1), 1.0, atol=1e-4)
print(
    "most likely topic of the first wire:",
    keras.datasets.reuters.get_label_names()[np.argmax(predictions[0])],
)
