"""Recording a real engine never changes what it records: a two-output model's losses.

A functional model with two outputs, compiled with a loss *dict* and ``loss_weights``,
trains one epoch under ``buildtrace run --engine tf-keras`` / ``--engine keras3`` and
unrecorded; its per-output losses must be the same numbers. The tracer once asked every
Keras object for its config when its ``__init__`` returned, and tf-keras's
``LossesContainer.get_config`` flattens the loss dict in place (sorted by key): the
``price`` output then got the ``kind`` output's loss, and ``price_loss`` read 0.0.
Skipped when the engine is not installed.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from buildtrace.engines import is_installed
from buildtrace.engines.details import is_layer
from buildtrace.trace import read_trace

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """\
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)
inputs = keras.Input(shape=(8,), name="features")
hidden = layers.Dense(16, activation="relu")(inputs)
price = layers.Dense(1, name="price")(hidden)
kind = layers.Dense(3, activation="softmax", name="kind")(hidden)
model = keras.Model(inputs, [price, kind])
model.compile(
    optimizer="rmsprop",
    loss={"price": "mse", "kind": "sparse_categorical_crossentropy"},
    loss_weights={"price": 1.0, "kind": 0.2},
    metrics={"kind": ["accuracy"]},
)
rng = np.random.default_rng(0)
x = rng.random((64, 8)).astype("float32")
y = {"price": rng.random((64, 1)).astype("float32"), "kind": rng.integers(0, 3, 64)}
history = model.fit(x, y, epochs=1, batch_size=16, verbose=0)
print({k: round(float(v[-1]), 5) for k, v in sorted(history.history.items())})
"""

#: How each engine is run without buildtrace: ``tf.keras`` is tf-keras or Keras 3.
PLAIN_ENV = {"tf-keras": {"TF_USE_LEGACY_KERAS": "1"}, "keras3": {"KERAS_BACKEND": "tensorflow"}}


def _history(done: subprocess.CompletedProcess[str]) -> dict[str, float]:
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(ln for ln in reversed(done.stdout.splitlines()) if ln.startswith("{"))
    history: dict[str, float] = ast.literal_eval(line)
    return history


@pytest.mark.parametrize("engine", ["tf-keras", "keras3"])
def test_loss_dict_and_weights_train_the_same_recorded(engine: str, tmp_path: Path) -> None:
    if not is_installed(engine):
        pytest.skip(f"the {engine} engine is not installed")
    script = tmp_path / "two_outputs.py"
    script.write_text(SCRIPT, encoding="utf-8")
    base = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    base.pop("TF_USE_LEGACY_KERAS", None)
    plain = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600,
        cwd=tmp_path, env={**base, **PLAIN_ENV[engine]},
    )  # fmt: skip
    trace = tmp_path / "two.jsonl"
    recorded = subprocess.run(
        [sys.executable, "-m", "buildtrace", "run", "--engine", engine, "--no-tree", "-o",
         str(trace), str(script)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env=base,
    )  # fmt: skip
    expected, got = _history(plain), _history(recorded)
    assert set(got) == {"loss", "price_loss", "kind_loss", "kind_accuracy"}
    assert got["price_loss"] > 0  # the mean squared error of random targets
    assert got == expected
    events = read_trace(trace).events
    compile_event = next(e for e in events if e["kind"] == "compile")
    assert "'price': 'mse'" in compile_event["loss"]
    # The layers' configs are still recorded (the views read a layer's units from them).
    configs = {e["layer"]: e["config"] for e in events if e["kind"] == "return" and "config" in e}
    assert configs["price"]["units"] == 1 and configs["kind"]["units"] == 3


def test_only_layers_are_asked_for_their_config() -> None:
    class Layer:  # a class named like a layer, but of no engine's base module
        pass

    assert not is_layer(Layer())
    assert not is_layer({"loss": "mse"})
