"""Reading a trace back: the contract checked once per line, the good events kept.

Each case here failed before the reader checked events where it reads them: the bad
line cost every event of its batch, a file without a final newline read as empty, bytes
that are not UTF-8 (or a 5,000-digit number, or deep nesting) escaped as exceptions other
than buildtrace's own, and ``"v": 1.0`` read as a newer format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from buildtrace.trace import TraceFile, TraceFormatError, read_events, read_trace
from buildtrace.trace.contract import check_event
from buildtrace.trace.reader import LineSplitter, parse_event


def event(seq: int, kind: str = "call", **fields: Any) -> dict[str, Any]:
    base = {"v": 1, "seq": seq, "t": seq * 0.01, "kind": kind, "name": "f", "depth": 0,
            "layer": "dense"}  # fmt: skip
    return {**base, **fields}


def write(path: Path, lines: list[str | bytes], *, final_newline: bool = True) -> Path:
    data = b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines)
    path.write_bytes(data + (b"\n" if final_newline else b""))
    return path


def good_lines(count: int) -> list[str | bytes]:
    return [json.dumps(event(seq)) for seq in range(count)]


BAD_LINES: dict[str, bytes] = {
    "garbage": b"{oops",
    "binary": b"\xff\xfe\x00\x81 not text",
    "huge integer": b'{"v": 1, "seq": ' + b"9" * 5000 + b"}",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep object": b'{"v":1,"seq":0,"t":0,"kind":"call","name":"f","depth":0,"layer":null,"x":'
    + b"[" * 200
    + b"]" * 200
    + b"}",
    "wrong type": json.dumps(
        event(60, "add_weight", weight="k", shape=784, dtype="f", initializer="I", trainable=True)
    ).encode(),
    "missing field": json.dumps(
        event(60, "add_weight", shape=[1], dtype="f", initializer="Zeros", trainable=True)
    ).encode(),
    "unknown kind": json.dumps(event(60, "explode")).encode(),
    "a list": b"[1, 2, 3]",
    "not finite time": json.dumps(event(60, t=float("nan"))).encode(),
}


#: Strings that are not safe to show: read, with each such character replaced by a
#: visible stand-in (a layer may be named anything, and the recorder writes what it got).
UNSHOWABLE = {
    "surrogate": ("\ud800", "\ufffd"),
    "escape code": ("\x1b[2J", "\u241b[2J"),
}


@pytest.mark.parametrize("name", sorted(UNSHOWABLE))
def test_a_name_no_terminal_should_print_is_read_as_its_picture(tmp_path: Path, name: str) -> None:
    raw, shown = UNSHOWABLE[name]
    lines = good_lines(150)
    lines[60] = json.dumps(event(60, layer=raw)).encode()
    trace = read_trace(write(tmp_path / "t.jsonl", lines))
    assert trace.error is None and len(trace.events) == 150
    assert trace.events[60]["layer"] == shown


@pytest.mark.parametrize("bad", sorted(BAD_LINES))
def test_a_bad_line_61_keeps_the_60_events_before_it_and_says_where(
    tmp_path: Path, bad: str
) -> None:
    lines = good_lines(150)
    lines[60] = BAD_LINES[bad]
    path = write(tmp_path / "t.jsonl", lines)
    trace = read_trace(path)
    assert [e["seq"] for e in trace.events] == list(range(60))
    assert trace.error is not None
    assert (trace.error.path, trace.error.line) == ("t.jsonl", 61)
    assert trace.stopped is not None and trace.stopped.startswith("stopped at line 61: ")
    assert str(trace.error).startswith("t.jsonl:61: ") and "\n" not in str(trace.error)
    with pytest.raises(TraceFormatError, match=r"^t\.jsonl:61: "):
        read_events(path)
    lazy = TraceFile(path)
    assert sum(1 for _ in lazy) == 60 and lazy.error is not None and lazy.error.line == 61


def test_a_one_line_file_without_a_final_newline_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "one.jsonl", good_lines(1), final_newline=False)
    assert [e["seq"] for e in read_events(path)] == [0]
    assert read_trace(path).error is None


def test_an_empty_file_has_no_events_and_no_error(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.jsonl", [], final_newline=False)
    assert read_trace(path).events == [] and read_trace(path).error is None


def test_v_one_point_zero_is_version_one(tmp_path: Path) -> None:
    path = write(tmp_path / "float.jsonl", [json.dumps(event(0, v=1.0))])
    assert len(read_events(path)) == 1


@pytest.mark.parametrize("version", ["1", True, 0.5, 0, -1, None, [1], {"major": 1}])
def test_a_version_that_is_not_a_number_is_not_a_buildtrace_trace(version: object) -> None:
    with pytest.raises(TraceFormatError, match="not a buildtrace trace"):
        check_event(event(0, v=version))


@pytest.mark.parametrize("version", [2, 2.0, 99])
def test_a_higher_version_is_from_a_newer_buildtrace(version: object) -> None:
    with pytest.raises(TraceFormatError, match=r"v\d+ was written by a newer buildtrace"):
        check_event(event(0, v=version))


def test_every_kind_the_engine_writes_passes(tmp_path: Path) -> None:
    samples = [
        event(0, "call", cls="Dense", src="a.py:1", caller="b.py:2", input_shape=[None, 784]),
        event(1, "call", name="keras.engine.node.Node.__init__", layer=None, node_of="dense",
              node_index=0, inbound=[["dense_input", 0, 0]], output_shapes=[[None, 10]]),
        event(2, "return", call=0, config={"units": 10, "nested": {"a": [1, 2]}},
              output_shape=[None, 10], layers=["dense_input", "dense"]),
        event(3, "raise", error_type="ValueError", message="bad\nshape", origin=True, call=0),
        event(4, "set", attr="built", old=None, value=True),
        event(5, "add_weight", weight="kernel", shape=[784, 10], dtype="float32",
              initializer="GlorotUniform", trainable=True, variable="dense/kernel:0", params=7840),
        event(6, "compile", optimizer="RMSprop", optimizer_config={"lr": 0.001}, loss="mse",
              metrics=["accuracy"]),
        event(7, "train_begin", epochs=5, steps=469, samples=60000, batch_size=128),
        event(8, "epoch_begin", epoch=0, epochs=5),
        event(9, "batch_end", epoch=0, batch=0, logs={"loss": float("nan"), "accuracy": 0.1}),
        event(10, "epoch_end", epoch=0, epochs=5, logs={"loss": float("inf")}),
        event(11, "train_end", logs={}),
        event(12, "test_begin", steps=None),
        event(13, "test_end", logs={"loss": 0.3}),
        event(14, "predict_begin", steps=1),
        event(15, "predict_end"),
        event(16, "call", future_field={"anything": [1, "two", None]}),
    ]  # fmt: skip
    path = write(tmp_path / "kinds.jsonl", [json.dumps(e) for e in samples])
    trace = read_trace(path)
    assert trace.error is None and len(trace.events) == len(samples)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"kind": "add_weight", "shape": 3}, "add_weight event without its field 'weight'"),
        ({"kind": "add_weight", "weight": "k", "shape": 3, "dtype": "f", "initializer": "I",
          "trainable": True}, "field 'shape' must be a list of sizes"),
        ({"depth": -1}, "field 'depth' must be a whole number >= 0"),
        ({"seq": "7"}, "field 'seq' must be a whole number >= 0, not str '7'"),
        ({"layer": ["dense"]}, "field 'layer' must be a string"),
        ({"name": "x" * 5000}, "field 'name' must be a string of at most 1024"),
        ({"kind": "batch_end", "logs": {"loss": "low"}}, "field 'logs' must be an object"),
        ({"kind": "call", "inbound": [[1, 0, 0]]}, "field 'inbound' must be a list of"),
        ({"kind": "call", "output_shapes": [None]}, "field 'output_shapes'"),
        ({"kind": "set", "attr": "built", "old": False, "value": {"x": 1}}, "field 'value'"),
        ({"kind": None}, 'no "kind"'),
    ],
)  # fmt: skip
def test_a_field_of_the_wrong_type_is_named_with_what_it_must_be(
    fields: dict[str, Any], reason: str
) -> None:
    with pytest.raises(TraceFormatError) as caught:
        check_event({**event(0), **fields})
    assert reason in caught.value.reason


def test_lines_cut_across_reads_are_joined_and_numbered() -> None:
    lines = LineSplitter()
    assert lines.feed(b'{"a":1}\n\n{"b"') == [(1, b'{"a":1}')]
    assert lines.feed(b":2}\n") == [(3, b'{"b":2}')]
    assert lines.rest() is None
    assert lines.feed(b'{"c":3}') == [] and lines.pending
    assert lines.rest() == (4, b'{"c":3}')
    assert lines.feed(b"\n") == []  # the newline of the line already read: not a new one
    assert lines.feed(b'{"d":4}\n') == [(5, b'{"d":4}')]


def test_parse_event_refuses_an_endless_line() -> None:
    with pytest.raises(TraceFormatError, match="a line longer than"):
        parse_event(b"x" * (9 << 20))
