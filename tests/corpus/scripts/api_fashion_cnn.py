"""A small convolutional network on Fashion-MNIST, with class names for the predictions."""

import numpy as np
import tensorflow as tf
from tensorflow import keras

fashion_mnist = keras.datasets.fashion_mnist
(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()
class_names = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

train_images = train_images[:2000, ..., np.newaxis] / 255.0
test_images = test_images[:300, ..., np.newaxis] / 255.0
train_labels, test_labels = train_labels[:2000], test_labels[:300]

model = keras.Sequential(
    [
        keras.layers.Conv2D(8, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10),
    ]
)
model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.summary()
model.fit(train_images, train_labels, epochs=1, batch_size=64, verbose=0)
logits = model.predict(test_images[:5], verbose=0)
print([class_names[i] for i in np.argmax(logits, axis=1)])
assert logits.shape == (5, 10)
