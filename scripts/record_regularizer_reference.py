"""Record tf-keras 2.21 training a Dense layer with weight regularizers, for the tests.

Run by hand with TensorFlow installed (the test suite never needs it)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_regularizer_reference.py

Writes ``tests/data/keras2/regularizers_reference.npz``: fixed data and weights, the
regularization losses (``model.losses``) before training, the ``loss`` each of three
``train_on_batch`` steps reports, the weights after them, and ``evaluate``'s loss.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tf_keras as keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras2"


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 5)).astype("float32")
    y = rng.normal(size=(8, 3)).astype("float32")
    kernel = rng.normal(size=(5, 3)).astype("float32") * 0.5
    bias = rng.normal(size=(3,)).astype("float32") * 0.1
    arrays = {"x": x, "y": y, "kernel": kernel, "bias": bias}
    model = keras.Sequential(
        [
            keras.layers.Dense(
                3,
                input_shape=(5,),
                kernel_regularizer=keras.regularizers.l2(0.01),
                bias_regularizer=keras.regularizers.L1L2(l1=0.02, l2=0.03),
            )
        ]
    )
    model.set_weights([kernel, bias])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    arrays["losses_before"] = np.array([float(v) for v in model.losses])
    arrays["evaluate_before"] = np.array(model.evaluate(x, y, verbose=0))
    step_losses = []
    for step in range(3):
        step_losses.append(float(model.train_on_batch(x, y)))
        k, b = model.get_weights()
        arrays[f"kernel/{step}"] = k
        arrays[f"bias/{step}"] = b
    arrays["step_losses"] = np.array(step_losses)
    np.savez(OUT / "regularizers_reference.npz", **arrays)
    print("wrote", OUT / "regularizers_reference.npz", arrays["losses_before"], step_losses)


if __name__ == "__main__":
    main()
