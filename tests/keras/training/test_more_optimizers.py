"""Adadelta, Adagrad, Adamax, Nadam and Ftrl take tf-keras 2.21's steps, to float32 precision.

The reference (``tests/data/keras2/optimizers_reference.npz``) was recorded by
``scripts/record_optimizer_reference.py``: three ``train_on_batch`` steps of a Dense
layer with fixed weights and data, MSE loss, for each optimizer with its defaults and
with other arguments, and each optimizer's ``get_config()``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from buildtrace import keras

REFERENCE = np.load(Path(__file__).parents[2] / "data" / "keras2" / "optimizers_reference.npz")
CASES = json.loads(str(REFERENCE["configs"]))


@pytest.mark.parametrize("case", sorted(CASES))
def test_three_steps_match_tf_keras(case: str) -> None:
    cls = getattr(keras.optimizers, case.split("_")[0])
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(5,))])
    model.set_weights([REFERENCE["kernel"], REFERENCE["bias"]])
    optimizer = cls(**CASES[case]["kwargs"])
    model.compile(optimizer, "mse")
    for step in range(3):
        model.train_on_batch(REFERENCE["x"], REFERENCE["y"])
        kernel, bias = model.get_weights()
        np.testing.assert_allclose(kernel, REFERENCE[f"{case}/kernel/{step}"], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(bias, REFERENCE[f"{case}/bias/{step}"], rtol=1e-5, atol=1e-6)
    assert optimizer.get_config() == CASES[case]["config"]


@pytest.mark.parametrize("name", ["adadelta", "adagrad", "adamax", "nadam", "ftrl"])
def test_by_name_and_config_round_trip(name: str) -> None:
    optimizer = keras.optimizers.get(name)
    again = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(again) is type(optimizer)
    assert again.get_config() == optimizer.get_config()


def test_ftrl_refuses_a_positive_power() -> None:
    with pytest.raises(ValueError, match="`learning_rate_power` needs to be negative or zero"):
        keras.optimizers.Ftrl(learning_rate_power=0.5)


def test_keras1_lower_case_optimizer_names_say_the_keras2_class() -> None:
    """``keras.optimizers.rmsprop(lr=...)`` (Keras 1, in old examples): tf-keras 2.21 has no
    such name either; the error names the class to use instead of "module not callable"."""
    with pytest.raises(AttributeError, match=r"keras\.optimizers\.RMSprop\(learning_rate"):
        keras.optimizers.rmsprop(lr=0.0001, decay=1e-6)
    with pytest.raises(AttributeError, match="not supported by buildtrace"):
        keras.optimizers.AdamW  # noqa: B018
    assert keras.optimizers.RMSprop is keras.optimizers.get("rmsprop").__class__
