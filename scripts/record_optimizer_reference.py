"""Record three ``train_on_batch`` steps of tf-keras 2.21's other optimizers on a Dense layer.

Run by hand with TensorFlow installed (the test suite never needs it)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_optimizer_reference.py

Writes ``tests/data/keras2/optimizers_reference.npz``: the fixed data and initial
weights, and for each case the kernel and bias after steps 1, 2 and 3, and each
optimizer's ``get_config()`` (JSON, in the same file).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tf_keras as keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras2"

CASES = {
    "Adadelta": {},
    "Adadelta_lr1": {"learning_rate": 1.0, "rho": 0.9},
    "Adagrad": {},
    "Adagrad_lr01": {"learning_rate": 0.1, "initial_accumulator_value": 0.5},
    "Adamax": {},
    "Adamax_lr01": {"learning_rate": 0.1, "beta_1": 0.8},
    "Nadam": {},
    "Nadam_lr01": {"learning_rate": 0.1},
    "Ftrl": {},
    "Ftrl_l1l2": {"learning_rate": 0.1, "l1_regularization_strength": 0.01,
                  "l2_regularization_strength": 0.02, "l2_shrinkage_regularization_strength": 0.01,
                  "beta": 0.1},
}  # fmt: skip


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 5)).astype("float32")
    y = rng.normal(size=(8, 3)).astype("float32")
    kernel = rng.normal(size=(5, 3)).astype("float32") * 0.5
    bias = rng.normal(size=(3,)).astype("float32") * 0.1
    arrays = {"x": x, "y": y, "kernel": kernel, "bias": bias}
    configs = {}
    for case, kwargs in CASES.items():
        cls = getattr(keras.optimizers, case.split("_")[0])
        model = keras.Sequential([keras.layers.Dense(3, input_shape=(5,))])
        model.set_weights([kernel, bias])
        optimizer = cls(**kwargs)
        model.compile(optimizer, "mse")
        for step in range(3):
            model.train_on_batch(x, y)
            k, b = model.get_weights()
            arrays[f"{case}/kernel/{step}"] = k
            arrays[f"{case}/bias/{step}"] = b
        configs[case] = {"kwargs": kwargs, "config": optimizer.get_config()}
    arrays["configs"] = np.array(json.dumps(configs, default=float))
    np.savez(OUT / "optimizers_reference.npz", **arrays)
    print("wrote", OUT / "optimizers_reference.npz")


if __name__ == "__main__":
    main()
