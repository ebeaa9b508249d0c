# A built Sequential that starts with Flatten: fit, then predict.
# ruff: noqa: F821  (mark, fact and summary are given by scripts/record_keras2_facts.py)
import keras
import numpy as np
from keras import layers

model = keras.Sequential([layers.Flatten(input_shape=(2, 2)), layers.Dense(3)])
model.compile(optimizer="sgd", loss="mse")
x = np.zeros((8, 2, 2), "float32")
y = np.zeros((8, 3), "float32")
mark("fit")
history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
mark("predict")
model.predict(x, batch_size=4, verbose=0)
mark("end")
fact("history_keys", sorted(history.history))
