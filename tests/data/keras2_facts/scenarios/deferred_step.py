# A Sequential with no input shape: the first train_step builds it (one model call).
# ruff: noqa: F821  (mark, fact and summary are given by scripts/record_keras2_facts.py)
import keras
import numpy as np
from keras import layers

model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
x = np.zeros((8, 4), "float32")
y = np.zeros((8, 1), "float32")
mark("fit")
model.fit(x, y, epochs=2, batch_size=4, verbose=0)
mark("end")
