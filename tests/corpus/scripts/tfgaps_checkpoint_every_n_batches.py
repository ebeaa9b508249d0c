"""Checkpoints every N batches (`save_freq=<int>`) and, the older way, every N epochs
(`period=`), then the newest one restored into a fresh model."""

import os

import numpy as np
import tensorflow as tf
from tensorflow import keras

rng = np.random.default_rng(3)
x = rng.normal(size=(320, 10)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")


def build():
    net = keras.Sequential(
        [
            keras.layers.Dense(12, activation="relu", input_shape=(10,)),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return net


# 320 samples in batches of 32: ten batches an epoch, so every 25 batches lands mid-epoch.
by_batches = keras.callbacks.ModelCheckpoint(
    "by_batches/weights-e{epoch:02d}-b{batch:02d}.weights.h5",
    save_weights_only=True,
    save_freq=25,
)
build().fit(x, y, batch_size=32, epochs=6, callbacks=[by_batches], verbose=0)
written = sorted(os.listdir("by_batches"))
print(written)
assert written == ["weights-e03-b05.weights.h5", "weights-e05-b10.weights.h5"]

every_other = keras.callbacks.ModelCheckpoint(
    "by_epochs/cp-{epoch:04d}.ckpt", save_weights_only=True, verbose=1, period=2
)
model = build()
model.fit(x, y, batch_size=32, epochs=6, callbacks=[every_other], verbose=0)
latest = tf.train.latest_checkpoint("by_epochs")
print("latest:", latest)
assert latest.endswith("cp-0006.ckpt")

fresh = build()
fresh.load_weights(latest)
for mine, theirs in zip(model.get_weights(), fresh.get_weights()):
    np.testing.assert_array_equal(mine, theirs)
