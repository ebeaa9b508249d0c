"""Record what tf-keras 2.21 does for the study's new layer: ``RandomFourierFeatures``.

Run by hand with the real Keras 2 (TensorFlow 2.21 + tf-keras 2.21)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_tf_gap_references.py

For each case it writes ``tests/data/layers/<case>.npz`` in the layout of
``scripts/record_layer_references.py`` (inputs, targets, Keras's initial weights, the
losses of three ``train_on_batch`` steps with ``SGD(learning_rate=0.1)``, the weights
after them, the weight names), which ``tests/keras/layers/test_layer_references.py``
reads. The cases are the models of ``tests/keras/layers/layer_reference_cases.py`` of
the same names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tensorflow import keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "layers"
RFF = keras.layers.experimental.RandomFourierFeatures


def random_fourier_features() -> tuple[Any, Any, Any, str]:
    """A trainable kernel scale under a softmax head."""
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            RFF(output_dim=16, scale=2.0, trainable=True),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    rng = np.random.default_rng(3)
    return model, rng.normal(size=(8, 6)), rng.integers(0, 3, 8), "sparse_categorical_crossentropy"


def random_fourier_features_frozen() -> tuple[Any, Any, Any, str]:
    """Keras's defaults (a frozen layer, the Gaussian kernel's scale) under a linear head."""
    model = keras.Sequential([keras.Input(shape=(5,)), RFF(output_dim=12), keras.layers.Dense(2)])
    rng = np.random.default_rng(4)
    return model, rng.normal(size=(8, 5)), rng.normal(size=(8, 2)), "mse"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for make in (random_fourier_features, random_fourier_features_frozen):
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model, x, y, loss = make()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)
        x = x.astype("float32")
        y = y.astype("float32") if y.dtype.kind == "f" else y.astype("int32")
        arrays: dict[str, Any] = {"x0": x, "y": y}
        for i, w in enumerate(model.get_weights()):
            arrays[f"init_{i}"] = w
        losses = [float(model.train_on_batch(x, y)) for _ in range(3)]
        arrays["loss"] = np.array(losses, dtype=np.float64)
        for i, w in enumerate(model.get_weights()):
            arrays[f"final_{i}"] = w
        arrays["weight_names"] = np.array([w.name for w in model.weights])
        np.savez_compressed(OUT / f"{make.__name__}.npz", **arrays)
        print(f"{make.__name__}: losses {losses}, weights {list(arrays['weight_names'])}")


if __name__ == "__main__":
    main()
