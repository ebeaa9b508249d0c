"""Frames: the topology at every build step, as numbered pictures and as one HTML page."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from buildtrace.render.frames import build_frames, frame_filter, write_frame_files
from buildtrace.render.frames_html import frames_html
from buildtrace.render.output import render_many
from buildtrace.state.teaching import teaching_step
from buildtrace.trace import Event

Sample = Callable[[str], list[Event]]


def test_one_frame_per_build_step_of_the_teaching_view(sample: Sample) -> None:
    events = sample("seed")
    frames = build_frames(events)
    steps = [
        e
        for e in events
        if e["kind"] in ("call", "set", "add_weight") and teaching_step(e) is not None
    ]
    assert [f.seq for f in frames] == [e["seq"] for e in steps]
    assert [f.number for f in frames] == list(range(1, len(frames) + 1))


def test_frames_stop_where_the_build_ends(write_script: Callable[..., Path]) -> None:
    from buildtrace.runner.script import run_script

    script = write_script(
        """
        import numpy as np
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=1, verbose=0)
        """
    )
    events = run_script(script).events
    names = {f.event["name"] for f in build_frames(events)}
    assert "keras.engine.training.Model.fit" not in names
    everything = {f.event["name"] for f in build_frames(events, whole_trace=True)}
    assert "keras.engine.training.Model.fit" in everything


@pytest.mark.parametrize(
    ("every", "kinds"),
    [("add_weight", {"add_weight"}), ("set", {"set"}), ("call", {"call"})],
)
def test_every_kind(every: str, kinds: set[str], sample: Sample) -> None:
    frames = build_frames(sample("seed"), every=every)
    assert frames and {f.event["kind"] for f in frames} == kinds


def test_every_function(sample: Sample) -> None:
    frames = build_frames(sample("seed"), every="Layer._maybe_build")
    assert [f.event["layer"] for f in frames] == ["dense", "dense_1"]
    long_name = "keras.layers.core.dense.Dense.build"
    assert [f.event["layer"] for f in build_frames(sample("seed"), every=long_name)] == [
        "dense",
        "dense_1",
    ]
    with pytest.raises(ValueError):
        frame_filter(" ")


def test_the_layer_being_built_is_orange_in_its_frame(sample: Sample) -> None:
    (kernel, *_) = build_frames(sample("seed"), every="add_weight")
    assert "being built" in kernel.dot and "#FFE0B2" in kernel.dot
    assert "step 1 · + kernel (784, 512)" in kernel.dot  # the caption names the step
    assert "kernel" in kernel.title and kernel.mirrors.endswith("Layer.add_weight")


def test_frame_files_are_numbered_pictures(sample: Sample, tmp_path: Path, dot_binary: str) -> None:
    frames = build_frames(sample("seed"), every="add_weight")
    written = write_frame_files(frames, tmp_path / "frames", "png")
    assert [w.path.name for w in written] == [f"frame_00{i}.png" for i in range(1, 5)]
    for w in written:
        assert w.note is None and w.path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    svgs = write_frame_files(frames, tmp_path / "svg", "svg")
    assert all(w.path.read_text().lstrip().startswith("<?xml") for w in svgs)


def test_one_dot_run_draws_many_graphs_each_whole(sample: Sample, dot_binary: str) -> None:
    frames = build_frames(sample("seed"))[:12]
    sources = [f.dot for f in frames]
    for fmt in ("svg", "png"):
        together = render_many(sources, fmt)
        alone = [render_many([s], fmt)[0] for s in sources[:3]]
        assert len(together) == len(sources)
        if fmt == "svg":  # dot numbers the ids by page when it draws several graphs
            together, alone = _without_ids(together), _without_ids(alone)
        assert together[:3] == alone


def _without_ids(pictures: list[bytes]) -> list[bytes]:
    return [re.sub(rb' id="[^"]*"', b"", picture) for picture in pictures]


class _Page(HTMLParser):
    """Collects what the handout test looks at."""

    def __init__(self) -> None:
        super().__init__()
        self.sections = 0
        self.svgs = 0
        self.external: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section":
            self.sections += 1
        elif tag == "svg":
            self.svgs += 1
        elif tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            value = values.get(key) or ""
            if value.startswith(("http:", "https:", "//")) or (tag == "link" and value):
                self.external.append(value)


def test_the_html_handout_is_self_contained(sample: Sample, dot_binary: str) -> None:
    frames = build_frames(sample("seed"))
    html = frames_html(frames, title="How seed.py builds")
    page = _Page()
    page.feed(html)
    assert page.sections == len(frames) and page.svgs == 1  # one picture the frames share
    assert page.external == [] and page.scripts == 1
    assert "ArrowRight" in html and "ArrowLeft" in html  # the keys step through
    assert html.count('class="frame"') == len(frames)
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html  # inline, not documents
    ids = [part.split('"', 1)[0] for part in html.split(' id="')[1:]]
    assert len(ids) == len(set(ids))  # every picture's ids made unique
    # Each frame's explanation is beside its picture, with code spans.
    assert "<code>dense/kernel:0</code>" in html
    assert "Mirrors <code>keras/engine/base_layer.py::Layer.add_weight</code>" in html


def test_an_empty_handout(dot_binary: str) -> None:
    assert "No build steps" in frames_html([])
