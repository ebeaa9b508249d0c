"""Plot the training and validation loss from the History object, then show it."""

import matplotlib.pyplot as plt
import numpy as np
from tensorflow import keras

rng = np.random.default_rng(4)
x = rng.normal(size=(600, 5)).astype("float32")
y = x @ np.array([1.5, -2.0, 0.5, 0.0, 1.0], dtype="float32") + 0.1 * rng.normal(size=600)

model = keras.Sequential(
    [keras.layers.Dense(8, activation="relu", input_shape=(5,)), keras.layers.Dense(1)]
)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)

loss, val_loss = history.history["loss"], history.history["val_loss"]
epochs = range(1, len(loss) + 1)
plt.plot(epochs, loss, "bo", label="Training loss")
plt.plot(epochs, val_loss, "b", label="Validation loss")
plt.title("Training and validation loss")
plt.xlabel("Epochs")
plt.ylabel("Loss")
plt.legend()
plt.show()
assert len(val_loss) == 3
