"""Imbalanced classification with the metrics of keras.io's credit-card fraud example:
the four confusion counts, precision, recall and the ROC and PR areas, with class
weights, as in "Classification on imbalanced data"."""

import numpy as np
from tensorflow import keras

rng = np.random.default_rng(5)
n = 2000
x = rng.normal(size=(n, 10)).astype("float32")
score = x[:, 0] * 1.5 + x[:, 1] - 0.5 * x[:, 2]
y = (score > 2.6).astype("float32")  # about 3% positives
print(f"{int(y.sum())} positives out of {n}")
split = 1600
x_train, y_train, x_val, y_val = x[:split], y[:split], x[split:], y[split:]

METRICS = [
    keras.metrics.FalseNegatives(name="fn"),
    keras.metrics.FalsePositives(name="fp"),
    keras.metrics.TrueNegatives(name="tn"),
    keras.metrics.TruePositives(name="tp"),
    keras.metrics.Precision(name="precision"),
    keras.metrics.Recall(name="recall"),
    keras.metrics.AUC(name="auc"),
    keras.metrics.AUC(name="prc", curve="PR"),
]

model = keras.Sequential(
    [
        keras.layers.Dense(16, activation="relu", input_shape=(10,)),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=METRICS)
negatives, positives = np.bincount(y_train.astype(int))
class_weight = {0: (1 / negatives) * (split / 2.0), 1: (1 / positives) * (split / 2.0)}
history = model.fit(
    x_train,
    y_train,
    batch_size=200,
    epochs=8,
    validation_data=(x_val, y_val),
    class_weight=class_weight,
    verbose=2,
)
results = model.evaluate(x_val, y_val, batch_size=200, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in results.items()})
counts = results["tp"] + results["fp"] + results["tn"] + results["fn"]
assert counts == len(y_val)  # every sample lands in one cell
assert results["tp"] + results["fn"] == y_val.sum()
assert results["auc"] > 0.9 and 0 < results["prc"] <= 1
assert abs(results["precision"] - results["tp"] / max(results["tp"] + results["fp"], 1)) < 1e-6

# Metrics work on their own too: a threshold sweep of the validation predictions.
scores = model.predict(x_val, verbose=0)
sweep = keras.metrics.Recall(thresholds=[0.3, 0.5, 0.7])
sweep.update_state(y_val, scores)
recalls = sweep.result().numpy()
print("recall at 0.3 / 0.5 / 0.7:", recalls.round(3))
assert recalls.shape == (3,) and recalls[0] >= recalls[1] >= recalls[2]
top = keras.metrics.TopKCategoricalAccuracy(k=1)
top.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.5, 0.4], [0.2, 0.7, 0.1]])
assert float(top.result()) == 0.5
