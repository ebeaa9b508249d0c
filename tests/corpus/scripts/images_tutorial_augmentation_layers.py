"""The TensorFlow image classification tutorial's answer to overfitting: an augmentation
block of random layers at the front of the model (active only while fitting), then
Rescaling and a small CNN, trained on a slice of CIFAR-10."""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

(x_train, y_train), (x_val, y_val) = keras.datasets.cifar10.load_data()
x_train, y_train = x_train[:256], y_train[:256]
x_val, y_val = x_val[:64], y_val[:64]
img_height, img_width = x_train.shape[1:3]
num_classes = 10

data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal", input_shape=(img_height, img_width, 3)),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.1),
    ]
)

# What the block does to one picture, called by hand (it augments: training defaults on).
images = tf.cast(x_train[:9], tf.float32)
augmented = data_augmentation(images)
print("augmented batch:", augmented.shape)
assert augmented.shape == (9, img_height, img_width, 3)
assert not np.allclose(np.asarray(augmented), np.asarray(images))

model = keras.Sequential(
    [
        data_augmentation,
        layers.Rescaling(1.0 / 255),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Dropout(0.2),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(num_classes, name="outputs"),
    ]
)
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.summary()
history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=2, batch_size=32)
assert len(history.history["val_accuracy"]) == 2

# At inference the augmentation steps aside: two predictions of the same pictures agree.
logits = model.predict(x_val[:8])
assert np.allclose(logits, model.predict(x_val[:8]))
score = tf.nn.softmax(logits[0])
print("class", int(np.argmax(score)), "with", round(100 * float(np.max(score)), 2), "% confidence")
