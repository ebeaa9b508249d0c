"""The seed trace every fuzz test mutates: a real recording, made once per session.

A small script in the tf.keras style runs with buildtrace's engine in this process and
is recorded: a Sequential build, a functional model with a branch, a build that fails
(Keras's missing input-shape error), compile, a short fit with validation, evaluate,
predict, and an uncaught error at the end. Every kind of event the engine writes is in
it, with the fields it really carries.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from buildtrace.runner import run_script

SEED_SCRIPT = """\
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)
model = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(10)])
model.build(input_shape=(None, 8))
inputs = keras.Input(shape=(8,))
left, right = layers.Dense(4)(inputs), layers.Dense(4)(inputs)
branched = keras.Model(inputs, layers.Concatenate()([left, right]))
try:
    keras.Sequential([layers.Dense(3)]).build()
except ValueError:
    pass
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
rng = np.random.default_rng(0)
x, y = rng.random((64, 8), dtype="float32"), rng.integers(0, 10, 64)
model.fit(x, y, epochs=2, batch_size=16, validation_split=0.25, verbose=0)
model.evaluate(x, y, verbose=0)
model.predict(x[:4], verbose=0)
raise RuntimeError("the end of the seed script")
"""


@pytest.fixture(scope="session")
def seed_trace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The recorded seed trace (a JSON Lines file)."""
    folder = tmp_path_factory.mktemp("seed")
    script = folder / "seed_script.py"
    script.write_text(SEED_SCRIPT, encoding="utf-8")
    trace = folder / "seed.jsonl"
    run_script(script, recorder_path=trace)
    return trace


@pytest.fixture(scope="session")
def seed_lines(seed_trace: Path) -> list[str]:
    """The seed trace's lines (without newlines)."""
    return seed_trace.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def seed_events(seed_lines: list[str]) -> list[dict[str, object]]:
    """The seed trace's events, as plain JSON values."""
    return [json.loads(line) for line in seed_lines]
