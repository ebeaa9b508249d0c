"""The JSON Lines trace: what is on disk when, whole lines only, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from buildtrace.trace import BUS, Event
from buildtrace.trace.bus import TraceBus
from buildtrace.trace.recorder import (
    BATCH_DELAY,
    JsonlRecorder,
    TraceFormatError,
    iter_events,
    read_events,
    record,
)


def event(kind: str, seq: int, **fields: object) -> Event:
    return {"v": 1, "seq": seq, "t": 0.0, "kind": kind, "name": "f", "depth": 0, "layer": None,
            **fields}  # fmt: skip


def lines_on_disk(path: Path) -> list[str]:
    """What another process reading the file sees now."""
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_every_build_event_is_on_disk_as_soon_as_it_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "build.jsonl"
    recorder = JsonlRecorder(path)
    for seq, kind in enumerate(["call", "set", "add_weight", "return", "raise"]):
        recorder(event(kind, seq, layer="dense"))
        on_disk = lines_on_disk(path)
        assert len(on_disk) == seq + 1 and on_disk[-1].endswith("\n")
        assert json.loads(on_disk[-1])["kind"] == kind
    recorder.close()


def test_batch_events_are_written_in_bunches_and_never_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [100.0]
    monkeypatch.setattr("buildtrace.trace.recorder.time.monotonic", lambda: clock[0])
    path = tmp_path / "fit.jsonl"
    recorder = JsonlRecorder(path)
    recorder(event("epoch_begin", 0))  # not a batch event: written at once
    assert len(lines_on_disk(path)) == 1
    for batch in range(5):  # within BATCH_DELAY: held back
        recorder(event("batch_end", 1 + batch, batch=batch, logs={"loss": 1.0}))
    assert len(lines_on_disk(path)) == 1
    clock[0] += BATCH_DELAY + 0.01
    recorder(event("batch_end", 6, batch=5, logs={"loss": 0.9}))  # the delay is up
    assert len(lines_on_disk(path)) == 7
    recorder(event("batch_end", 7, batch=6, logs={"loss": 0.8}))
    assert len(lines_on_disk(path)) == 7
    recorder(event("epoch_end", 8))  # any other kind writes what was held back first
    assert [json.loads(line)["seq"] for line in lines_on_disk(path)] == list(range(9))
    recorder(event("batch_end", 9, batch=0, logs={}))
    recorder.close()  # closing writes the rest
    assert len(read_events(path)) == 10


def test_what_is_held_back_can_be_written_on_demand(tmp_path: Path) -> None:
    path = tmp_path / "paused.jsonl"
    recorder = JsonlRecorder(path)
    recorder(event("call", 0))
    recorder(event("batch_end", 1, batch=0, logs={}))
    assert len(lines_on_disk(path)) == 1
    recorder.write_pending()  # what the child does before training waits on a pause
    assert len(lines_on_disk(path)) == 2
    recorder.close()


def test_record_round_trips_events_in_order(tmp_path: Path) -> None:
    bus = TraceBus()
    path = tmp_path / "round.jsonl"
    with record(path, bus=bus):
        for number in range(3):
            bus.publish({"kind": "set", "name": "Dense.built", "depth": 0, "layer": "dense",
                         "attr": "built", "old": False, "value": number == 2})  # fmt: skip
        bus.publish({"kind": "batch_end", "name": "fit", "depth": 1, "layer": "m",
                     "batch": 0, "logs": {"loss": 0.5}})  # fmt: skip
    events = read_events(path)
    assert [e["seq"] for e in events] == [0, 1, 2, 3]
    assert events[2]["value"] is True and events[3]["logs"] == {"loss": 0.5}
    assert BUS.subscriber_count == 0  # the process-wide bus was never touched


def test_a_cut_last_line_is_reported_after_the_events_before_it(tmp_path: Path) -> None:
    # Read to its end for good (not followed), a half line is the file's last word.
    path = tmp_path / "growing.jsonl"
    whole = json.dumps(event("call", 0)) + "\n"
    path.write_text(whole + json.dumps(event("return", 1))[:20], encoding="utf-8")
    seen = []
    with pytest.raises(TraceFormatError, match=r"growing.jsonl:2: not JSON"):
        for item in iter_events(path):
            seen.append(item["seq"])
    assert seen == [0]


def test_a_trace_from_a_newer_buildtrace_is_refused_with_a_clear_message(
    tmp_path: Path,
) -> None:
    path = tmp_path / "future.jsonl"
    path.write_text(json.dumps({**event("call", 0), "v": 99}) + "\n", encoding="utf-8")
    with pytest.raises(TraceFormatError, match=r"future.jsonl:1: trace format v99 .* newer"):
        read_events(path)


def test_a_line_that_is_not_an_event_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(event("call", 0)) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(TraceFormatError, match=r"broken.jsonl:2: not JSON"):
        read_events(path)
