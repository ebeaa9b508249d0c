"""Masked models train as tf-keras 2.21 trains them.

The references were recorded from tf-keras 2.21 by ``scripts/record_masking_references.py``
into ``tests/data/masking/``: the models of ``masking_cases.py`` (Embedding with
``mask_zero``, ``Masking``, SimpleRNN/LSTM/GRU, ``Bidirectional``, ``TimeDistributed`` on a
masked sequence), Keras's initial weights, the output (and its mask) before training,
and the loss and metrics of three ``train_on_batch`` steps with ``SGD(0.1)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from masking_cases import CASES

from buildtrace import keras
from buildtrace.keras import backend

DATA = Path(__file__).resolve().parents[2] / "data" / "masking"
TOLERANCE = 1e-5


def _model(name: str) -> tuple[keras.Model, np.lib.npyio.NpzFile]:
    backend.clear_session()
    ref = np.load(DATA / f"{name}.npz")
    model, _, _, loss, metrics = CASES[name](keras)
    model.set_weights([ref[f"init_{i}"] for i in range(len(model.weights))])
    assert f"init_{len(model.weights)}" not in ref.files, "Keras's model has more weights"
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss, metrics=metrics)
    return model, ref


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_and_its_mask_match_tf_keras(name: str) -> None:
    model, ref = _model(name)
    output = model(ref["x"], training=False)
    np.testing.assert_allclose(np.asarray(output), ref["output"], rtol=TOLERANCE, atol=TOLERANCE)
    mask = getattr(output, "_keras_mask", None)
    if "output_mask" in ref.files:
        assert mask is not None
        np.testing.assert_array_equal(np.asarray(mask), ref["output_mask"])
    else:
        assert mask is None


@pytest.mark.parametrize("name", sorted(CASES))
def test_three_masked_sgd_steps_match_tf_keras(name: str) -> None:
    model, ref = _model(name)
    results = [np.atleast_1d(model.train_on_batch(ref["x"], ref["y"])) for _ in range(3)]
    assert model.metrics_names == list(ref["result_names"])
    np.testing.assert_allclose(results, ref["results"], rtol=TOLERANCE, atol=TOLERANCE)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(
            w,
            ref[f"final_{i}"],
            rtol=TOLERANCE,
            atol=TOLERANCE,
            err_msg=str(ref["weight_names"][i]),
        )


def test_padding_changes_nothing_a_masked_model_computes() -> None:
    """What masking promises: more padding at the end of a row leaves its result alone."""
    model, ref = _model("embedding_lstm")
    ids = ref["x"][:1]  # one real step, then padding
    longer = np.concatenate([ids, np.zeros((1, 5), ids.dtype)], axis=1)
    short = np.asarray(model(ids))
    backend.clear_session()
    layers = keras.layers
    wide = keras.Sequential(
        [layers.Embedding(20, 4, mask_zero=True), layers.LSTM(5), layers.Dense(1, "sigmoid")]
    )
    wide(longer)
    wide.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(wide(longer)), short, rtol=1e-6)


@pytest.mark.parametrize("name", ["bidirectional", "masking_lstm", "embedding_average"])
def test_a_traced_first_step_gives_the_same_numbers(name: str) -> None:
    """With a trace recording, the first step's forward pass is told layer by layer (its
    masks through ``_set_mask_metadata``, as Keras's call): the numbers stay Keras's."""
    from buildtrace.trace import BUS

    model, ref = _model(name)
    events: list[dict[str, object]] = []
    stop = BUS.subscribe(events.append)
    try:
        first = np.atleast_1d(model.train_on_batch(ref["x"], ref["y"]))
    finally:
        stop()
    np.testing.assert_allclose(first, ref["results"][0], rtol=TOLERANCE, atol=TOLERANCE)
    assert any(str(e.get("name", "")).endswith("compute_mask") for e in events)
