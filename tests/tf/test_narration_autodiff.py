"""A hand-written loop's events are narrated: the tape, tf.function, apply_gradients."""

from __future__ import annotations

from pathlib import Path

from buildtrace.narration import explain, has_narration
from buildtrace.runner.script import run_script

LOOP = """
import numpy as np
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                             tf.keras.layers.Dense(2)])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD()

@tf.function
def step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss

for _ in range(3):
    step(np.ones((8, 3), "float32"), np.arange(8) % 2)
"""


def test_every_event_of_a_hand_written_loop_is_narrated(tmp_path: Path) -> None:
    script = tmp_path / "loop.py"
    script.write_text(LOOP)
    result = run_script(script)
    assert result.exit_code == 0, result.error
    calls = [e for e in result.events if e["kind"] == "call"]
    assert all(has_narration(e) for e in calls), [e["name"] for e in calls if not has_narration(e)]
    names = [e["name"] for e in calls]
    # Traced once, like a tf.function: one step's events, the model's layers underneath.
    assert names.count("tensorflow.python.eager.backprop.GradientTape.gradient") == 1
    assert names.count("keras.optimizers.optimizer.Optimizer.apply_gradients") == 1
    layers = [e["layer"] for e in calls if e["name"].endswith("Layer.__call__")]
    assert layers[-3:] == ["sequential", "dense", "dense_1"]
    gradient = next(e for e in calls if e["name"].endswith("GradientTape.gradient"))
    text = explain(gradient).text
    assert "`sequential`" in text and "`sparse_categorical_crossentropy`" in text
    first = next(e for e in calls if e["name"].endswith("Function.__call__"))
    assert "first call" in explain(first).text
