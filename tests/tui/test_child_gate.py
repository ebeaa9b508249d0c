"""The child process's side: stop rules, the lockstep gate, and a real child in lockstep."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from buildtrace.runner.child import Gate, StopRule, child_argv
from buildtrace.trace import read_events


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_stop_rules_round_trip_through_json() -> None:
    rule = StopRule(
        kinds=frozenset({"call"}),
        exclude_kinds=frozenset({"return"}),
        name_suffix=".build",
        exclude_names=frozenset({"keras.engine.base_layer.Layer.build"}),
        max_depth=3,
        any_of=(StopRule(layers=frozenset({"dense"})), StopRule(changes_only=True)),
    )
    assert StopRule.from_json(json.loads(json.dumps(rule.to_json()))) == rule
    build = {"kind": "call", "name": "keras.layers.core.dense.Dense.build", "depth": 2}
    assert rule.matches({**build, "layer": "dense"})
    assert not rule.matches({**build, "layer": "dense_1"})
    assert not rule.matches({**build, "layer": "dense", "depth": 4})
    assert StopRule(changes_only=True).matches({"kind": "set", "old": False, "value": True})
    assert not StopRule(changes_only=True).matches({"kind": "set", "old": True, "value": True})


def run_engine(gate: Gate, kinds: list[str]) -> list[int]:
    """Publish events of ``kinds`` through ``gate`` on a thread; returns the seqs passed."""
    passed: list[int] = []

    def engine() -> None:
        for seq, kind in enumerate(kinds):
            gate.after({"seq": seq, "kind": kind, "depth": 0, "name": "f"})
            passed.append(seq)

    threading.Thread(target=engine, daemon=True).start()
    return passed


def test_lockstep_holds_each_build_event_until_told() -> None:
    gate = Gate(lockstep=True)
    passed = run_engine(gate, ["call", "set", "call", "return", "batch_end", "call"])
    time.sleep(0.1)
    assert passed == []  # event 0 is written; the engine waits right after it
    gate.control({"op": "until", "rule": {}, "seen": 0})
    eventually(lambda: passed == [0])
    time.sleep(0.05)
    gate.control({"op": "until", "rule": {}, "seen": 0})  # stale: sent before seeing 1
    time.sleep(0.1)
    assert passed == [0]
    gate.control({"op": "until", "rule": {"kinds": ["return"]}, "seen": 1})
    eventually(lambda: passed == [0, 1, 2])
    gate.control({"op": "run"})
    eventually(lambda: passed == [0, 1, 2, 3, 4, 5])


def test_pause_holds_training_at_the_next_batch() -> None:
    gate = Gate(lockstep=False)
    gate.control({"op": "pause"})
    passed = run_engine(gate, ["call", "batch_end", "batch_end"])
    eventually(lambda: passed == [0])
    time.sleep(0.1)
    assert passed == [0]
    gate.control({"op": "resume"})
    eventually(lambda: passed == [0, 1, 2])


def test_before_holding_training_the_held_back_batch_events_are_written() -> None:
    gate = Gate(lockstep=False)
    written: list[str] = []
    batch = {"seq": 0, "kind": "batch_end", "depth": 0, "name": "fit"}
    gate.after(batch, lambda: written.append("not paused"))
    assert written == []  # not paused: nothing to wait for, nothing to write early
    gate.control({"op": "pause"})
    threading.Thread(
        target=gate.after, args=(batch, lambda: written.append("paused")), daemon=True
    ).start()
    eventually(lambda: written == ["paused"])
    gate.control({"op": "resume"})


def test_closing_the_back_channel_releases_everything() -> None:
    gate = Gate(lockstep=True)
    gate.control({"op": "pause"})
    passed = run_engine(gate, ["call", "batch_end", "call"])
    time.sleep(0.05)
    gate.close()
    eventually(lambda: passed == [0, 1, 2])


def test_a_real_child_in_lockstep_writes_only_what_was_granted(
    tmp_path: Path, write_script: Callable[..., Path]
) -> None:
    script = write_script(
        """
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(3)])
        model.build((None, 4))
        print("built")
        """
    )
    trace = tmp_path / "t.jsonl"
    read_end, write_end = os.pipe()
    argv = child_argv(script, [], trace, control_fd=read_end, lockstep=True)
    child = subprocess.Popen(argv, pass_fds=(read_end,), stdout=subprocess.PIPE, text=True)
    os.close(read_end)
    control = os.fdopen(write_end, "w", buffering=1)
    try:
        eventually(lambda: trace.exists() and len(read_events(trace)) == 1, timeout=30)
        time.sleep(0.3)
        assert len(read_events(trace)) == 1  # it waits
        control.write(json.dumps({"op": "until", "rule": {}, "seen": 0}) + "\n")
        eventually(lambda: len(read_events(trace)) == 2)
        rule = StopRule(kinds=frozenset({"set"}), changes_only=True, layers=frozenset({"dense"}))
        control.write(json.dumps({"op": "until", "rule": rule.to_json(), "seen": 1}) + "\n")
        eventually(lambda: read_events(trace)[-1].get("attr") == "built")
        events = read_events(trace)
        assert events[-1]["layer"] == "dense" and events[-1]["value"] is True
        assert not any(e["kind"] == "set" and e.get("value") is True for e in events[:-1]
                       if e.get("layer") == "dense")  # fmt: skip
        control.write(json.dumps({"op": "run"}) + "\n")
        output, _ = child.communicate(timeout=30)
    finally:
        control.close()
        child.kill()
    assert child.returncode == 0
    assert "built" in output
    assert read_events(trace)[-1]["kind"] == "return"
