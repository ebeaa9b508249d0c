"""A small CNN that ends in GlobalAveragePooling2D instead of Flatten, with zero
padding, batch normalization and spatial dropout, on synthetic images."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(4)
images = rng.random((80, 12, 12, 3)).astype("float32")
brightest = images.mean(axis=(1, 2)).argmax(axis=1)

model = keras.Sequential(
    [
        keras.Input(shape=(12, 12, 3)),
        layers.ZeroPadding2D(padding=1),
        layers.Conv2D(8, 3, activation="relu"),
        layers.BatchNormalization(),
        layers.SpatialDropout2D(0.1),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(3, activation="softmax"),
    ]
)
assert model.layers[0].output_shape == (None, 14, 14, 3)
assert model.layers[-2].output_shape == (None, 16)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(images, brightest, epochs=2, batch_size=16, verbose=0)
loss, accuracy = model.evaluate(images, brightest, verbose=0)
assert np.isfinite(loss) and 0.0 <= accuracy <= 1.0
