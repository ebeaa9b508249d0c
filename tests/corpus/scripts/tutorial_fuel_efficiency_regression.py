"""Fuel efficiency, the "basic regression" way: a Normalization layer adapted to the
training features, a single-feature linear model, then a small deep network."""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

# A made-up table of cars instead of a download: cylinders, displacement, horsepower,
# weight, acceleration, model year; the target is miles per gallon.
rng = np.random.default_rng(7)
n = 300
cylinders = rng.choice([4, 6, 8], size=n).astype("float32")
displacement = cylinders * 40 + rng.normal(0, 15, n)
horsepower = displacement * 0.45 + rng.normal(0, 8, n)
weight = 1500 + displacement * 6 + rng.normal(0, 150, n)
acceleration = 20 - horsepower / 25 + rng.normal(0, 1, n)
model_year = rng.integers(70, 83, n).astype("float32")
features = np.stack(
    [cylinders, displacement, horsepower, weight, acceleration, model_year], axis=1
).astype("float32")
mpg = (
    46 - weight / 150 - horsepower / 40 + (model_year - 70) * 0.6 + rng.normal(0, 1.5, n)
).astype("float32")

split = int(0.8 * n)
train_features, test_features = features[:split], features[split:]
train_labels, test_labels = mpg[:split], mpg[split:]

normalizer = layers.Normalization(axis=-1)
normalizer.adapt(np.array(train_features))
print(normalizer.mean.numpy())
first = np.array(train_features[:1])
print("First example:", first)
print("Normalized:", normalizer(first).numpy())
assert np.allclose(normalizer.mean.numpy().ravel(), train_features.mean(axis=0), rtol=1e-4)

# One feature: horsepower alone, with axis=None (a single mean and variance).
horsepower_train = np.array(train_features[:, 2])
horsepower_normalizer = layers.Normalization(input_shape=[1], axis=None)
horsepower_normalizer.adapt(horsepower_train)
horsepower_model = tf.keras.Sequential([horsepower_normalizer, layers.Dense(units=1)])
horsepower_model.summary()
horsepower_model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error"
)
history = horsepower_model.fit(
    horsepower_train, train_labels, epochs=20, verbose=0, validation_split=0.2
)
print("horsepower model val loss:", history.history["val_loss"][-1])
x = np.linspace(40.0, 160.0, 7)
print(horsepower_model.predict(x, verbose=0).ravel())


def build_and_compile_model(norm):
    model = keras.Sequential(
        [
            norm,
            layers.Dense(64, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.001))
    return model


dnn_model = build_and_compile_model(normalizer)
dnn_model.summary()
history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0, epochs=30)
test_loss = dnn_model.evaluate(test_features, test_labels, verbose=0)
print("DNN test mean absolute error:", test_loss)
assert history.history["loss"][-1] < history.history["loss"][0]
assert dnn_model.layers[0] is normalizer and normalizer.is_adapted
assert len(dnn_model.non_trainable_weights) == 3
