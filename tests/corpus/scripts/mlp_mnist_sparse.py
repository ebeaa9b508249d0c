"""A first MLP on MNIST, the way an introductory course writes it (small, fast)."""

import numpy as np
from tensorflow import keras

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train[:2000].reshape(-1, 784).astype("float32") / 255.0
x_test = x_test[:500].reshape(-1, 784).astype("float32") / 255.0
y_train, y_test = y_train[:2000], y_test[:500]

model = keras.Sequential(
    [
        keras.layers.Dense(64, activation="relu", input_shape=(784,)),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=2, batch_size=64, verbose=0)
loss, acc = model.evaluate(x_test, y_test, verbose=0)
assert set(history.history) == {"loss", "accuracy"}
assert 0.0 <= acc <= 1.0 and np.isfinite(loss)
predictions = model.predict(x_test[:3], verbose=0)
assert predictions.shape == (3, 10)
