"""A small convolutional autoencoder: pool down, then grow back with transposed
convolutions and upsampling, trained to reproduce its input."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(0)
images = rng.random((64, 16, 16, 1)).astype("float32")

inputs = keras.Input(shape=(16, 16, 1))
x = layers.Conv2D(8, 3, activation="relu", padding="same")(inputs)
x = layers.MaxPooling2D(2, padding="same")(x)
x = layers.Conv2D(4, 3, activation="relu", padding="same")(x)
encoded = layers.MaxPooling2D(2, padding="same")(x)

x = layers.Conv2DTranspose(4, 3, strides=2, activation="relu", padding="same")(encoded)
x = layers.UpSampling2D((2, 2))(x)
x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
decoded = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)

autoencoder = keras.Model(inputs, decoded, name="autoencoder")
assert encoded.shape == (None, 4, 4, 4)
assert decoded.shape == (None, 16, 16, 1)
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
before = autoencoder.evaluate(images, images, verbose=0)
autoencoder.fit(images, images, epochs=3, batch_size=16, shuffle=True, verbose=0)
after = autoencoder.evaluate(images, images, verbose=0)
assert after < before, (before, after)
encoder = keras.Model(inputs, encoded)
assert encoder.predict(images[:2], verbose=0).shape == (2, 4, 4, 4)
