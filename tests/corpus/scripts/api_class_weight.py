"""An imbalanced problem: weigh the rare class more, and watch recall of it improve."""

import numpy as np
from tensorflow import keras

rng = np.random.default_rng(1)
n = 2000
x = rng.normal(size=(n, 6)).astype("float32")
y = ((x[:, 0] + 0.5 * x[:, 1]) > 1.6).astype("float32")  # about 7% positives
neg, pos = np.bincount(y.astype(int))
class_weight = {0: (1 / neg) * (n / 2.0), 1: (1 / pos) * (n / 2.0)}
print("class weights:", class_weight)


def make_model():
    model = keras.Sequential(
        [
            keras.layers.Dense(16, activation="relu", input_shape=(6,)),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


keras.utils.set_random_seed(7)
plain = make_model()
plain.fit(x, y, epochs=3, batch_size=64, verbose=0)
keras.utils.set_random_seed(7)
weighted = make_model()
weighted.fit(x, y, epochs=3, batch_size=64, class_weight=class_weight, verbose=0)


def recall(model):
    predicted = model.predict(x, verbose=0)[:, 0] > 0.5
    return float((predicted & (y == 1)).sum() / (y == 1).sum())


print("recall of the rare class:", recall(plain), "->", recall(weighted))
assert recall(weighted) >= recall(plain)
