"""Weight decay as Keras adds it: L2 on kernels, L1L2 on a bias, Dropout in between."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import regularizers

rng = np.random.default_rng(3)
x = rng.normal(size=(500, 20)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("float32")

model = keras.Sequential(
    [
        keras.layers.Dense(
            32, activation="relu", input_shape=(20,), kernel_regularizer=regularizers.l2(0.002)
        ),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(
            32,
            activation="relu",
            kernel_regularizer=regularizers.l1_l2(l1=1e-4, l2=1e-3),
            bias_regularizer=regularizers.L1L2(l1=0.01),
        ),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adagrad(learning_rate=0.05),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
penalty = float(sum(model.losses))
print("regularization penalty before training:", penalty)
assert len(model.losses) == 3 and penalty > 0
history = model.fit(x, y, epochs=3, batch_size=50, verbose=0)
assert history.history["loss"][-1] < history.history["loss"][0]
