"""``buildtrace diff``: the teaching views of two traces aligned, differences caught.

A planted difference (a weight with another initializer, a missing flag write) must be
caught and counted, and exit 1; a difference listed in ``known_differences.toml`` is
named as known and not counted; the same trace twice is the same.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from buildtrace.engines.compare import compare, load_known, side_by_side
from buildtrace.runner.script import run_script
from buildtrace.trace import Event, JsonlRecorder

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_events() -> list[Event]:
    result = run_script(ROOT / "samples" / "seed.py", until="build")
    assert result.exit_code == 0
    return result.events


def write(events: list[Event], path: Path) -> Path:
    recorder = JsonlRecorder(path)
    for event in events:
        recorder(event)
    recorder.close()
    return path


def diff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "buildtrace", "diff", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip


def test_the_same_trace_twice_is_the_same(seed_events: list[Event]) -> None:
    comparison = compare(seed_events, seed_events, known=[])
    assert comparison.same
    assert comparison.verdict() == f"same teaching view: {len(comparison.rows)} steps match"


def test_a_planted_initializer_difference_is_caught(seed_events: list[Event]) -> None:
    planted = copy.deepcopy(seed_events)
    weight = next(e for e in planted if e["kind"] == "add_weight" and e["weight"] == "kernel")
    weight["initializer"] = "HeNormal"
    comparison = compare(seed_events, planted, known=load_known())
    assert not comparison.same
    assert comparison.differences == 1
    changed = [r for r in comparison.rows if r.op != "equal"]
    assert changed[0].op == "changed"
    assert "GlorotUniform" in side_by_side(comparison, "A", "B")
    assert "HeNormal" in side_by_side(comparison, "A", "B")


def test_a_missing_flag_write_is_caught_and_the_cli_exits_1(
    seed_events: list[Event], tmp_path: Path
) -> None:
    planted = [
        e for e in seed_events
        if not (e["kind"] == "set" and e["attr"] == "_graph_initialized" and e["value"] is True)
    ]  # fmt: skip
    a = write(seed_events, tmp_path / "a.jsonl")
    b = write(planted, tmp_path / "b.jsonl")
    done = diff(str(a), str(b), "--width", "120")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("<") and "sequential._graph_initialized = True" in line
               for line in lines)  # fmt: skip
    assert lines[-1] == "different: 1 step differs between A and B" or lines[-1].startswith(
        "different: 1 step"
    )
    as_json = json.loads(diff(str(a), str(b), "--json").stdout)
    assert as_json["same"] is False and as_json["differences"] == 1
    assert [r["op"] for r in as_json["rows"] if r["op"] != "equal"] == ["a_only"]
    same = diff(str(a), str(a))
    assert same.returncode == 0
    assert same.stdout.splitlines()[-1].startswith("same teaching view")


def test_a_known_difference_is_named_and_not_counted(seed_events: list[Event]) -> None:
    # TensorFlow's second trace of the step function: in the real engine's trace only.
    second = [
        {**e, "seq": 10_000 + i, "tf_function": "train_function", "tf_trace": 2}
        for i, e in enumerate(seed_events)
        if e["kind"] in ("call", "return") and "Dense.call" in e["name"]
    ]
    comparison = compare(seed_events, seed_events + second, known=load_known())
    assert comparison.same
    assert comparison.known_rows == 2
    text = side_by_side(comparison, "A", "B")
    assert "(known: tf-second-trace)" in text
    assert "known difference tf-second-trace: TensorFlow traces" in text
    assert comparison.verdict().endswith("(2 known differences not counted)")


def test_every_known_difference_says_why() -> None:
    known = load_known()
    assert known, "known_differences.toml lists nothing"
    assert len({k.id for k in known}) == len(known)
    for entry in known:
        assert len(entry.reason) > 40 and entry.match and entry.side in ("a", "b", "either")
