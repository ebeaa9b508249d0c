"""House prices: normalise the features with the training statistics, regress with MAE."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

(train_data, train_targets), (test_data, test_targets) = keras.datasets.boston_housing.load_data()
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
train_data = (train_data - mean) / std
test_data = (test_data - mean) / std


def build_model():
    model = keras.Sequential(
        [
            layers.Dense(32, activation="relu", input_shape=(train_data.shape[1],)),
            layers.Dense(32, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model


k = 2
num_val = len(train_data) // k
scores = []
for i in range(k):
    val_data = train_data[i * num_val : (i + 1) * num_val]
    val_targets = train_targets[i * num_val : (i + 1) * num_val]
    partial_data = np.concatenate([train_data[: i * num_val], train_data[(i + 1) * num_val :]])
    partial_targets = np.concatenate(
        [train_targets[: i * num_val], train_targets[(i + 1) * num_val :]]
    )
    model = build_model()
    model.fit(partial_data, partial_targets, epochs=5, batch_size=16, verbose=0)
    val_mse, val_mae = model.evaluate(val_data, val_targets, verbose=0)
    scores.append(val_mae)
print("fold MAEs:", scores)
test_mse, test_mae = model.evaluate(test_data, test_targets, verbose=0)
assert np.isfinite(test_mae)
