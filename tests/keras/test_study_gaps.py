"""Keras 2 habits of public tutorials that buildtrace once refused.

``activation=tf.nn.relu``, ``ModelCheckpoint(save_freq=<batches>)`` and its deprecated
``period``, and ``model.save("folder")`` (Keras 2's SavedModel), which buildtrace writes as
a stand-in folder that ``load_model`` reads back.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from buildtrace import keras, tf
from buildtrace.keras.saving import saving_api
from buildtrace.tf.unsupported import NotSupportedByBuildtrace


def _model(hidden: object = "relu", out: object = "softmax") -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.layers.Dense(8, activation=hidden, input_shape=(4,)),
            keras.layers.Dense(3, activation=out),
        ]
    )
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    return model


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((40, 4), "float32"), rng.integers(0, 3, 40)


def test_tf_ops_as_activations_train_as_keras_activations() -> None:
    x, y = _data()
    by_name, by_op = _model(), _model(tf.nn.relu, tf.nn.softmax)
    by_op.set_weights(by_name.get_weights())
    losses = [
        m.fit(x, y, epochs=2, verbose=0, shuffle=False).history["loss"] for m in (by_name, by_op)
    ]
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)
    assert by_op.layers[0].get_config()["activation"] == "relu"  # saved by name, as Keras does
    assert keras.activations.get(tf.sigmoid) is keras.activations.sigmoid


def test_save_freq_saves_every_n_batches_with_the_batch_in_the_name(tmp_path: Path) -> None:
    x, y = _data()  # 40 samples, batches of 8: 5 batches an epoch
    callback = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "cp-{epoch:02d}-{batch:02d}.weights.h5"), save_weights_only=True, save_freq=4
    )
    _model().fit(x, y, batch_size=8, epochs=2, callbacks=[callback], verbose=0)
    # Batches seen: 4 (epoch 1, batch 4), then 8 (epoch 2, batch 3).
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cp-01-04.weights.h5",
        "cp-02-03.weights.h5",
    ]


def test_period_saves_every_n_epochs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    x, y = _data()
    callback = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "cp-{epoch:04d}.ckpt"), save_weights_only=True, period=2
    )
    assert "`period` argument is deprecated" in caplog.text
    _model().fit(x, y, epochs=5, callbacks=[callback], verbose=0)
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "cp-0004.ckpt")
    assert sorted(p.name for p in tmp_path.glob("*.index")) == [
        "cp-0002.ckpt.index",
        "cp-0004.ckpt.index",
    ]


def test_saved_model_folder_stand_in_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_notices: None
) -> None:
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=1, verbose=0)
    folder = tmp_path / "saved_model" / "my_model"
    model.save(str(folder))
    assert "not a SavedModel" in capsys.readouterr().err
    assert sorted(os.listdir(folder)) == sorted(
        ["assets", saving_api.STANDIN_FILE, "saved_model.pb", "variables"]
    )
    again = keras.models.load_model(str(folder))
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    assert again.optimizer is not None  # compiled, as a SavedModel reloads


def test_a_real_saved_model_and_an_unknown_format_are_refused(tmp_path: Path) -> None:
    (tmp_path / "from_tensorflow").mkdir()
    (tmp_path / "from_tensorflow" / "saved_model.pb").write_bytes(b"")
    with pytest.raises(NotSupportedByBuildtrace, match="SavedModel directory"):
        keras.models.load_model(str(tmp_path / "from_tensorflow"))
    with pytest.raises(ValueError, match=r"Unknown `save_format` argument\. Expected one of"):
        _model().save(str(tmp_path / "m"), save_format="onnx")


@pytest.mark.parametrize("name", ["m.keras", "m.h5", "folder"])
def test_a_loss_object_reloads_with_its_config(name: str, tmp_path: Path) -> None:
    """``SparseCategoricalCrossentropy(from_logits=True)`` comes back with ``from_logits``."""
    x, y = _data()
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,))])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile("adam", loss=loss, metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    model.save(str(tmp_path / name))
    again = keras.models.load_model(str(tmp_path / name))
    assert again.loss.get_config()["from_logits"] is True
    np.testing.assert_allclose(again.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0))


def test_a_subclassed_model_fits_on_a_dict_of_inputs() -> None:
    """Keras hands a subclassed model's ``call`` the dict as is (it has no named inputs)."""

    class TwoInputs(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, inputs: dict[str, object]) -> object:
            return self.dense(tf.concat([inputs["a"], inputs["b"]], axis=-1))

    rng = np.random.default_rng(0)
    data = {"a": rng.random((16, 2), "float32"), "b": rng.random((16, 3), "float32")}
    model = TwoInputs()
    model.compile("sgd", "mse")
    history = model.fit(data, rng.random((16, 1), "float32"), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(data, verbose=0).shape == (16, 1)


def test_a_layer_called_with_its_inputs_by_keyword() -> None:
    """``layer(logits=x, targets=t)``: Keras takes the inputs by ``call``'s first name."""

    class Scaled(keras.layers.Layer):
        def call(self, logits: object, factor: float = 1.0) -> object:
            return logits * factor

    out = Scaled()(logits=tf.ones((2, 3)), factor=2.0)
    np.testing.assert_array_equal(np.asarray(out), np.full((2, 3), 2.0, "float32"))
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        Scaled()(factor=2.0)
