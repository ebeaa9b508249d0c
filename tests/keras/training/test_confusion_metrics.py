"""AUC, the confusion counts, precision/recall, top-k accuracies and cosine similarity,
checked against tf-keras 2.21 (``tests/data/keras2/metrics_reference.json``, recorded by
``scripts/record_metrics_reference.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace.keras import backend, layers, metrics, models
from buildtrace.tf.tensors import Tensor

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "data" / "keras2" / "metrics_reference.json").read_text()
)


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['class_name']}-{case['config']}"


@pytest.mark.parametrize("case", REFERENCE["metrics"], ids=_case_id)
def test_metric_matches_tf_keras(case: dict[str, Any]) -> None:
    metric = getattr(metrics, case["class_name"])(**case["config"])
    for (y, p, w), expected in zip(case["batches"], case["results"]):
        weights = None if w is None else np.asarray(w, np.float32)
        metric.update_state(np.asarray(y, np.float32), np.asarray(p, np.float32), weights)
        result = metric.result()
        assert isinstance(result, Tensor) and result.dtype.name == "float32"
        np.testing.assert_allclose(result.numpy(), expected, atol=1e-6)


def test_default_names_are_unique_as_keras_layer_names() -> None:
    backend.clear_session()
    names = [metrics.AUC().name, metrics.AUC().name, metrics.Precision().name]
    assert names == ["auc", "auc_1", "precision"]
    # An explicit name is kept as is.
    assert metrics.AUC(name="auc").name == "auc"


def test_reset_state_and_config_round_trip() -> None:
    metric = metrics.AUC(num_thresholds=7, curve="PR")
    metric.update_state([0, 1, 1], [0.2, 0.7, 0.4])
    metric.reset_state()
    assert float(metric.result()) == 0.0
    again = metrics.AUC.from_config(metric.get_config())
    assert (again.num_thresholds, again.curve) == (7, "PR")
    with pytest.raises(ValueError, match="Invalid AUC curve value"):
        metrics.AUC(curve="XY")


@pytest.mark.parametrize("name", sorted(REFERENCE["compile_names"]))
def test_compile_accepts_the_names_keras_accepts(name: str) -> None:
    backend.clear_session()
    model = models.Sequential([layers.Dense(3, activation="softmax", input_shape=(2,))])
    sparse = "sparse" in name
    loss = "sparse_categorical_crossentropy" if sparse else "categorical_crossentropy"
    model.compile("sgd", loss, metrics=[name])
    labels = np.array([0, 1, 2, 0])
    y = labels.astype("float32") if sparse else np.eye(3, dtype="float32")[labels]
    logs = model.train_on_batch(np.ones((4, 2), "float32"), y, return_dict=True)
    assert list(logs) == REFERENCE["compile_names"][name]
    assert all(isinstance(v, float) for v in logs.values())  # logs hold Python floats


def test_metric_call_returns_a_tensor_tied_to_its_metric() -> None:
    metric = metrics.Mean(name="m")
    value = metric([1.0, 3.0])
    assert float(value) == 2.0 and value._metric_obj is metric
    assert value.numpy().dtype == np.float32
