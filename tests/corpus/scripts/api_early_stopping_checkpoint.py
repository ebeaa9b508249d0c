"""Hold out a validation split, stop early, and keep the best model on disk."""

import numpy as np
from tensorflow import keras
from tensorflow.keras.callbacks import EarlyStopping, ModelCheckpoint

(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train[:2000].reshape(-1, 784).astype("float32") / 255.0
y_train = y_train[:2000]

model = keras.Sequential(
    [
        keras.layers.Dense(64, activation="relu", input_shape=(784,)),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
callbacks = [
    EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True),
    ModelCheckpoint("best_model.keras", monitor="val_accuracy", save_best_only=True, verbose=1),
]
history = model.fit(
    x_train, y_train, epochs=4, batch_size=64, validation_split=0.2, callbacks=callbacks, verbose=0
)
assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(history.history)
best = keras.models.load_model("best_model.keras")
np.testing.assert_equal(best.predict(x_train[:3], verbose=0).shape, (3, 10))
print("epochs run:", len(history.history["loss"]))
