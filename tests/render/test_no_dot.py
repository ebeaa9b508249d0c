"""Without Graphviz's dot: DOT text is written and one line says how to get images.

Each test runs with a PATH that has no ``dot`` on it (the ``no_dot`` fixture).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

import pytest

from buildtrace import keras
from buildtrace.cli import main
from buildtrace.render.diagrams import plot_build, plot_frames, plot_model
from buildtrace.render.jupyter import model_html, model_svg
from buildtrace.render.output import INSTALL_HINT, PAGE_HINT, DotMissing, render, write_dot
from buildtrace.render.trace_view import Trace
from buildtrace.trace import Event, JsonlRecorder

Sample = Callable[[str], list[Event]]


@pytest.mark.usefixtures("no_dot")
def test_an_image_request_writes_dot_text_next_to_it(sample: Sample, tmp_path: Path) -> None:
    written = plot_model(sample("seed"), tmp_path / "model.png")
    assert written.path == tmp_path / "model.dot"
    assert written.path.read_text(encoding="utf-8").startswith("digraph sequential {")
    assert not (tmp_path / "model.png").exists()
    assert written.note is not None and "apt-get install graphviz" in written.note
    build = plot_build(sample("seed"), tmp_path / "build.svg")
    assert build.path.suffix == ".dot" and build.note


@pytest.mark.usefixtures("no_dot")
def test_dot_text_asked_for_needs_no_graphviz(sample: Sample, tmp_path: Path) -> None:
    written = write_dot("digraph x {}", tmp_path / "x.dot")
    assert written.note is None and written.path.read_text() == "digraph x {}"
    with pytest.raises(DotMissing, match="install"):
        render("digraph x {}", "svg")


@pytest.mark.usefixtures("no_dot")
def test_the_command_prints_one_line_and_succeeds(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "seed.jsonl"
    recorder = JsonlRecorder(trace)
    for event in sample("seed"):
        recorder(event)
    recorder.close()
    status = main(["diagram", str(trace), "-o", str(tmp_path / "seed.png")])
    out, err = capsys.readouterr()
    assert status == 0
    assert (tmp_path / "seed.dot").is_file()
    assert err.count("\n") == 1 and INSTALL_HINT in err  # one line, no traceback
    assert "Traceback" not in err + out


@pytest.mark.usefixtures("no_dot")
def test_frames_and_the_handout_without_dot(sample: Sample, tmp_path: Path) -> None:
    files = plot_frames(sample("seed"), tmp_path / "frames", every="add_weight", fmt="png")
    assert [w.path.suffix for w in files] == [".dot"] * 4 and all(w.note for w in files)
    (page,) = plot_frames(sample("seed"), tmp_path / "seed.html", every="add_weight")
    html = page.path.read_text(encoding="utf-8")
    assert page.note and escape(PAGE_HINT) in html and html.count("<pre>digraph") == 4


@pytest.mark.usefixtures("no_dot")
def test_notebooks_fall_back_to_text(sample: Sample) -> None:
    trace = Trace(sample("seed"), name="seed")
    assert trace._repr_svg_() is None
    assert escape(PAGE_HINT) in trace._repr_html_() and "digraph" in trace._repr_html_()
    model = keras.Sequential([keras.layers.Dense(2)])
    assert model_svg(model) is None and escape(PAGE_HINT) in model_html(model)
