"""Compare mode's runs under each engine: their progress, as the waiting screen says it."""

from __future__ import annotations

import time
from pathlib import Path

from buildtrace.trace import read_trace
from tui.compare.recording import EngineRun

SLOW_START = """
import time
time.sleep(1.5)  # as long as TensorFlow takes to import, roughly
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(2)])
model.build(input_shape=(None, 3))
"""


def test_a_run_says_it_is_starting_then_counts_its_events(tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text(SLOW_START, encoding="utf-8")
    run = EngineRun(script, "mini", "build", tmp_path / "mini.jsonl")
    run.start()
    try:
        run.poll()
        assert run.events == 0 and not run.done
        assert run.progress().startswith("mini: starting … ")
        deadline = time.monotonic() + 60
        while not run.done and time.monotonic() < deadline:
            time.sleep(0.1)
            run.poll()
        assert run.done and not run.error
    finally:
        run.stop()
    # Every event written was counted, and the line says so.
    written = len(read_trace(run.trace).events)
    assert written > 0 and run.events == written
    assert run.progress().startswith(f"mini: done, {written:,} events in ")


def finish(run: EngineRun) -> None:
    deadline = time.monotonic() + 60
    while not run.done and time.monotonic() < deadline:
        time.sleep(0.1)
        run.poll()


def test_a_run_that_writes_nothing_fails_and_says_why_in_one_line(tmp_path: Path) -> None:
    script = tmp_path / "broken.py"
    script.write_text("raise SystemExit('no model in this script')\n", encoding="utf-8")
    run = EngineRun(script, "mini", "build", tmp_path / "mini.jsonl")
    run.start()
    finish(run)
    assert run.error and "\n" not in run.error
    assert run.progress().startswith("mini: failed after ")
    assert "no model in this script" in run.progress()


def test_a_script_that_raises_is_recorded_and_its_status_said(tmp_path: Path) -> None:
    """Its error is a step of the teaching view: there is something to compare."""
    script = tmp_path / "broken.py"
    script.write_text("import nonesuch_module\n", encoding="utf-8")
    run = EngineRun(script, "mini", "build", tmp_path / "mini.jsonl")
    run.start()
    finish(run)
    assert not run.error and run.events == 1
    assert run.progress().endswith("(the script's exit status: 1)")


def test_the_real_engines_slow_start_is_named() -> None:
    run = EngineRun("seed.py", "tf-keras", "build", "unused.jsonl")
    run.process = object()  # type: ignore[assignment]  (started, nothing written yet)
    assert "importing TensorFlow" in run.progress(now=run.started + 3)
    assert run.progress(now=run.started + 3).endswith("3 s")
