"""``Normalization`` against tf-keras 2.21 (``tests/data/preprocessing/normalization.npz``,
recorded by ``scripts/record_preprocessing_references.py``) and its Keras behaviour."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras import layers
from buildtrace.tf.data import Dataset
from buildtrace.trace import Event

REF = np.load(Path(__file__).parents[2] / "data" / "preprocessing" / "normalization.npz")

#: case -> (axis, batch_size, adapted from a dataset batched so); as in the script.
ADAPT_CASES: dict[str, tuple[Any, Any, bool]] = {
    "last_axis_default_batch": (-1, None, False),
    "last_axis_batch_8": (-1, 8, False),
    "last_axis_batch_1": (-1, 1, False),
    "axis_none": (None, 16, False),
    "axis_none_1d": (None, None, False),
    "axes_1_2": ((1, 2), 6, False),
    "dataset_batch_7": (-1, 7, True),
    "dataset_batch_32": (-1, 32, True),
}


@pytest.mark.parametrize("case", sorted(ADAPT_CASES))
def test_adapt_matches_keras_batch_by_batch(case: str) -> None:
    axis, batch_size, as_dataset = ADAPT_CASES[case]
    x = REF[f"adapt_{case}_x"]
    layer = layers.Normalization(axis=axis)
    if as_dataset:
        layer.adapt(Dataset.from_tensor_slices(x).batch(batch_size))
    else:
        layer.adapt(x, batch_size=batch_size)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), REF[f"adapt_{case}_mean"], rtol=1e-5)
    np.testing.assert_allclose(
        layer.adapt_variance.numpy(), REF[f"adapt_{case}_variance"], rtol=1e-5
    )
    assert int(layer.count.numpy()) == int(REF[f"adapt_{case}_count"])
    np.testing.assert_allclose(
        np.asarray(layer(x)), REF[f"adapt_{case}_output"], rtol=1e-5, atol=1e-5
    )
    assert layer.is_adapted


def test_given_mean_and_variance_and_a_zero_variance_floored_at_epsilon() -> None:
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.0])
    np.testing.assert_allclose(np.asarray(layer(REF["given_x"])), REF["given_output"], rtol=1e-6)
    assert layer.weights == []  # constants, not weights
    with pytest.raises(ValueError, match="initialized with static `mean` and `variance`"):
        layer.adapt(REF["given_x"])


def test_invert_turns_normalised_values_back() -> None:
    layer = layers.Normalization(invert=True)
    layer.adapt(REF["invert_adapt_x"])
    np.testing.assert_allclose(np.asarray(layer(REF["given_x"])), REF["invert_output"], rtol=1e-5)


def test_build_makes_keras_weights_and_a_not_adapted_layer_is_the_identity() -> None:
    layer = layers.Normalization(axis=(1, 2))
    layer.build((None, 2, 3, 4))
    assert [(w.name.split("/")[-1], w.shape.as_list(), w.dtype) for w in layer.weights] == [
        ("mean:0", [2, 3], "float32"),
        ("variance:0", [2, 3], "float32"),
        ("count:0", [], "int64"),
    ]
    assert layer.trainable_weights == [] and not layer.is_adapted
    x = np.arange(24, dtype="float32").reshape(1, 2, 3, 4)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)  # as Keras: mean 0, variance 1


def test_adapting_again_starts_afresh_and_reset_state_unadapts() -> None:
    layer = layers.Normalization(axis=None)
    layer.adapt([0.0, 2.0])
    layer.adapt([-1.0, 1.0])
    assert float(layer.adapt_mean.numpy()) == 0.0 and int(layer.count.numpy()) == 2
    layer.reset_state()
    assert not layer.is_adapted and int(layer.count.numpy()) == 0


def test_errors_quote_what_was_received() -> None:
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match=r"Found ndim: `2`, axis: \(2,\)"):
        layers.Normalization(axis=2).build((None, 3))
    with pytest.raises(ValueError, match="must have known shape"):
        layers.Normalization(axis=1).build((None, None))


def test_config_round_trip() -> None:
    layer = layers.Normalization(axis=None, mean=3.0, variance=2.0, invert=True)
    config = layer.get_config()
    assert (config["axis"], config["mean"], config["variance"], config["invert"]) == (
        (),
        3.0,
        2.0,
        True,
    )
    again = layers.Normalization.from_config(config)
    assert again.get_config() == config


def test_three_training_steps_match_keras() -> None:
    x, y = REF["train_x"], REF["train_y"]
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(x)
    model = keras.Sequential([normalizer, layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mean_squared_error")
    model.build((None, 3))
    count = len(model.get_weights())
    init = [REF[f"train_init_{i}"] for i in range(count)]
    np.testing.assert_allclose(init[0], normalizer.adapt_mean.numpy(), rtol=1e-5)
    model.set_weights(init)
    losses = [float(model.train_on_batch(x, y)) for _ in range(3)]
    np.testing.assert_allclose(losses, REF["train_losses"], rtol=1e-5)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, REF[f"train_final_{i}"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_saved_and_loaded_model_normalises_the_same(tmp_path: Path, suffix: str) -> None:
    x = REF["adapt_last_axis_batch_8_x"]
    normalizer = layers.Normalization()
    normalizer.adapt(x)
    model = keras.Sequential([keras.Input((5,)), normalizer, layers.Dense(2)])
    path = tmp_path / f"model{suffix}"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6)
    assert int(loaded.layers[0].count.numpy()) == 70


def test_adapt_is_traced_building_on_its_first_batch(events: list[Event]) -> None:
    layers.Normalization().adapt(REF["adapt_last_axis_batch_8_x"], batch_size=32)
    calls = [e["name"].rsplit(".", 2)[-2:] for e in events if e["kind"] == "call"]
    names = [".".join(c) for c in calls]
    adapt = names.index("PreprocessingLayer.adapt")
    build = names.index("Normalization.build")
    assert adapt < build < names.index("Normalization.update_state")
    assert names.count("Normalization.update_state") == 3  # 70 rows in batches of 32
    weights = [e["weight"] for e in events if e["kind"] == "add_weight"]
    assert weights == ["mean", "variance", "count"]
    flags = [(e["attr"], e["value"]) for e in events if e["kind"] == "set"]
    # Layer.__init__, then Layer.build inside Normalization.build, then _adapt_maybe_build.
    assert flags == [("built", False), ("built", True), ("built", True)]


def test_single_feature_model_takes_a_one_dimensional_batch() -> None:
    horsepower = REF["adapt_axis_none_1d_x"]
    normalizer = layers.Normalization(input_shape=[1], axis=None)
    normalizer.adapt(horsepower)
    model = keras.Sequential([normalizer, layers.Dense(1)])
    assert model.output_shape == (None, 1)
    assert model.predict(horsepower, verbose=0).shape == (40, 1)


def test_set_weights_refreshes_the_statistics_call_uses() -> None:
    adapted = layers.Normalization()
    adapted.adapt(REF["adapt_last_axis_batch_8_x"])
    fresh = layers.Normalization()
    model = keras.Sequential([keras.Input((5,)), fresh])
    model.set_weights(adapted.get_weights())  # as Keras: finalize_state after set_weights
    x = REF["adapt_last_axis_batch_8_x"]
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(adapted(x)), rtol=1e-6)
