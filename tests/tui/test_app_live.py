"""Pilot tests on live sources: a file still being written, and scripts in a child."""

from __future__ import annotations

import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.widgets import Log

from buildtrace.trace import read_events
from tui.app import create_app

#: The ``wait_for`` fixture (see conftest.py).
WaitFor = Callable[..., Awaitable[None]]

SIZE = (120, 36)

SMALL_BUILD = """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(2)])
model.build((None, 4))
"""


@pytest.mark.asyncio
async def test_follow_live_tracks_a_file_being_written(
    seed_trace: Path, tmp_path: Path, wait_for: WaitFor
) -> None:
    lines = seed_trace.read_text(encoding="utf-8").splitlines(keepends=True)
    growing = tmp_path / "growing.jsonl"
    growing.write_text("".join(lines[:40]) + lines[40][:25], encoding="utf-8")  # half a line
    app = create_app(growing)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.store) == 40)
        assert app.cursor == 0 and app.stepper.live
        await pilot.press("l")
        await wait_for(pilot, lambda: app.cursor == 39)
        with growing.open("a", encoding="utf-8") as stream:
            stream.write(lines[40][25:])
            stream.writelines(lines[41:])
        await wait_for(pilot, lambda: len(app.store) == len(lines))
        await wait_for(pilot, lambda: app.cursor == len(lines) - 1)
        assert app.follow
        await pilot.press("p")  # any step ends following
        assert not app.follow and app.cursor == len(lines) - 2


@pytest.mark.asyncio
async def test_replay_of_a_recorded_file(fit_trace: Path, wait_for: WaitFor) -> None:
    app = create_app(fit_trace, follow=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished)
        assert len(app.store) == len(read_events(fit_trace))
        assert not app.stepper.live
        assert app.store.training.finished and len(app.store.training.epoch_logs) == 3
        assert "val_loss" in app.store.training.epoch_logs[0]
        await pilot.press("e")  # no error in this trace: the cursor stays, the app says so
        assert app.cursor == 0


@pytest.mark.asyncio
async def test_lockstep_runs_the_engine_only_as_far_as_the_student_steps(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    script = write_script(SMALL_BUILD)
    app = create_app(script, lockstep=True)
    async with app.run_test(size=SIZE) as pilot:
        assert app.child is not None
        trace = app.child.trace_path
        await wait_for(pilot, lambda: len(app.store) == 1, timeout=30)
        await pilot.pause(0.3)
        assert len(read_events(trace)) == 1  # the child really waits
        for expected in (2, 3, 4):
            await pilot.press("n")
            await wait_for(pilot, lambda n=expected: app.cursor == n - 1)
            assert len(read_events(trace)) == expected
        await pilot.press("b")  # runs the engine up to Sequential.build, no further
        at_build = lambda: app.store.events[app.cursor]["name"].endswith("Sequential.build")  # noqa: E731
        await wait_for(pilot, at_build)
        assert len(read_events(trace)) == app.cursor + 1
        assert not any(e.get("attr") == "built" and e.get("value") is True
                       for e in read_events(trace) if e.get("layer") == "dense")  # fmt: skip
        await pilot.press("f")  # the next flag change: dense_input.built = True
        await wait_for(pilot, lambda: app.store.events[app.cursor]["kind"] == "set")
        assert read_events(trace)[-1]["seq"] == app.store.events[app.cursor]["seq"]
        await pilot.press("o", "u")  # over and out: the child runs exactly to the end needed
        await wait_for(pilot, lambda: not app._pending)
        assert read_events(trace)[-1]["seq"] == app.store.events[app.cursor]["seq"]
        await pilot.press("g")  # release: the script runs to its end
        await wait_for(pilot, lambda: app.finished, timeout=30)
        assert app.exit_code == 0 and not app.failure
        assert app.store.model.models["sequential"].graph_initialized


@pytest.mark.asyncio
async def test_a_crashing_script_shows_its_error_and_the_viewer_lives_on(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    script = write_script(SMALL_BUILD + "\nraise ValueError('the script broke here')\n")
    app = create_app(script)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished, timeout=30)
        last = app.store.events[-1]
        assert last["kind"] == "raise" and last["uncaught"] and last["name"] == "<script>"
        assert "the script broke here" in app.failure
        assert app.exit_code == 1
        assert app.query_one("#log").display  # the traceback is on screen
        await pilot.press("end")
        assert app.cursor == app.store.last
        await pilot.press("E")  # and the app still steps
        await pilot.press("home", "n")
        assert app.cursor == 1


@pytest.mark.asyncio
async def test_a_script_that_prints_never_corrupts_the_stream(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    script = write_script(
        'import sys\nprint("{not json")\nprint("to stderr", file=sys.stderr)\n' + SMALL_BUILD
        + '\nprint("done", flush=True)\n'
    )  # fmt: skip
    app = create_app(script)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished, timeout=30)
        assert not app.failure and app.exit_code == 0
        log = app.query_one(Log)
        text = "\n".join(str(line) for line in log.lines)
        assert "{not json" in text and "to stderr" in text and "done" in text
        assert len(app.store) == len(read_events(app.child.trace_path))  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_a_hanging_script_never_blocks_the_viewer(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    script = write_script(SMALL_BUILD + "\nimport time\nwhile True:\n    time.sleep(0.05)\n")
    app = create_app(script)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.store) > 20, timeout=30)
        await pilot.press("end", "p", "home", "b")
        assert app.store.events[app.cursor]["name"].endswith("Sequential.build")
        await pilot.press("e")  # no error yet: the viewer waits for one...
        assert app._pending is not None
        await pilot.press("home")  # ...and any other step replaces the wait
        assert app._pending is None and app.cursor == 0
        await pilot.press("e", "escape")  # or Esc stops waiting
        assert app._pending is None and app.cursor == 0
        child = app.child
        assert child is not None and child.running
    assert not child.running  # quitting stopped it


@pytest.mark.asyncio
async def test_a_killed_child_still_ends_the_trace_with_an_error(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    script = write_script(SMALL_BUILD + "\nimport time\ntime.sleep(60)\n")
    app = create_app(script)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.store) > 20, timeout=30)
        assert app.child is not None and app.child._process is not None
        os.kill(app.child._process.pid, signal.SIGKILL)
        await wait_for(pilot, lambda: app.finished, timeout=30)
        last = app.store.events[-1]
        assert last["kind"] == "raise" and last["error_type"] == "ChildExited"
        # In plain words, not "ended with killed by signal 9".
        assert last["message"].startswith("the script was killed (SIGKILL")
        assert "signal 9" not in last["message"]
        assert "ChildExited" in app.failure


@pytest.mark.asyncio
async def test_keys_pressed_ahead_of_a_lockstep_child_are_queued(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    app = create_app(write_script(SMALL_BUILD), lockstep=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.store) == 1, timeout=30)
        await pilot.press("b", "b", "b")  # faster than the child can answer
        layer = lambda: app.store.events[app.cursor].get("layer")  # noqa: E731
        await wait_for(pilot, lambda: layer() == "dense_1" and not app._queued)
        event = app.store.events[app.cursor]
        assert event["name"].endswith("Dense.build")
        assert read_events(app.child.trace_path)[-1]["seq"] == event["seq"]  # type: ignore[union-attr]


#: A script that builds, then prints as fast as it can (``{pause}`` seconds per MB).
FLOOD = (
    SMALL_BUILD
    + """
import sys, time
block = "".join(f"line {n:09d} " + "x" * 84 + "\\n" for n in range(10_000))  # 1 MB
print("the flood begins", file=sys.stderr, flush=True)
while True:
    sys.stdout.write(block)
    time.sleep({pause})
"""
)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.asyncio
@pytest.mark.parametrize("rate", ["quiet", "10 MB/s", "unthrottled"])
async def test_a_script_that_floods_its_output_never_freezes_the_viewer(
    rate: str, write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    """At 10 MB/s the viewer ran at 100% CPU, grew 5 MB/s and ignored `q` for 30 s."""
    import statistics
    import time

    pause = {"quiet": 3600, "10 MB/s": 0.1, "unthrottled": 0}[rate]  # quiet: the baseline
    app = create_app(write_script(FLOOD.replace("{pause}", str(pause))))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished or "xxxx" in _log_text(app), timeout=30)
        assert not app.finished
        rss_before = _rss_mb()
        latencies = []
        for press in range(30):
            key, before = ("n" if press % 2 == 0 else "p"), app.cursor
            started = time.perf_counter()
            await pilot.press(key)
            await wait_for(pilot, lambda b=before: app.cursor != b)
            latencies.append(time.perf_counter() - started)
            await pilot.pause(0.1)
        growth = _rss_mb() - rss_before
        child = app.child
        assert child is not None and child.running
        text = _log_text(app)
        print(
            f"\nflood {rate}: {child.output.total / 1e6:,.0f} MB printed; key latency median "
            f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
            f"memory {growth:+.0f} MB"
        )
        # Quiet, a key takes about 65 ms here; before, `q` waited over 30 s.
        assert statistics.median(latencies) < 0.4 and max(latencies) < 3.0
        assert growth < 100  # bounded, not 5 MB a second
        if rate != "quiet":
            assert child.output.total > 20e6  # the script really flooded
            assert "of output skipped" in text  # says what it dropped
        assert len(app.query_one(Log).lines) <= 2001
        # The trace is intact: every event the child wrote, in order.
        events = read_events(child.trace_path)
        assert [e["seq"] for e in app.store.events] == [e["seq"] for e in events]
        started = time.perf_counter()
        await pilot.press("q")
    quit_time = time.perf_counter() - started
    print(f"flood {rate}: quit in {quit_time * 1000:.0f} ms")
    assert quit_time < 5
    assert not child.running


def _log_text(app: object) -> str:
    log = app.query_one(Log)  # type: ignore[attr-defined]
    return "\n".join(str(line) for line in log.lines)


def _group_gone(pid: int) -> bool:
    from buildtrace.runner.lifeline import group_alive

    return not group_alive(pid, leader_reaped=True)


@pytest.mark.asyncio
async def test_a_child_killed_in_lockstep_is_reported_and_its_events_kept(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    app = create_app(write_script(SMALL_BUILD), lockstep=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.store) == 1, timeout=30)
        await pilot.press("n", "n")
        await wait_for(pilot, lambda: len(app.store) >= 3)
        kept = list(app.store.events)
        child = app.child
        assert child is not None and child._process is not None
        os.kill(child._process.pid, signal.SIGKILL)
        await wait_for(pilot, lambda: app.finished, timeout=30)
        assert app.store.events[: len(kept)] == kept  # what was seen stays
        assert app.failure.startswith("ChildExited: the script was killed (SIGKILL")
        await pilot.press("home", "n")  # the viewer lives on
        assert app.cursor == 1
    assert _group_gone(child._process.pid)


@pytest.mark.asyncio
async def test_quitting_ends_what_a_finished_script_left_running(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    """The script ended, but a process it started did not: `q` ends that one too."""
    script = write_script(SMALL_BUILD + '\nimport subprocess\nsubprocess.Popen(["sleep", "600"])\n')
    app = create_app(script)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.finished, timeout=30)
        child = app.child
        assert child is not None and child._process is not None
        assert not _group_gone(child._process.pid)  # the sleep runs on in the group
    assert _group_gone(child._process.pid)
    assert not child.folder.exists()


@pytest.mark.asyncio
async def test_a_script_hanging_before_its_first_event_quits_at_once(
    write_script: Callable[..., Path], wait_for: WaitFor
) -> None:
    import time

    script = write_script('import subprocess, time\nsubprocess.Popen(["sleep", "600"])\n'
                          "time.sleep(600)\n")  # fmt: skip
    app = create_app(script, lockstep=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(2)
        assert not app.store.events and not app.finished
        await pilot.press("n")  # waits for an event that does not come; keys still work
        child = app.child
        assert child is not None and child._process is not None
        started = time.perf_counter()
        await pilot.press("q")
    assert time.perf_counter() - started < 5
    assert _group_gone(child._process.pid)
