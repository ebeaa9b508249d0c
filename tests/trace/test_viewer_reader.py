"""The viewer's reader (``tui.trace_reader``, ``trace.tail``): replay to the last good event.

Before, a bad line 61 in a 150-line file lost all 60 good events (they were in the same
batch), a one-line file without a final newline read as empty, and bytes that are not
UTF-8, a 5,000-digit integer or very deep JSON ended the reader's thread with no message,
so the viewer waited forever. Each case runs the real reader loop on a real file.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from buildtrace.trace.tail import TraceTail
from tui.trace_reader import (
    STOPPED_NAME,
    EventsArrived,
    SourceEnded,
    TraceFailed,
    TraceReader,
)


def event(seq: int) -> dict[str, Any]:
    return {"v": 1, "seq": seq, "t": seq * 0.01, "kind": "call", "name": "f", "depth": 0,
            "layer": None}  # fmt: skip


def lines(count: int) -> list[bytes]:
    return [json.dumps(event(seq)).encode() for seq in range(count)]


def replay(path: Path, *, follow: bool = False, timeout: float = 10) -> list[Message]:
    """Run the reader loop to its end in a thread; fail if it does not end."""
    posted: list[Message] = []
    reader = TraceReader(path, posted.append, follow=follow, poll=0.01)
    thread = threading.Thread(target=reader.run, daemon=True)
    thread.start()
    thread.join(timeout)
    alive = thread.is_alive()
    reader.stop.set()
    assert not alive, "the reader never ended: a viewer would wait forever"
    return posted


def arrived(posted: list[Message]) -> list[dict[str, Any]]:
    return [e for m in posted if isinstance(m, EventsArrived) for e in m.events]


BAD = {
    "garbage": b"{oops",
    "not UTF-8": b'{"v": 1, "name": "\xff\xfe"}',
    "5000 digits": b'{"v": 1, "seq": ' + b"7" * 5000 + b"}",
    "deep JSON": b"[" * 200_000,
    "wrong type": json.dumps({**event(60), "depth": "deep"}).encode(),
}


@pytest.mark.parametrize("bad", sorted(BAD))
@pytest.mark.parametrize("follow", [False, True])
def test_the_viewer_keeps_the_60_good_events_and_says_where_it_stopped(
    tmp_path: Path, bad: str, follow: bool
) -> None:
    content = lines(150)
    content[60] = BAD[bad]
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"\n".join(content) + b"\n")
    posted = replay(path, follow=follow)
    events = arrived(posted)
    assert [e["seq"] for e in events[:-1]] == list(range(60))
    stop = events[-1]
    assert stop["name"] == STOPPED_NAME and stop["seq"] == 60
    assert stop["message"].startswith("stopped at line 61: ")
    failed = [m for m in posted if isinstance(m, TraceFailed)]
    assert len(failed) == 1 and failed[0].error.startswith("t.jsonl: stopped at line 61: ")
    assert not any(isinstance(m, SourceEnded) for m in posted)


def test_a_one_line_file_without_a_final_newline_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_bytes(lines(1)[0])
    posted = replay(path)
    assert [e["seq"] for e in arrived(posted)] == [0]
    assert isinstance(posted[-1], SourceEnded)


def test_a_live_tail_waits_for_the_rest_of_a_line(tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    first, second = lines(2)
    path.write_bytes(first + b"\n" + second[:20])
    tail = TraceTail(path)
    assert [e["seq"] for e in tail.read()] == [0]
    assert tail.read() == [] and tail.read_settled() == [] and tail.error is None
    with path.open("ab") as stream:
        stream.write(second[20:])
    assert tail.read() == []  # whole now, but no newline: a live tail waits...
    assert [e["seq"] for e in tail.read_settled()] == [1]  # ...until the file settles
    with path.open("ab") as stream:
        stream.write(b"\n" + json.dumps(event(2)).encode() + b"\n")
    assert [e["seq"] for e in tail.read()] == [2]
    tail.close()


def test_a_tail_gives_every_good_event_of_a_big_batch_before_the_bad_one(
    tmp_path: Path,
) -> None:
    content = lines(10_000)
    content[9_000] = b"\x80"
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join(content) + b"\n")
    tail = TraceTail(path, max_batch=4096)
    seen: list[dict[str, Any]] = []
    while tail.error is None:
        seen.extend(tail.read())
    assert len(seen) == 9_000 and tail.error.line == 9_001
    assert tail.read() == [] and not tail.has_more
    tail.close()


@pytest.mark.asyncio
async def test_the_viewer_shows_the_good_events_and_where_the_trace_stopped(
    tmp_path: Path,
) -> None:
    from tui.app import create_app

    content = lines(150)
    content[60] = b'{"v": 1, "seq": 60, "kind": "add_weight", "shape": 784}'
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"\n".join(content) + b"\n")
    app = create_app(path, follow=False)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(500):
            if app.failure:
                break
            await pilot.pause(0.02)
        assert app.failure is not None and "stopped at line 61: " in app.failure
        assert len(app.store) == 61  # the 60 good events, then where the reading stopped
        last = app.store.events[-1]
        assert last["name"] == STOPPED_NAME and "line 61" in last["message"]
        assert [app.store.events[i]["seq"] for i in range(60)] == list(range(60))
