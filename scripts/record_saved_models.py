"""Write small ``.keras`` / ``.h5`` files with real tf-keras 2.21, for ``tests/keras/saving``.

Run by hand with TensorFlow installed (the test suite never needs it)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_saved_models.py

Writes into ``tests/data/saved/``: the seed model (784 -> 512 relu -> 10 softmax, made
smaller here: 784 -> 16 -> 10, so the files stay small) compiled with RMSprop and
trained one step, and a small CNN, each as ``.keras``, ``.h5`` and weights-only
``.weights.h5``; plus ``expected.npz``: each model's predictions on fixed inputs, which
buildtrace must reproduce after loading.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tf_keras as keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "saved"


def seed() -> keras.Model:
    model = keras.Sequential(
        [
            keras.layers.Dense(16, activation="relu", input_shape=(784,)),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="seed",
    )
    model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def cnn() -> keras.Model:
    inputs = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.MaxPooling2D(name="pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dropout(0.25, name="dropout")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(x)
    model = keras.Model(inputs, outputs, name="small_cnn")
    model.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy", metrics=["accuracy"])
    return model


def main() -> None:
    keras.utils.set_random_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    expected = {}
    for name, model, x, y in (
        ("seed", seed(), rng.random((4, 784), "float32"), np.arange(4) % 10),
        ("cnn", cnn(), rng.random((4, 8, 8, 1), "float32"), np.eye(3)[np.arange(4) % 3]),
    ):
        model.train_on_batch(x, y)
        model.save(OUT / f"{name}.keras")
        model.save(OUT / f"{name}.h5")
        model.save_weights(OUT / f"{name}.weights.h5")
        expected[f"{name}_x"] = x
        expected[f"{name}_y"] = model.predict(x, verbose=0)
    np.savez(OUT / "expected.npz", **expected)
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
