"""``buildtrace diagram`` and ``buildtrace export`` from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from buildtrace.cli import main
from buildtrace.trace import Event, JsonlRecorder

SEED_BUILD = """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
model.build(input_shape=(None, 4))
"""


@pytest.fixture
def seed_trace(sample: Callable[[str], list[Event]], tmp_path: Path) -> Path:
    path = tmp_path / "seed.jsonl"
    recorder = JsonlRecorder(path)
    for event in sample("seed"):
        recorder(event)
    recorder.close()
    return path


@pytest.mark.parametrize(
    ("kind", "name", "start"),
    [
        ("topology", "model.svg", b"<?xml"),
        ("topology", "model.png", b"\x89PNG"),
        ("topology", "model.pdf", b"%PDF"),
        ("topology", "model.dot", b"digraph sequential"),
        ("build", "build.svg", b"<?xml"),
    ],
)
def test_diagram_writes_the_format_its_name_asks_for(
    kind: str, name: str, start: bytes, seed_trace: Path, tmp_path: Path, dot_binary: str
) -> None:
    output = tmp_path / name
    assert main(["diagram", str(seed_trace), "--kind", kind, "-o", str(output)]) == 0
    assert output.read_bytes().startswith(start)


def test_diagram_runs_a_script(
    write_script: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = write_script(SEED_BUILD)
    output = tmp_path / "seed.dot"
    options = ["--rankdir", "LR", "--show-dtype", "--no-show-params", "--dpi", "150"]
    assert main(["diagram", str(script), "-o", str(output), *options]) == 0
    text = output.read_text(encoding="utf-8")
    assert "rankdir=LR" in text and "dpi=150" in text and "dtype: float32" in text
    assert "param" not in text.split("label=", 1)[1].split(">>", 1)[0]  # the title
    assert f"wrote {output}" in capsys.readouterr().out


def test_diagram_at_a_step(seed_trace: Path, tmp_path: Path) -> None:
    output = tmp_path / "step.dot"
    assert main(["diagram", str(seed_trace), "--at", "45", "-o", str(output)]) == 0
    assert "at seq 45" in output.read_text(encoding="utf-8")


def test_frames_to_a_page_and_to_a_folder(
    seed_trace: Path, tmp_path: Path, dot_binary: str
) -> None:
    page = tmp_path / "seed.html"
    assert main(["diagram", str(seed_trace), "--kind", "frames", "-o", str(page)]) == 0
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
    folder = tmp_path / "frames"
    arguments = ["--kind", "frames", "--every", "add_weight", "--format", "png", "-o", str(folder)]
    assert main(["diagram", str(seed_trace), *arguments]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [f"frame_00{i}.png" for i in range(1, 5)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-o", "x.gif"], "end the file name in .svg, .png, .pdf, .dot"),
        ([], "-o FILE"),
        (["-o", "nowhere/x.svg"], "the folder nowhere does not exist"),
        (["--kind", "frames", "-o", "x.png"], "frames go to an .html page or a folder"),
        (["--model", "nope", "-o", "x.dot"], "no model named 'nope'"),
        (["--kind", "frames", "--every", "Nope.call", "-o", "f.html"], "no build step matches"),
    ],
)
def test_diagram_usage_errors(
    arguments: list[str],
    message: str,
    seed_trace: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["diagram", str(seed_trace), *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("buildtrace: error: diagram:")


def test_diagram_refuses_what_is_not_a_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello\n")
    assert main(["diagram", str(bogus), "-o", str(tmp_path / "x.dot")]) == 2
    assert "is not a buildtrace trace" in capsys.readouterr().err
    assert main(["diagram", str(tmp_path / "missing.jsonl"), "-o", "x.dot"]) == 2


def test_a_failing_script_is_still_drawn(
    write_script: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = write_script(
        """
        from tensorflow import keras
        keras.Sequential([keras.layers.Dense(2)]).build()
        """
    )
    output = tmp_path / "error.dot"
    assert main(["diagram", str(script), "--kind", "build", "-o", str(output)]) == 0
    assert "You must provide an `input_shape` argument." in output.read_text(encoding="utf-8")
    assert "stopped with ValueError" in capsys.readouterr().err


def test_export_writes_a_perfetto_timeline(seed_trace: Path, tmp_path: Path) -> None:
    output = tmp_path / "seed.json"
    assert main(["export", str(seed_trace), "-o", str(output)]) == 0
    data = json.loads(output.read_text(encoding="utf-8"))
    assert any(e.get("name") == "Sequential.build [sequential]" for e in data["traceEvents"])


def test_export_from_a_script(write_script: Callable[..., Path], tmp_path: Path) -> None:
    output = tmp_path / "run.json"
    assert main(["export", str(write_script(SEED_BUILD)), "-o", str(output)]) == 0
    assert json.loads(output.read_text(encoding="utf-8"))["traceEvents"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [([], "-o FILE.json"), (["-o", "x.txt"], "name it FILE.json")],
)
def test_export_usage_errors(
    arguments: list[str], message: str, seed_trace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(seed_trace), *arguments]) == 2
    assert message in capsys.readouterr().err


def test_help_lists_both_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "diagram" in out and "export" in out


# ------------------------------------------------- a script is stopped once it is drawn
TRAINS = """
import pathlib, sys
import numpy as np
from tensorflow import keras
mark = pathlib.Path(sys.argv[1])
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
model.build(input_shape=(None, 4))
mark.write_text("built")
model.compile(optimizer="sgd", loss="mse")
model.fit(np.zeros((8, 4)), np.zeros((8, 2)), epochs=2, batch_size=4, verbose=0)
mark.write_text("fitted")
"""


@pytest.mark.parametrize("kind", ["topology", "build", "frames"])
def test_a_diagram_of_a_script_stops_it_once_the_build_is_drawn(
    kind: str,
    write_script: Callable[..., Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The seed's diagram waited for 5 epochs of fit (27-64 s); every kind draws the
    build, so by default the script stops there: exit 0, no traceback, the picture."""
    script, mark = write_script(TRAINS), tmp_path / "mark.txt"
    output = tmp_path / ("steps.html" if kind == "frames" else "d.dot")
    assert main(["diagram", str(script), "--kind", kind, "-o", str(output), str(mark)]) == 0
    assert mark.read_text() == "built"
    err = capsys.readouterr().err
    assert "stopped script.py once its build was complete" in err and "Traceback" not in err
    assert output.stat().st_size > 0


def test_until_end_draws_the_model_after_training(
    write_script: Callable[..., Path], tmp_path: Path
) -> None:
    script, mark = write_script(TRAINS), tmp_path / "mark.txt"
    output = tmp_path / "d.dot"
    assert main(["diagram", str(script), "--until", "end", "-o", str(output), str(mark)]) == 0
    assert mark.read_text() == "fitted"
    timeline = tmp_path / "t.json"
    assert main(["export", str(script), "-o", str(timeline), str(mark)]) == 0  # to its end
    assert mark.read_text() == "fitted"
