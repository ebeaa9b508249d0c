"""A loss written as a plain function with keras.backend, in the style of older examples."""

import numpy as np
from keras import backend as K
from tensorflow import keras


def contrastive_like_loss(y_true, y_pred):
    margin = 1.0
    square_pred = K.square(y_pred)
    margin_square = K.square(K.maximum(margin - y_pred, 0))
    return K.mean(y_true * square_pred + (1 - y_true) * margin_square)


def scaled_mse(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true), axis=-1) * 0.5


rng = np.random.default_rng(3)
x = rng.normal(size=(256, 6)).astype("float32")
same = (x[:, :3].sum(axis=1) > 0).astype("float32")

model = keras.Sequential(
    [keras.layers.Dense(12, activation="relu", input_shape=(6,)), keras.layers.Dense(1)]
)
model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss=contrastive_like_loss)
history = model.fit(x, same, epochs=3, batch_size=32, verbose=0)
print("contrastive loss per epoch:", [round(v, 4) for v in history.history["loss"]])

regressor = keras.Sequential([keras.layers.Dense(1, input_shape=(6,))])
regressor.compile(optimizer="sgd", loss=scaled_mse, metrics=["mae"])
regressor.fit(x, x.sum(axis=1, keepdims=True), epochs=2, verbose=2)
