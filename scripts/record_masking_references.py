"""Record what tf-keras 2.21 computes for small masked models.

Run by hand with the real Keras 2 (TensorFlow 2.21 + tf-keras 2.21)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_masking_references.py

The models are the cases of ``tests/keras/layers/masking_cases.py`` (the same code the
tests run with buildtrace). For each it writes ``tests/data/masking/<case>.npz``: the
inputs and targets, Keras's initial weights (``set_random_seed(0)``), the loss and
metrics of three ``train_on_batch`` steps with ``SGD(learning_rate=0.1)``, the weights
after them, the model's output on the inputs before training and that output's mask
(``_keras_mask``, absent when Keras gives none). The tests never need TensorFlow.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf
from tensorflow import keras

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "masking"
sys.path.insert(0, str(ROOT / "tests" / "keras" / "layers"))

from masking_cases import CASES  # noqa: E402


def record(name: str) -> dict[str, Any]:
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model, x, y, loss, metrics = CASES[name](keras)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss, metrics=metrics)
    arrays: dict[str, Any] = {"x": x, "y": y}
    for i, w in enumerate(model.get_weights()):
        arrays[f"init_{i}"] = w
    output = model(x, training=False)
    arrays["output"] = output.numpy()
    mask = getattr(output, "_keras_mask", None)
    if mask is not None:
        arrays["output_mask"] = mask.numpy()
    steps = [np.atleast_1d(model.train_on_batch(x, y)) for _ in range(3)]
    arrays["results"] = np.array(steps, dtype=np.float64)  # loss, then each metric
    arrays["result_names"] = np.array(model.metrics_names)
    for i, w in enumerate(model.get_weights()):
        arrays[f"final_{i}"] = w
    arrays["weight_names"] = np.array([w.name for w in model.weights])
    return arrays


def main() -> None:
    import tf_keras

    OUT.mkdir(parents=True, exist_ok=True)
    for name in CASES:
        arrays = record(name)
        arrays["recorded_with"] = np.array(
            f"tensorflow {tf.__version__}, tf-keras {tf_keras.__version__}"
        )
        np.savez_compressed(OUT / f"{name}.npz", **arrays)
        print(f"{name}: {arrays['result_names'].tolist()} {arrays['results'].tolist()}")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
