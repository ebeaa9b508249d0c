"""Fixtures for the viewer's tests: traces recorded in-process, and a way to wait.

Traces are made by running small tf.keras-style scripts with the engine in this
process (``run_script`` with a recorder), into ``tmp_path``: nothing big is committed,
and every trace is deterministic but for its ``t`` times, which no screen shows once a
run has finished.
"""

from __future__ import annotations

import asyncio
import json
import textwrap
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from buildtrace.runner import run_script

SEED_BUILD = """
    from tensorflow import keras
    from tensorflow.keras import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    model.build(input_shape=(None, 784))
"""

TINY_FIT = """
    import numpy as np

    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.random((96, 784), dtype="float32")
    y = rng.integers(0, 10, 96)
    model.fit(x, y, epochs=3, batch_size=24, validation_split=0.25, verbose=0)
"""

MakeTrace = Callable[..., Path]
WaitFor = Callable[..., Awaitable[None]]


@pytest.fixture
def write_script(tmp_path: Path) -> Callable[..., Path]:
    """``write_script(source, name="script.py")``: a script file in ``tmp_path``."""

    def write(source: str, name: str = "script.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_trace(tmp_path: Path, write_script: Callable[..., Path]) -> MakeTrace:
    """``make_trace(source, name)``: run a script in-process, return its trace file."""

    def make(source: str, name: str = "trace") -> Path:
        script = write_script(source, f"{name}.py")
        trace = tmp_path / f"{name}.jsonl"
        run_script(script, recorder_path=trace)
        return trace

    return make


@pytest.fixture
def seed_trace(make_trace: MakeTrace) -> Path:
    """The seed model's build (Dense 512 relu, Dense 10 softmax, for 784 inputs)."""
    return make_trace(SEED_BUILD, "seed_build")


@pytest.fixture
def fit_trace(make_trace: MakeTrace) -> Path:
    """The seed build, compile, and 3 tiny epochs of fit with validation."""
    return make_trace(textwrap.dedent(SEED_BUILD) + textwrap.dedent(TINY_FIT), "seed_fit")


@pytest.fixture
def wait_for() -> WaitFor:
    """``await wait_for(pilot, condition, timeout=10)``: pause until ``condition()``."""

    async def wait(pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {condition}")
            await pilot.pause(0.02)
            await asyncio.sleep(0)

    return wait


def synthetic_events(total: int, layers: int = 400) -> list[dict[str, object]]:
    """A trace of ``total`` events: a deep build of ``layers`` layers, then training."""
    events: list[dict[str, object]] = []

    def add(**fields: object) -> None:
        events.append({"v": 1, "seq": len(events), "t": len(events) * 1e-4, **fields})

    add(kind="call", name="keras.engine.sequential.Sequential.build", depth=0,
        layer="sequential", cls="Sequential", src="keras/engine/sequential.py:194")  # fmt: skip
    for number in range(layers):
        name = f"dense_{number}"
        add(kind="call", name="keras.engine.base_layer.Layer.__call__", depth=1, layer=name,
            cls="Dense", src="keras/engine/base_layer.py:210", input_shape=[None, 8])  # fmt: skip
        add(kind="call", name="keras.layers.core.dense.Dense.build", depth=2, layer=name,
            cls="Dense", src="keras/layers/core/dense.py:69")  # fmt: skip
        add(kind="add_weight", name="add_weight", depth=3, layer=name, cls="Dense",
            weight="kernel", shape=[8, 8], dtype="float32", initializer="GlorotUniform",
            trainable=True, params=64)  # fmt: skip
        add(kind="set", name="Dense.built", depth=3, layer=name, cls="Dense", attr="built",
            old=False, value=True)  # fmt: skip
        add(kind="return", name="keras.layers.core.dense.Dense.build", depth=2, layer=name)
        add(kind="return", name="keras.engine.base_layer.Layer.__call__", depth=1, layer=name,
            output_shape=[None, 8])  # fmt: skip
    add(kind="return", name="keras.engine.sequential.Sequential.build", depth=0,
        layer="sequential")  # fmt: skip
    add(kind="call", name="keras.engine.training.Model.fit", depth=0, layer="sequential",
        cls="Sequential", src="keras/engine/training.py:369")  # fmt: skip
    remaining = total - len(events) - 3
    epochs = 10
    steps = remaining // epochs - 2
    add(kind="train_begin", name="fit", depth=1, layer="sequential", epochs=epochs, steps=steps)
    for epoch in range(epochs):
        add(kind="epoch_begin", name="fit", depth=1, layer="sequential", epoch=epoch,
            epochs=epochs)  # fmt: skip
        for batch in range(steps):
            loss = 2.0 / (1 + epoch * steps + batch)
            add(kind="batch_end", name="fit", depth=1, layer="sequential", epoch=epoch,
                batch=batch, logs={"loss": loss, "accuracy": 1 - loss / 2})  # fmt: skip
        add(kind="epoch_end", name="fit", depth=1, layer="sequential", epoch=epoch,
            epochs=epochs, logs={"loss": 0.1, "accuracy": 0.9})  # fmt: skip
    while len(events) < total - 2:
        add(kind="batch_end", name="fit", depth=1, layer="sequential", epoch=epochs - 1,
            batch=steps, logs={"loss": 0.1, "accuracy": 0.9})  # fmt: skip
    add(kind="train_end", name="fit", depth=1, layer="sequential", logs={})
    add(kind="return", name="keras.engine.training.Model.fit", depth=0, layer="sequential")
    return events


@pytest.fixture
def big_trace(tmp_path: Path) -> Path:
    """A 100,000-event synthetic trace (a 400-layer build and 10 long epochs)."""
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for event in synthetic_events(100_000):
            stream.write(json.dumps(event, separators=(",", ":")) + "\n")
    return path


#: ``samples/seed.py`` recorded under the mini-Keras and under tf-keras 2.21 (until its
#: fit is done, on the stand-in digits) by ``scripts/record_compare_traces.py``, reduced
#: to the events the teaching view reads. The real engine is not needed to replay them.
COMPARE_DATA = Path(__file__).resolve().parents[1] / "data" / "compare"


@pytest.fixture
def engines_pair() -> tuple[Path, Path]:
    """The seed example's traces under mini and under tf-keras."""
    return COMPARE_DATA / "seed_mini.jsonl", COMPARE_DATA / "seed_tf_keras.jsonl"


@pytest.fixture
def differing_pair(tmp_path: Path, engines_pair: tuple[Path, Path]) -> tuple[Path, Path]:
    """The same pair, but B lost its second layer's kernel (an unexplained difference)."""
    lines = engines_pair[1].read_text(encoding="utf-8").splitlines()
    kept = [
        line
        for line in lines
        if not (
            (event := json.loads(line))["kind"] == "add_weight"
            and event.get("layer") == "dense_1"
            and event.get("weight") == "kernel"
        )
    ]
    assert len(kept) == len(lines) - 1
    changed = tmp_path / "tf_keras_without_a_kernel.jsonl"
    changed.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return engines_pair[0], changed
