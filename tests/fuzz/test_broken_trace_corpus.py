"""A corpus of broken trace files through ``buildtrace diagram`` (every kind) and ``export``.

A probe of 220 such runs once ended 27 times in a Python traceback (``add_weight`` with a
non-list shape, one without ``weight``, deep nesting, a 5,000-digit integer...). Each
file here ends every command with one line on stderr that says what is wrong and where,
and a non-zero exit status; what was good before the bad line is still drawn.

The files are made in the test from a real recording (the fuzz seed trace): nothing is
committed. All of them run in-process through the command's own entry point; a few run
as real ``buildtrace`` processes as well, to see the exact stderr and exit status a user
sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from buildtrace.cli import main

Corpus = dict[str, bytes]


def corpus(lines: list[str]) -> Corpus:
    """About fifty broken traces, by name."""
    raw = [line.encode() for line in lines]
    events = [json.loads(line) for line in lines]
    first_weight = next(i for i, e in enumerate(events) if e["kind"] == "add_weight")
    first_set = next(i for i, e in enumerate(events) if e["kind"] == "set")
    first_batch = next(i for i, e in enumerate(events) if e["kind"] == "batch_end")
    raised = next(i for i, e in enumerate(events) if e["kind"] == "raise")

    def whole(chunks: list[bytes]) -> bytes:
        return b"\n".join(chunks) + b"\n"

    def with_event(index: int, **changes: Any) -> bytes:
        event = {**events[index], **changes}
        for key in [k for k, v in changes.items() if v is _DROP]:
            del event[key]
        return whole([*raw[:index], json.dumps(event).encode(), *raw[index + 1 :]])

    def with_line(index: int, line: bytes) -> bytes:
        return whole([*raw[:index], line, *raw[index + 1 :]])

    weight, flag = first_weight, first_set
    files: Corpus = {
        # truncated
        "cut mid-line": b"\n".join(raw[:40]) + b"\n" + raw[40][:30],
        "cut in the first line": raw[0][:25],
        "cut after a brace": b"\n".join(raw[:10]) + b"\n{",
        "cut in a string": b"\n".join(raw[:weight]) + b'\n{"v": 1, "kind": "add_w',
        "cut inside an escape": raw[0][:-1] + b'"x": "\\u00',
        # garbage
        "garbage line": with_line(30, b"this is not json"),
        "garbage first line": with_line(0, b"hello"),
        "html": b"<!doctype html><html><body>not a trace</body></html>\n",
        "csv": b"seq,kind,name\n0,call,f\n",
        "python": b"from tensorflow import keras\nmodel = keras.Sequential()\n",
        # binary
        "binary junk": bytes(range(256)) * 4,
        "binary line": with_line(20, b"\x00\xff\xfe\x80\x81"),
        "utf-16": "\n".join(lines[:5]).encode("utf-16"),
        "latin-1 name": with_line(12, raw[12].replace(b'"depth"', b'"n\xe9": 1, "depth"')),
        "nul bytes": b"\x00" * 1000,
        # wrong types
        "shape is an int": with_event(weight, shape=784),
        "shape of strings": with_event(weight, shape=["784", "10"]),
        "seq is a string": with_event(5, seq="5"),
        "depth is a float": with_event(5, depth=1.5),
        "layer is a list": with_event(5, layer=["dense"]),
        "logs is a list": with_event(first_batch, logs=[0.5]),
        "logs of strings": with_event(first_batch, logs={"loss": "low"}),
        "trainable is a string": with_event(weight, trainable="yes"),
        "value is an object": with_event(flag, value={"built": True}),
        "message is a number": with_event(raised, message=42),
        "event is a list": with_line(3, b"[1, 2, 3]"),
        "event is a string": with_line(3, b'"call"'),
        # missing fields
        "add_weight without weight": with_event(weight, weight=_DROP),
        "add_weight without shape": with_event(weight, shape=_DROP),
        "set without attr": with_event(flag, attr=_DROP),
        "raise without message": with_event(raised, message=_DROP),
        "no kind": with_event(2, kind=_DROP),
        "no seq": with_event(2, seq=_DROP),
        "no name": with_event(2, name=_DROP),
        "empty object": with_line(2, b"{}"),
        # unknown kinds
        "unknown kind": with_event(2, kind="explode"),
        "kind in capitals": with_event(2, kind="CALL"),
        "kind is empty": with_event(2, kind=""),
        # huge numbers
        "5000-digit seq": with_line(4, raw[4].replace(b'"seq":', b'"seq":' + b"9" * 5000, 1)),
        "huge seq": with_event(4, seq=10**30),
        "infinite time": with_line(4, raw[4].replace(b'"t":', b'"t":1e999,"x":', 1)),
        "huge depth": with_event(4, depth=10**12),
        "huge shape": with_event(weight, shape=[10**40, 10]),
        # deep nesting
        "deep list": with_line(6, b"[" * 100_000 + b"]" * 100_000),
        "deep field": with_event(6, extra=_deep(300)),
        "deep config": with_line(
            6, raw[6][:-1] + b', "config": ' + b"[" * 5000 + b"]" * 5000 + b"}"
        ),
        # other versions
        "version 2": with_event(0, v=2),
        "version string": with_event(0, v="1"),
        "version true": with_event(0, v=True),
        "version zero": with_event(0, v=0),
        "version 1.5": with_event(0, v=1.5),
        # nothing there
        "empty": b"",
        "blank lines": b"\n\n   \n",
    }
    return files


_DROP = object()


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


COMMANDS = {
    "topology": ["diagram", "--kind", "topology", "-o", "{out}/t.svg"],
    "build": ["diagram", "--kind", "build", "-o", "{out}/b.svg"],
    "frames": ["diagram", "--kind", "frames", "--every", "add_weight", "-o", "{out}/f.html"],
    "export": ["export", "-o", "{out}/e.json"],
}


@pytest.fixture(scope="module")
def broken(seed_lines: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("broken")
    paths = {}
    for number, (name, data) in enumerate(corpus(seed_lines).items()):
        path = folder / f"broken_{number:02d}.jsonl"
        path.write_bytes(data)
        paths[name] = path
    return paths


def test_the_corpus_has_about_fifty_broken_files(broken: dict[str, Path]) -> None:
    assert len(broken) >= 50


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_broken_trace_ends_in_one_line_and_a_non_zero_exit(
    broken: dict[str, Path],
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, path in broken.items():
        out = tmp_path / f"{command}-{path.stem}"
        out.mkdir()
        argv = [arg.format(out=out) for arg in COMMANDS[command]]
        status = main([argv[0], str(path), *argv[1:]])
        err = capsys.readouterr().err.strip().splitlines()
        assert status != 0, f"{name}: exit status 0"
        assert len(err) == 1, f"{name}: stderr was {err}"
        assert err[0].startswith("buildtrace: error: "), f"{name}: {err[0]}"
        assert path.name in err[0], f"{name}: the file is not named: {err[0]}"


def test_what_was_good_before_the_bad_line_is_still_drawn(
    broken: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = broken["garbage line"]
    assert main(["diagram", str(path), "--kind", "build", "-o", str(tmp_path / "b.svg")]) == 1
    err = capsys.readouterr().err
    assert "stopped at line 31: not JSON" in err and "using the 30 events before it" in err
    assert (tmp_path / "b.svg").read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("name", ["shape is an int", "5000-digit seq", "deep list", "empty"])
def test_a_real_buildtrace_process_says_one_line_and_no_traceback(
    broken: dict[str, Path], name: str, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for command in ("build", "export"):
        argv = [arg.format(out=tmp_path) for arg in COMMANDS[command]]
        done = subprocess.run(
            [sys.executable, "-m", "buildtrace", argv[0], str(broken[name]), *argv[1:]],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode != 0
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_every_file_of_the_corpus_is_really_broken(broken: dict[str, Path]) -> None:
    from buildtrace.trace import read_trace

    for name, path in broken.items():
        trace = read_trace(path)
        assert trace.error is not None or not trace.events, name
