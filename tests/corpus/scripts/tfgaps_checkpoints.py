"""Saving weights during training and restoring the newest file, as in TensorFlow's
"save and load" tutorial, with weights written to HDF5 files."""

import os

import numpy as np
import tensorflow as tf
from tensorflow import keras

(train_images, train_labels), _ = keras.datasets.mnist.load_data()
train_images = train_images[:500].reshape(-1, 784).astype("float32") / 255.0
train_labels = train_labels[:500]


def create_model():
    model = keras.Sequential(
        [keras.layers.Dense(64, activation="relu", input_shape=(784,)), keras.layers.Dense(10)]
    )
    model.compile(
        optimizer="adam",
        loss=tf.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[tf.metrics.SparseCategoricalAccuracy()],
    )
    return model


os.makedirs("ckpts", exist_ok=True)
assert tf.train.latest_checkpoint("ckpts") is None
model = create_model()
save_every_epoch = keras.callbacks.ModelCheckpoint(
    filepath="ckpts/cp-{epoch:04d}.weights.h5", save_weights_only=True, verbose=1
)
model.fit(train_images, train_labels, epochs=3, callbacks=[save_every_epoch], verbose=0)
print(sorted(os.listdir("ckpts")))

latest = tf.train.latest_checkpoint("ckpts")
print("latest:", latest)
assert latest.endswith("cp-0003.weights.h5")
fresh = create_model()
fresh.load_weights(latest)
for a, b in zip(model.get_weights(), fresh.get_weights()):
    np.testing.assert_array_equal(a, b)
loss, acc = fresh.evaluate(train_images, train_labels, verbose=0)
print(f"restored model, accuracy: {100 * acc:5.2f}%")
