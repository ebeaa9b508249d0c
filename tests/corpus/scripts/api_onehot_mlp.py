"""Digits with one-hot labels and categorical crossentropy, the textbook way."""

import numpy as np
from tensorflow import keras
from tensorflow.keras.utils import to_categorical

(train_images, train_labels), (test_images, test_labels) = keras.datasets.mnist.load_data()
train_images = train_images[:3000].reshape((3000, 28 * 28)).astype("float32") / 255
test_images = test_images[:500].reshape((500, 28 * 28)).astype("float32") / 255
train_labels = to_categorical(train_labels[:3000])
test_labels = to_categorical(test_labels[:500], num_classes=10)
assert train_labels.shape == (3000, 10) and train_labels.dtype == np.float32

network = keras.models.Sequential()
network.add(keras.layers.Dense(128, activation="relu", input_shape=(28 * 28,)))
network.add(keras.layers.Dense(10, activation="softmax"))
network.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
network.fit(train_images, train_labels, epochs=2, batch_size=128, verbose=2)
test_loss, test_acc = network.evaluate(test_images, test_labels, verbose=0)
print("test_acc:", test_acc)
assert 0.0 <= test_acc <= 1.0
