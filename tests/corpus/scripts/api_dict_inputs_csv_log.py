"""Two named inputs and two named outputs fed by dicts; logs in a CSV; TensorBoard accepted."""

import csv

import numpy as np
from tensorflow import keras

rng = np.random.default_rng(6)
n = 300
numbers = rng.normal(size=(n, 4)).astype("float32")
flags = rng.integers(0, 2, size=(n, 3)).astype("float32")
kind = (numbers[:, 0] > 0).astype("int32") + flags[:, 0].astype("int32")
size = numbers.sum(axis=1, keepdims=True)

num_in = keras.Input(shape=(4,), name="numbers")
flag_in = keras.Input(shape=(3,), name="flags")
joined = keras.layers.Concatenate()([num_in, flag_in])
hidden = keras.layers.Dense(16, activation="relu")(joined)
kind_out = keras.layers.Dense(3, activation="softmax", name="kind")(hidden)
size_out = keras.layers.Dense(1, name="size")(hidden)
model = keras.Model(inputs=[num_in, flag_in], outputs=[kind_out, size_out])
model.compile(
    optimizer="adam",
    loss={"kind": "sparse_categorical_crossentropy", "size": "mse"},
    loss_weights={"kind": 1.0, "size": 0.5},
    metrics={"kind": ["accuracy"]},
)
history = model.fit(
    {"numbers": numbers, "flags": flags},
    {"kind": kind, "size": size},
    epochs=2,
    batch_size=32,
    validation_split=0.2,
    verbose=0,
    callbacks=[
        keras.callbacks.CSVLogger("training.csv"),
        keras.callbacks.TensorBoard(log_dir="./logs"),
    ],
)
print(sorted(history.history))
with open("training.csv") as f:
    rows = list(csv.DictReader(f))
assert len(rows) == 2 and "val_kind_accuracy" in rows[0]
kind_pred, size_pred = model.predict({"numbers": numbers[:4], "flags": flags[:4]}, verbose=0)
assert kind_pred.shape == (4, 3) and size_pred.shape == (4, 1)
