"""The tf.keras 2.3-2.5 spelling of the preprocessing layers,
`layers.experimental.preprocessing.X`, in a Functional model in the manner of keras.io's
"image classification from scratch": resize and crop in the model, augment, rescale, a
small separable-free CNN, on generated two-class pictures (bright square or dark square)."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.layers.experimental import preprocessing

rng = np.random.default_rng(0)
count, size = 96, 40
labels = rng.integers(0, 2, count)
pictures = rng.uniform(0, 80, (count, size, size, 3)).astype("float32")
for picture, label in zip(pictures, labels):
    top, left = rng.integers(8, 20, 2)
    picture[top : top + 12, left : left + 12] += 150.0 if label else 20.0

data_augmentation = keras.Sequential(
    [
        preprocessing.RandomFlip("horizontal_and_vertical"),
        preprocessing.RandomRotation(0.2, fill_mode="nearest"),
        preprocessing.RandomTranslation(0.1, 0.1),
        preprocessing.RandomContrast(0.2),
    ],
    name="data_augmentation",
)

inputs = keras.Input(shape=(size, size, 3))
x = preprocessing.Resizing(36, 36)(inputs)
x = preprocessing.CenterCrop(32, 32)(x)
x = data_augmentation(x)
x = preprocessing.Rescaling(1.0 / 255)(x)
x = layers.Conv2D(8, 3, strides=2, activation="relu")(x)
x = layers.Conv2D(16, 3, strides=2, activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.summary()
assert model.layers[2].output_shape == (None, 32, 32, 3)

model.compile(
    optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"]
)
history = model.fit(pictures, labels, epochs=3, batch_size=16, validation_split=0.25)
print("val accuracy:", history.history["val_accuracy"][-1])
assert np.isfinite(history.history["loss"]).all()

# The random layers pass pictures through unchanged outside training.
batch = pictures[:4]
cropped = preprocessing.CenterCrop(32, 32)(preprocessing.Resizing(36, 36)(batch))
assert np.allclose(np.asarray(data_augmentation(cropped, training=False)), np.asarray(cropped))
print("predictions:", model.predict(batch).ravel().round(3))
