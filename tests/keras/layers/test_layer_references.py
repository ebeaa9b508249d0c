"""Three ``train_on_batch`` steps of each new trainable layer match tf-keras 2.21.

The references (inputs, Keras's initial weights, the three losses and the weights after
them, ``SGD(learning_rate=0.1)``) were recorded from tf-keras 2.21 by
``scripts/record_layer_references.py`` into ``tests/data/layers/``. Here the same model
is built with buildtrace, given Keras's initial weights, and trained the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from layer_reference_cases import CASES

from buildtrace import keras
from buildtrace.keras import backend

DATA = Path(__file__).resolve().parents[2] / "data" / "layers"
TOLERANCE = 1e-5


def _train(name: str) -> tuple[list[float], list[np.ndarray], np.lib.npyio.NpzFile]:
    backend.clear_session()
    ref = np.load(DATA / f"{name}.npz")
    model, loss = CASES[name]()
    initial = [ref[f"init_{i}"] for i in range(len(model.weights))]
    assert f"init_{len(model.weights)}" not in ref.files, "Keras's model has more weights"
    model.set_weights(initial)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)
    xs = [ref[k] for k in sorted(f for f in ref.files if f.startswith("x"))]
    x = xs if len(xs) > 1 else xs[0]
    losses = [float(np.asarray(model.train_on_batch(x, ref["y"])).ravel()[0]) for _ in range(3)]
    return losses, model.get_weights(), ref


@pytest.mark.parametrize("name", sorted(CASES))
def test_three_sgd_steps_match_tf_keras(name: str) -> None:
    losses, weights, ref = _train(name)
    np.testing.assert_allclose(losses, ref["loss"], rtol=TOLERANCE, atol=TOLERANCE)
    for i, w in enumerate(weights):
        np.testing.assert_allclose(
            w,
            ref[f"final_{i}"],
            rtol=TOLERANCE,
            atol=TOLERANCE,
            err_msg=str(ref["weight_names"][i]),
        )


@pytest.mark.parametrize("name", sorted(CASES))
def test_weight_names_and_order_match_tf_keras(name: str) -> None:
    backend.clear_session()
    ref = np.load(DATA / f"{name}.npz")
    model, _ = CASES[name]()
    assert [w.name for w in model.weights] == list(ref["weight_names"])
