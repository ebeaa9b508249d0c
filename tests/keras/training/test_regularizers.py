"""Weight regularizers, ``add_loss`` and ``add_metric``, with Keras's numbers.

``tests/data/keras2/regularizers_reference.npz`` was recorded from tf-keras 2.21 by
``scripts/record_regularizer_reference.py``: a Dense layer with an L2 kernel penalty and
an L1L2 bias penalty, trained three steps with SGD.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras.unsupported import NotSupportedByBuildtrace

REFERENCE = np.load(Path(__file__).parents[2] / "data" / "keras2" / "regularizers_reference.npz")


def _model() -> Any:
    layer = keras.layers.Dense(
        3,
        input_shape=(5,),
        kernel_regularizer=keras.regularizers.l2(0.01),
        bias_regularizer=keras.regularizers.L1L2(l1=0.02, l2=0.03),
    )
    model = keras.Sequential([layer])
    model.set_weights([REFERENCE["kernel"], REFERENCE["bias"]])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def test_penalties_are_in_losses_evaluate_and_training_as_keras() -> None:
    model = _model()
    np.testing.assert_allclose(model.losses, REFERENCE["losses_before"], rtol=1e-6)
    loss = model.evaluate(REFERENCE["x"], REFERENCE["y"], verbose=0)
    np.testing.assert_allclose(loss, REFERENCE["evaluate_before"], rtol=1e-6)
    for step in range(3):
        loss = model.train_on_batch(REFERENCE["x"], REFERENCE["y"])
        np.testing.assert_allclose(loss, REFERENCE["step_losses"][step], rtol=1e-6)
        kernel, bias = model.get_weights()
        np.testing.assert_allclose(kernel, REFERENCE[f"kernel/{step}"], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(bias, REFERENCE[f"bias/{step}"], rtol=1e-5, atol=1e-7)


def test_regularizer_configs_round_trip_through_a_model_config() -> None:
    model = _model()
    config = model.get_config()["layers"][1]["config"]
    assert config["kernel_regularizer"] == {
        "class_name": "L2",
        "config": {"l2": 0.009999999776482582},
    }
    clone = keras.models.clone_model(model)
    assert clone.get_config() == model.get_config()
    assert len(clone.losses) == 2


def test_names_and_errors() -> None:
    assert keras.regularizers.get("l2").get_config() == {"l2": 0.009999999776482582}
    assert keras.regularizers.l1_l2().get_config() == {"l1": 0.009999999776482582,
                                                       "l2": 0.009999999776482582}  # fmt: skip
    with pytest.raises(ValueError, match="not a valid regularization penalty number"):
        keras.regularizers.L2(None)  # type: ignore[arg-type]
    with pytest.raises(NotSupportedByBuildtrace, match="OrthogonalRegularizer"):
        keras.regularizers.get("OrthogonalRegularizer")
    # An activity regularizer is kept, and serialized as Keras does.
    config = keras.layers.Dense(2, activity_regularizer="l2").get_config()
    assert config["activity_regularizer"]["class_name"] == "L2"


class Scaled(keras.layers.Layer):
    """A weightless layer that reports a metric and a loss while it runs."""

    def call(self, inputs: Any) -> Any:
        self.add_metric(np.mean(np.abs(inputs)), name="mean_abs")
        self.add_loss(0.5)
        return inputs * 2.0

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


def test_add_loss_counts_in_the_loss_once_per_step_and_add_metric_reports() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1)(Scaled()(inputs))
    model = keras.Model(inputs, outputs)
    model.compile("sgd", "mse")
    plain = keras.Model(inputs, outputs)
    plain.compile("sgd", "mse")
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    assert result["mean_abs"] == pytest.approx(float(np.mean(np.abs(x))), rel=1e-5)
    mse = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    assert result["loss"] == pytest.approx(mse + 0.5, rel=1e-5)  # not 0.5 per batch seen
    # A loss function kept by a model-level add_loss counts once per step in training too.
    dense = keras.Sequential([keras.layers.Dense(1, input_shape=(4,))])
    dense.add_loss(lambda: 0.25)
    dense.compile("sgd", "mse")
    history = dense.fit(x, y, epochs=1, batch_size=8, verbose=0)
    mse = float(np.mean((dense.predict(x, verbose=0) - y) ** 2))
    assert history.history["loss"][0] > 0.25
    assert dense.evaluate(x, y, verbose=0) == pytest.approx(mse + 0.25, rel=1e-5)
