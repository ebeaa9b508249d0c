"""The Perfetto / Chrome export, checked against the Trace Event Format's rules.

The rules (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU):
every event has ``ph``, ``ts`` (µs), ``pid``, ``tid``; ``B``/``E`` slices on one thread
nest (each ``E`` closes the innermost open ``B``, none left open); a thread's
timestamps never go back; instant events (``i``) have a scope ``s``; counters (``C``)
carry numbers in ``args``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from buildtrace.render.perfetto import chrome_trace, write_chrome_trace
from buildtrace.runner.script import run_script
from buildtrace.trace import Event

TRAINING_SCRIPT = """
import numpy as np
from tensorflow import keras
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
x = np.random.rand(64, 4).astype("float32")
model.fit(x, x.sum(axis=1, keepdims=True), epochs=2, batch_size=16, verbose=0,
          validation_split=0.25)
model.evaluate(x, x.sum(axis=1), verbose=0)
"""


def validate(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Check ``data`` against the format's rules; returns its events."""
    assert isinstance(data, dict) and isinstance(data["traceEvents"], list)
    events: list[dict[str, Any]] = data["traceEvents"]
    open_slices: dict[tuple[int, int], list[dict[str, Any]]] = {}
    last_ts: dict[tuple[int, int], float] = {}
    for event in events:
        for field in ("ph", "pid", "tid", "ts"):
            assert field in event, (field, event)
        assert isinstance(event["ts"], int | float) and event["ts"] >= 0
        thread = (event["pid"], event["tid"])
        phase = event["ph"]
        if phase == "M":
            continue
        assert event["ts"] >= last_ts.get(thread, 0.0), ("time went back", event)
        last_ts[thread] = event["ts"]
        if phase == "B":
            assert event.get("name")
            open_slices.setdefault(thread, []).append(event)
        elif phase == "E":
            assert open_slices.get(thread), ("E without a B", event)
            opened = open_slices[thread].pop()
            assert opened["ts"] <= event["ts"]
        elif phase == "i":
            assert event["s"] in ("t", "p", "g") and event.get("name")
        elif phase == "C":
            assert event.get("name") and event["args"]
            assert all(isinstance(v, int | float) for v in event["args"].values())
        else:
            pytest.fail(f"unexpected phase {phase!r}")
    assert all(not stack for stack in open_slices.values()), "slices left open"
    return events


@pytest.fixture(scope="module")
def training_events(tmp_path_factory: pytest.TempPathFactory) -> list[Event]:
    script = tmp_path_factory.mktemp("perfetto") / "train.py"
    script.write_text(TRAINING_SCRIPT, encoding="utf-8")
    result = run_script(script)
    assert result.exit_code == 0, result.error
    return result.events


def test_a_training_run_follows_the_format(training_events: list[Event], tmp_path: Path) -> None:
    path = write_chrome_trace(training_events, tmp_path / "run.json", title="train.py")
    events = validate(json.loads(path.read_text(encoding="utf-8")))
    names = {e.get("name") for e in events}
    assert {"fit", "epoch 1", "epoch 2", "evaluate"} <= names
    assert "Sequential.build" not in names  # built by fit: its calls come from train_step
    assert any(str(n).startswith("Layer._maybe_build [dense]") for n in names)


def test_build_calls_are_nested_slices_on_the_calls_thread(
    sample: Callable[[str], list[Event]],
) -> None:
    events = validate(chrome_trace(sample("seed")))
    calls = [e for e in events if e["ph"] in ("B", "E") and e["tid"] == 1]
    depth, deepest = 0, 0
    for event in calls:
        depth += 1 if event["ph"] == "B" else -1
        deepest = max(deepest, depth)
    assert depth == 0 and deepest >= 8  # Sequential.build ... Dense.build ... Layer.build
    first = next(
        e for e in calls if e["ph"] == "B" and e["name"] == "Sequential.build [sequential]"
    )
    assert list(first["args"]["input_shape"]) == [None, 784]


def test_flags_and_weights_are_instants_with_details(
    sample: Callable[[str], list[Event]],
) -> None:
    events = validate(chrome_trace(sample("seed")))
    instants = {e["name"]: e for e in events if e["ph"] == "i"}
    kernel = instants["+ dense/kernel (784, 512)"]
    assert kernel["args"]["params"] == 401_408 and kernel["args"]["initializer"] == "GlorotUniform"
    flag = instants["dense.built = True"]
    assert flag["args"]["attr"] == "built" and flag["args"]["src"].startswith("keras/engine/")


def test_losses_and_metrics_are_counters(training_events: list[Event]) -> None:
    events = validate(chrome_trace(training_events))
    counters: dict[str, int] = {}
    for event in events:
        if event["ph"] == "C":
            counters[event["name"]] = counters.get(event["name"], 0) + 1
    batches = sum(1 for e in training_events if e["kind"] == "batch_end")
    assert counters["loss"] == batches and counters["mae"] == batches
    assert counters["val_loss"] == 2  # one per epoch


def test_epochs_are_slices_inside_fit_on_the_training_thread(training_events: list[Event]) -> None:
    events = [e for e in validate(chrome_trace(training_events)) if e["tid"] == 2]
    shape = [(e["ph"], e.get("name")) for e in events if e["ph"] in ("B", "E")]
    # fit holds the epochs; each epoch holds its validation (an evaluate at its end).
    assert shape[:3] == [("B", "fit"), ("B", "epoch 1"), ("B", "evaluate")]
    assert shape[3:5] == [("E", None), ("E", None)]
    assert ("B", "epoch 2") in shape and shape.count(("B", "evaluate")) == 3


def test_a_trace_cut_short_still_closes_every_slice(sample: Callable[[str], list[Event]]) -> None:
    events = sample("seed")
    middle = next(i for i, e in enumerate(events) if e["kind"] == "add_weight")
    validate(chrome_trace(events[:middle]))


def test_an_error_is_an_instant_and_its_calls_end(record: Callable[..., Any]) -> None:
    from buildtrace import keras

    def make() -> Any:
        model = keras.Sequential([keras.layers.Dense(2)])
        with pytest.raises(ValueError):
            model.build()

    events, _ = record(make)
    exported = validate(chrome_trace(events))
    error = next(e for e in exported if e["ph"] == "i" and e["name"] == "✗ ValueError")
    assert "input_shape" in error["args"]["message"]
