"""`model.save("folder")`, Keras 2's default SavedModel form, and `load_model` of the
folder: buildtrace writes a stand-in folder and reads it back, compiled."""

import os

import numpy as np
from tensorflow import keras

(train_x, train_y), (test_x, test_y) = keras.datasets.fashion_mnist.load_data()
train_x, test_x = train_x[:600] / 255.0, test_x[:200] / 255.0
train_y, test_y = train_y[:600], test_y[:200]

model = keras.Sequential(
    [
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10),
    ]
)
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(train_x, train_y, epochs=2, verbose=0)

os.makedirs("exported", exist_ok=True)
model.save("exported/clothes_model")
print(os.listdir("exported/clothes_model"))

restored = keras.models.load_model("exported/clothes_model")
restored.summary()
before = model.evaluate(test_x, test_y, verbose=0)
after = restored.evaluate(test_x, test_y, verbose=0)
print("before:", before, "after:", after)
np.testing.assert_allclose(before, after, rtol=1e-6)
restored.fit(train_x, train_y, epochs=1, verbose=0)  # compiled: it trains on
