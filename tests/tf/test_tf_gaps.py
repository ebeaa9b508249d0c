"""The ``tf`` names public tutorials use that buildtrace once lacked.

``tf.test`` (no GPU), ``tf.losses`` / ``tf.metrics`` (Keras's, under ``buildtrace run``),
``tf.train.latest_checkpoint`` of a folder of HDF5 weights (``tf.train.Checkpoint`` is
tested in ``test_checkpoint.py``). Values of ``tf.split`` / ``tf.nn.dropout`` /
``tf.nn.embedding_lookup`` and the DType enum numbers are compared with TensorFlow in
``test_tf_facts.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from buildtrace import tf

ROOT = Path(__file__).resolve().parents[2]


def test_tf_test_testcase_asserts() -> None:
    class Case(tf.test.TestCase):
        def runTest(self) -> None:
            self.assertAllEqual(tf.constant([1, 2]), [1, 2])
            self.assertAllClose(tf.constant([1.0, 2.0]), np.array([1.0, 2.0 + 1e-8]))
            self.assertEqual(self.evaluate(tf.ones((2,))).tolist(), [1.0, 1.0])
            with self.assertRaises(AssertionError):
                self.assertAllEqual(tf.constant([1, 2]), [1, 3])

    result = Case().run()
    assert result is not None and result.wasSuccessful(), result.failures


def test_latest_checkpoint_is_the_newest_weights_file(tmp_path: Path) -> None:
    from buildtrace import keras

    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    for epoch in (5, 10):
        model.save_weights(str(tmp_path / f"cp-{epoch:04d}.weights.h5"))
    os.utime(tmp_path / "cp-0005.weights.h5", (1, 1))
    latest = tf.train.latest_checkpoint(str(tmp_path))
    assert latest == str(tmp_path / "cp-0010.weights.h5")
    model.load_weights(latest)
    assert tf.train.latest_checkpoint(str(tmp_path / "empty")) is None


def test_tf_losses_and_metrics_are_keras_under_run(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(
        textwrap.dedent(
            """
            import tensorflow as tf
            from tensorflow import keras
            losses = keras.losses
            assert tf.losses.SparseCategoricalCrossentropy is losses.SparseCategoricalCrossentropy
            assert tf.metrics.SparseCategoricalAccuracy is keras.metrics.SparseCategoricalAccuracy
            print("ok", tf.test.is_gpu_available(), repr(tf.test.gpu_device_name()))
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUILDTRACE_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace", "run", str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "ok False ''" in done.stdout


def test_checkpoint_prefix_round_trip_as_the_save_and_load_tutorial(tmp_path: Path) -> None:
    from buildtrace import keras

    def make() -> keras.Model:
        return keras.Sequential([keras.layers.Dense(3, input_shape=(4,)), keras.layers.Dense(1)])

    model = make()
    for epoch in (1, 2):
        model.save_weights(str(tmp_path / "training_2" / f"cp-{epoch:04d}.ckpt"))
    folder = tmp_path / "training_2"
    assert "checkpoint" in os.listdir(folder)
    latest = tf.train.latest_checkpoint(str(folder))
    assert latest == str(folder / "cp-0002.ckpt")
    fresh = make()
    fresh.load_weights(latest)
    for a, b in zip(model.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)
