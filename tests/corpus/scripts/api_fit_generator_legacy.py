"""Keras 1-era training code that old courses still hand out: an endless Python
generator of batches fed to `fit_generator`, with `steps_per_epoch`, a validation
generator and a queue size, then `evaluate_generator` and `predict_generator`.
tf-keras 2.21 keeps these three methods as a deprecation warning plus a call of
`fit`/`evaluate`/`predict`; `fit` itself takes the same generator."""

import warnings

import numpy as np
from tensorflow import keras

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)

# Two noisy rings of points: inside (class 0) or outside (class 1) a circle of radius 1.
points = rng.uniform(-2, 2, size=(600, 2)).astype("float32")
labels = (np.hypot(points[:, 0], points[:, 1]) > 1.0).astype("float32")


def batch_generator(x, y, batch_size):
    """Loops over the data for ever, shuffling at the start of every pass."""
    while True:
        order = rng.permutation(len(x))
        for start in range(0, len(x) - batch_size + 1, batch_size):
            picked = order[start : start + batch_size]
            yield x[picked], y[picked]


model = keras.Sequential(
    [
        keras.layers.Dense(16, activation="relu", input_shape=(2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
              metrics=["accuracy"])  # fmt: skip

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    history = model.fit_generator(
        batch_generator(points[:500], labels[:500], 25),
        steps_per_epoch=20,
        epochs=8,
        validation_data=batch_generator(points[500:], labels[500:], 25),
        validation_steps=4,
        max_queue_size=10,  # one worker: a plain generator is not thread-safe
        verbose=2,
    )
assert any("fit_generator` is deprecated" in str(w.message) for w in caught)
assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
print({key: round(values[-1], 3) for key, values in history.history.items()})
assert history.history["loss"][-1] < history.history["loss"][0]
assert history.history["val_accuracy"][-1] > 0.85

loss, accuracy = model.evaluate_generator(batch_generator(points, labels, 50), steps=12)
print(f"evaluate_generator: loss {loss:.3f} accuracy {accuracy:.3f}")
probabilities = model.predict_generator(batch_generator(points, labels, 50), steps=2)
assert probabilities.shape == (100, 1)

# The modern spelling: fit takes the generator itself.
model.fit(batch_generator(points, labels, 50), steps_per_epoch=12, epochs=1, verbose=2)
