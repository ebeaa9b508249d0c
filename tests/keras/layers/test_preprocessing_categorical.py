"""``Discretization`` and ``CategoryEncoding`` against tf-keras 2.21
(``tests/data/preprocessing/categorical.npz``, recorded by
``scripts/record_preprocessing_references.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras import layers

REF = np.load(Path(__file__).parents[2] / "data" / "preprocessing" / "categorical.npz")

#: case -> (num_bins, epsilon, batch_size), as in the script.
DISCRETIZATION_CASES: dict[str, tuple[int, float, Any]] = {
    "four_bins": (4, 0.01, None),
    "five_bins_batch_16": (5, 0.01, 16),
    "ten_bins_coarse": (10, 0.05, 64),
    "three_bins_small": (3, 0.01, 2),
}
CATEGORY_CASES: dict[str, tuple[int, str, Any]] = {
    "one_hot_vector": (4, "one_hot", None),
    "one_hot_column": (5, "one_hot", None),
    "multi_hot": (4, "multi_hot", None),
    "count": (3, "count", None),
    "count_weighted": (3, "count", [[0.5, 0.25], [1.0, 2.0]]),
}


@pytest.mark.parametrize("case", sorted(DISCRETIZATION_CASES))
def test_discretization_adapts_keras_boundaries_and_bins_as_keras(case: str) -> None:
    num_bins, epsilon, batch_size = DISCRETIZATION_CASES[case]
    x = REF[f"disc_{case}_x"]
    for mode in ("int", "one_hot", "multi_hot", "count"):
        key = f"disc_{case}_{mode}"
        if key not in REF:
            continue
        layer = layers.Discretization(num_bins=num_bins, epsilon=epsilon, output_mode=mode)
        layer.adapt(x, batch_size=batch_size)
        np.testing.assert_allclose(layer.bin_boundaries, REF[f"disc_{case}_boundaries"], rtol=1e-6)
        out = np.asarray(layer(x))
        assert out.dtype == REF[key].dtype and out.shape == REF[key].shape
        np.testing.assert_array_equal(out, REF[key])


@pytest.mark.parametrize("case", sorted(CATEGORY_CASES))
def test_category_encoding_matches_keras(case: str) -> None:
    num_tokens, mode, weights = CATEGORY_CASES[case]
    layer = layers.CategoryEncoding(num_tokens=num_tokens, output_mode=mode)
    count_weights = None if weights is None else np.array(weights, "float32")
    out = np.asarray(layer(REF[f"cat_{case}_x"], count_weights=count_weights))
    np.testing.assert_allclose(out, REF[f"cat_{case}_output"])
    assert layer.compute_output_shape(REF[f"cat_{case}_x"].shape) == out.shape


def test_given_boundaries_cannot_be_adapted_and_errors_say_what_was_received() -> None:
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0])
    with pytest.raises(ValueError, match=r"You passed `bin_boundaries=\[0.0, 1.0\]`"):
        layer.adapt(np.array([[0.5]]))
    with pytest.raises(ValueError, match="Both `num_bins` and `bin_boundaries`"):
        layers.Discretization(bin_boundaries=[0.0], num_bins=2)
    with pytest.raises(ValueError, match="num_tokens=3"):
        layers.CategoryEncoding(num_tokens=3)(np.array([[3]]))
    with pytest.raises(ValueError, match="invalid value bad"):
        layers.CategoryEncoding(num_tokens=3, output_mode="bad")


def test_bucketized_feature_feeds_a_trainable_model() -> None:
    x = REF["disc_four_bins_x"]
    y = (x > np.median(x)).astype("float32")
    bins = layers.Discretization(num_bins=4, output_mode="one_hot")
    bins.adapt(x)
    model = keras.Sequential([keras.Input((1,)), bins, layers.Dense(1, activation="sigmoid")])
    assert model.output_shape == (None, 1)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    losses = [float(model.train_on_batch(x, y)) for _ in range(5)]
    assert losses[-1] < losses[0]
