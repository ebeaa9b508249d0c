"""A small convolutional network for MNIST digits.

What it shows: shapes changing through ``Conv2D`` (valid padding trims the border),
``MaxPooling2D`` (halves each side), ``BatchNormalization`` (whose moving mean and
variance are *non-trainable* weights) and ``Flatten``; each layer's ``build`` gets the
output shape of the one before, which is why only the first needs ``input_shape``.

    buildtrace run samples/cnn.py
"""

from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, kernel_size=3, activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(32, kernel_size=3, activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(pool_size=2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ]
)
model.summary()

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train[:2048].reshape((-1, 28, 28, 1)).astype("float32") / 255
model.fit(x_train, y_train[:2048], epochs=1, batch_size=64)
