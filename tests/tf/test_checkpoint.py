"""``tf.train.Checkpoint`` and ``CheckpointManager``, as the "Training checkpoints" guide uses them.

A checkpoint saves a model and its optimizer and a later program picks up training
exactly where it stopped; a manager numbers the checkpoints and keeps the newest; values
are found again by their paths, also for objects that only stand for part of the saved
graph, and for variables that appear after ``restore``. The files are HDF5, and say so.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np
import pytest

from buildtrace import keras, tf


class _Net(keras.Model):
    def __init__(self) -> None:
        super().__init__()
        self.l1 = keras.layers.Dense(5)

    def call(self, x: object) -> object:
        return self.l1(x)


def _step(net: _Net, opt: object, x: object, y: object) -> None:
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(net(x) - y))
    grads = tape.gradient(loss, net.trainable_variables)
    opt.apply_gradients(zip(grads, net.trainable_variables))  # type: ignore[attr-defined]


def _data() -> tuple[object, object]:
    x = tf.range(10.0)[:, None]
    return x, x * 5.0 + tf.range(5.0)[None, :]


def test_restored_model_and_optimizer_continue_training_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    x, y = _data()
    net, opt = _Net(), keras.optimizers.Adam(0.1)
    ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net)
    for _ in range(3):
        _step(net, opt, x, y)
    path = ckpt.save("ckpts/ckpt")
    assert path == os.path.join("ckpts", "ckpt-1")
    for _ in range(2):
        _step(net, opt, x, y)
    uninterrupted = [w.copy() for w in net.get_weights()]

    fresh, fresh_opt = _Net(), keras.optimizers.Adam(0.1)
    fresh(x)  # build the layer (the optimizer's slots come on its first step)
    status = tf.train.Checkpoint(step=tf.Variable(1), optimizer=fresh_opt, net=fresh).restore(
        tf.train.latest_checkpoint("ckpts")
    )
    status.assert_existing_objects_matched()
    for _ in range(2):
        _step(fresh, fresh_opt, x, y)
    for a, b in zip(fresh.get_weights(), uninterrupted, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert int(fresh_opt.iterations) == 5


def test_manager_numbers_and_keeps_the_newest(tmp_path: Path) -> None:
    step = tf.Variable(1)
    ckpt = tf.train.Checkpoint(step=step)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path / "tf_ckpts"), max_to_keep=2)
    assert manager.latest_checkpoint is None
    assert ckpt.restore(manager.latest_checkpoint).expect_partial() is not None  # a no-op
    saved = []
    for _ in range(3):
        step.assign_add(1)
        saved.append(manager.save())
    assert [os.path.basename(p) for p in saved] == ["ckpt-1", "ckpt-2", "ckpt-3"]
    assert manager.checkpoints == saved[1:]
    assert sorted(os.listdir(tmp_path / "tf_ckpts")) == [
        "checkpoint",
        "ckpt-2.index",
        "ckpt-3.index",
    ]
    again = tf.train.CheckpointManager(
        tf.train.Checkpoint(step=tf.Variable(0)), str(tmp_path / "tf_ckpts"), max_to_keep=2
    )
    assert again.latest_checkpoint == saved[-1]
    assert again.checkpoints == saved[1:]


def test_values_are_found_by_path_and_deferred(tmp_path: Path) -> None:
    x, _ = _data()
    net = _Net()
    net(x)
    prefix = tf.train.Checkpoint(net=net).save(str(tmp_path / "ckpt"))
    names = [name for name, _ in tf.train.list_variables(prefix)]
    assert "net/l1/kernel/.ATTRIBUTES/VARIABLE_VALUE" in names
    assert "save_counter/.ATTRIBUTES/VARIABLE_VALUE" in names

    bias = tf.Variable(tf.zeros([5]))
    fake_layer = tf.train.Checkpoint(bias=bias)
    root = tf.train.Checkpoint(net=tf.train.Checkpoint(l1=fake_layer))
    status = root.restore(prefix)
    np.testing.assert_array_equal(bias.numpy(), net.l1.bias.numpy())
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="Unresolved object in checkpoint: net/l1/kernel"):
        status.assert_consumed()
    kernel = tf.Variable(tf.zeros([1, 5]))
    fake_layer.kernel = kernel  # restored as soon as it is assigned
    np.testing.assert_array_equal(kernel.numpy(), net.l1.kernel.numpy())


def test_lists_and_dicts_track_their_variables(tmp_path: Path) -> None:
    save = tf.train.Checkpoint()
    save.listed = [tf.Variable(1.0)]
    save.listed.append(tf.Variable(2.0))
    save.mapped = {"one": save.listed[0]}
    path = save.save(str(tmp_path / "list_example"))
    restore = tf.train.Checkpoint()
    v2 = tf.Variable(0.0)
    restore.mapped = {"two": v2, "one": tf.Variable(0.0)}
    restore.restore(path)
    assert float(restore.mapped["one"].numpy()) == 1.0
    restore.listed = []
    assert repr(restore.listed) == "ListWrapper([])"
    v1 = tf.Variable(0.0)
    restore.listed.append(v1)
    assert float(v1.numpy()) == 1.0


def test_files_are_hdf5_and_a_missing_checkpoint_is_not_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_notices: None
) -> None:
    prefix = tf.train.Checkpoint(v=tf.Variable(3.0)).write(str(tmp_path / "one"))
    with h5py.File(prefix + ".index", "r") as h5:
        assert "not TensorFlow" in h5.attrs["buildtrace_format"]
    assert "not TensorFlow's checkpoint format" in capsys.readouterr().err
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files"):
        tf.train.Checkpoint(v=tf.Variable(0.0)).restore(str(tmp_path / "nothing"))


def test_a_compiled_sequential_model_resumes_fit_with_its_optimizer(tmp_path: Path) -> None:
    """Its layers are saved as ``layer_with_weights-N`` and its optimizer's slots wait for
    the first step of the restored model's ``fit``."""
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 3), "float32"), rng.random((32, 1), "float32")

    def make() -> keras.Model:
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)), keras.layers.Dense(1)])
        model.compile(keras.optimizers.Adam(0.05), "mse")
        return model

    model = make()
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    prefix = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    names = [name for name, _ in tf.train.list_variables(prefix)]
    assert "model/layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE" in names
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)

    again = make()
    tf.train.Checkpoint(model=again).restore(prefix)
    again.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(again.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
