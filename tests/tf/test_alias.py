"""``import tensorflow as tf`` under ``buildtrace run`` is ``buildtrace.tf`` with ``tf.keras``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from buildtrace.runner.script import run_script

SCRIPT = """
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.data import Dataset
import tensorflow.random

assert tf.keras is keras and tf.keras.layers.Dense is keras.layers.Dense
assert tf.__version__ == tf.version.VERSION and "buildtrace" in tf.__version__
assert Dataset is tf.data.Dataset and tensorflow.random.normal is tf.random.normal
assert tf.executing_eagerly()
model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
out = model(np.ones((1, 3)))
assert isinstance(out, tf.Tensor) and out.numpy().shape == (1, 2)
assert isinstance(model.trainable_variables[0], tf.Variable)
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.square(model(np.ones((4, 3)), training=True)))
grads = tape.gradient(loss, model.trainable_variables)
keras.optimizers.SGD().apply_gradients(zip(grads, model.trainable_variables))
"""


def _script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(text))
    return path


def test_tensorflow_is_the_small_tf_with_keras(tmp_path: Path) -> None:
    result = run_script(_script(tmp_path, SCRIPT))
    assert result.exit_code == 0, result.error
    names = [e["name"] for e in result.events if e["kind"] == "call"]
    assert "tensorflow.python.eager.backprop.GradientTape.gradient" in names
    assert "keras.optimizers.optimizer.Optimizer.apply_gradients" in names


def test_what_tf_lacks_is_named(tmp_path: Path) -> None:
    result = run_script(_script(tmp_path, "import tensorflow as tf\ntf.math.bessel_i0(1.0)\n"))
    assert result.exit_code == 1
    assert "`tf.math.bessel_i0` is not supported by buildtrace" in str(result.error)
