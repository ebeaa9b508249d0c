"""Learning-rate schedules: a LearningRateScheduler callback and ReduceLROnPlateau."""

import math

import numpy as np
import tensorflow as tf

(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x_train = x_train[:1500].reshape(-1, 784).astype("float32") / 255.0
y_train = y_train[:1500]


def scheduler(epoch, lr):
    if epoch < 1:
        return lr
    return lr * math.exp(-0.5)


model = tf.keras.models.Sequential(
    [
        tf.keras.layers.Dense(32, activation="relu", input_shape=(784,)),
        tf.keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(
    optimizer=tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(
    x_train,
    y_train,
    epochs=3,
    batch_size=100,
    verbose=0,
    callbacks=[tf.keras.callbacks.LearningRateScheduler(scheduler, verbose=1)],
)
print("learning rates:", history.history["lr"])
assert np.isclose(history.history["lr"][2], 0.1 * math.exp(-1.0), rtol=1e-5)

plateau = tf.keras.callbacks.ReduceLROnPlateau(
    monitor="val_loss", factor=0.5, patience=1, min_lr=1e-4, verbose=1
)
history = model.fit(
    x_train, y_train, epochs=3, validation_split=0.2, verbose=0, callbacks=[plateau]
)
assert "lr" in history.history
