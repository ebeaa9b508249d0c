"""Regenerate ``rmsprop_3steps_reference.npz`` / ``.json`` from the buildtrace reference set.

Run once, by hand, with the path of the reference set's ``numeric/`` folder::

    .venv/bin/python tests/data/make_training_reference.py PATH/TO/reference/numeric

The test suite reads only the files written here, never the reference set itself. To keep the
files small, after each step we keep a fixed random sample of 2000 entries of the 784x512
kernel (plus a few statistics of the whole kernel) and every other weight in full.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/reference/numeric")
HERE = Path(__file__).resolve().parent
SAMPLE_SIZE = 2000
STEPS = ("step1", "step2", "final")  # the reference's names for the weights after steps 1..3


def main() -> None:
    init = np.load(SOURCE / "seed_init.npz")
    steps = np.load(SOURCE / "rmsprop_3steps.npz")
    meta = json.loads((SOURCE / "rmsprop_3steps.json").read_text())
    kernel0 = init["dense_kernel"]
    # A fixed sample of kernel entries: the same flat indices after every step.
    index = np.sort(np.random.default_rng(0).choice(kernel0.size, SAMPLE_SIZE, replace=False))
    out: dict[str, Any] = {
        "x": init["x"].astype(np.float32),
        "y": init["y"].astype(np.int64),
        "init_dense_kernel": kernel0,
        "init_dense_bias": init["dense_bias"],
        "init_dense_1_kernel": init["dense_1_kernel"],
        "init_dense_1_bias": init["dense_1_bias"],
        "loss": steps["loss"],
        "accuracy": steps["accuracy"],
        "predict_init_x8": steps["predict_init_x8"],
        "kernel_sample_index": index.astype(np.int64),
        "test_loss_after_3": np.float64(meta["test_on_batch_after_3_steps"]["loss"]),
        "test_accuracy_after_3": np.float64(meta["test_on_batch_after_3_steps"]["accuracy"]),
    }
    for number, name in enumerate(STEPS, start=1):
        kernel = steps[f"{name}_dense_kernel"]
        out[f"step{number}_dense_kernel_sample"] = kernel.reshape(-1)[index]
        out[f"step{number}_dense_kernel_max_abs"] = np.float64(np.abs(kernel).max())
        out[f"step{number}_dense_kernel_max_abs_change"] = np.float64(
            np.abs(kernel - kernel0).max()
        )
        out[f"step{number}_dense_kernel_sum_abs_change"] = np.float64(
            np.abs(kernel.astype(np.float64) - kernel0).sum()
        )
        for weight in ("dense_bias", "dense_1_kernel", "dense_1_bias"):
            out[f"step{number}_{weight}"] = steps[f"{name}_{weight}"]
    np.savez_compressed(HERE / "rmsprop_3steps_reference.npz", allow_pickle=False, **out)
    note = {
        "origin": "recorded from tf-keras 2.21 (buildtrace reference set)",
        "source_files": [
            "numeric/seed_init.npz",
            "numeric/rmsprop_3steps.npz",
            "numeric/rmsprop_3steps.json",
        ],
        "what": (
            "Sequential([Dense(512, relu), Dense(10, softmax)]) built on (None, 784) after "
            "keras.utils.set_random_seed(0); compile(optimizer='rmsprop', "
            "loss='sparse_categorical_crossentropy', metrics=['accuracy']); three "
            "train_on_batch(x, y) on one fixed batch of 128."
        ),
        "contents": (
            "x, y, init_* weights; per-step loss/accuracy (computed before each step's "
            "update); after step k: step{k}_dense_kernel_sample (the 784x512 kernel's entries "
            "at the flat indices kernel_sample_index), max |w|, max |w - w0| and "
            "sum |w - w0| of the whole kernel, and the other weights in full; "
            "predict_init_x8 = predict(x[:8]) before training; test_on_batch after 3 steps."
        ),
        "optimizer_config": meta["optimizer_config"],
        "per_step_loss": meta["per_step_loss"],
        "per_step_accuracy": meta["per_step_accuracy"],
        "test_on_batch_after_3_steps": meta["test_on_batch_after_3_steps"],
        "generated_by": "tests/data/make_training_reference.py",
    }
    (HERE / "rmsprop_3steps_reference.json").write_text(json.dumps(note, indent=1) + "\n")
    size = (HERE / "rmsprop_3steps_reference.npz").stat().st_size
    print(f"wrote rmsprop_3steps_reference.npz ({size / 1e6:.2f} MB) and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
