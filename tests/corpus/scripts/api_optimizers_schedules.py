"""Optimizer objects with their arguments, and a decaying learning-rate schedule."""

import numpy as np
from tensorflow import keras

rng = np.random.default_rng(5)
x = rng.normal(size=(400, 10)).astype("float32")
y = (x[:, 0] > 0).astype("int32")

lr_schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.05, decay_steps=10, decay_rate=0.9, staircase=True
)
optimizers = [
    keras.optimizers.SGD(learning_rate=lr_schedule, momentum=0.9, nesterov=True),
    keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.85, clipnorm=1.0),
    keras.optimizers.RMSprop(learning_rate=1e-3, rho=0.8),
    keras.optimizers.Adagrad(learning_rate=0.05),
    keras.optimizers.Adadelta(learning_rate=1.0),
    keras.optimizers.Adamax(learning_rate=0.01),
    keras.optimizers.Nadam(learning_rate=0.01),
    keras.optimizers.Ftrl(learning_rate=0.1),
    keras.optimizers.SGD(
        keras.optimizers.schedules.PiecewiseConstantDecay([20, 40], [0.1, 0.05, 0.01])
    ),
    "nadam",
]
for optimizer in optimizers:
    model = keras.Sequential(
        [
            keras.layers.Dense(8, activation="tanh", input_shape=(10,)),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=20, verbose=0)
    print(type(model.optimizer).__name__, round(history.history["loss"][-1], 4))
    assert np.isfinite(history.history["loss"][-1])
print("step-40 learning rate:", float(lr_schedule(40)))
