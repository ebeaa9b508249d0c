"""Frames and ``--at`` show the model exactly as the viewer does, at every step.

The viewer (``tui``) folds a trace with :class:`~tui.event_store.EventStore`, from
checkpoints; the frames page, ``diagram --at`` and the handout's pictures fold it with
:func:`~buildtrace.render.frames.build_frames` and
:func:`~buildtrace.render.diagrams.model_graph`. On every step of every sample (recorded
here, training cut where the build is over) the two give the same model.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from buildtrace.render.diagrams import model_graph, topology_dot
from buildtrace.render.frames import build_frames
from buildtrace.render.graph import ModelGraph, graph_from_state
from buildtrace.runner.script import run_script
from buildtrace.trace import Event
from tui.event_store import EventStore

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.py"))

#: Where a sample's training on MNIST starts: its model is built by then (a model built
#: by ``fit`` itself trains on data the sample makes, and runs whole).
TRAINING = "keras.datasets.mnist.load_data()"


def _record(sample: Path, folder: Path) -> list[Event]:
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next((n for n, line in enumerate(lines) if TRAINING in line), len(lines))
    script = folder / sample.name
    script.write_text("".join(lines[:cut]), encoding="utf-8")
    return run_script(script).events


def _drawn(graph: ModelGraph) -> ModelGraph:
    return dataclasses.replace(graph, step=None)


@pytest.mark.parametrize("sample", SAMPLES, ids=[path.stem for path in SAMPLES])
def test_every_frame_folds_the_model_as_the_viewer_does(sample: Path, tmp_path: Path) -> None:
    events = _record(sample, tmp_path)
    store = EventStore(checkpoint_every=16)  # small: most steps start from a checkpoint
    store.extend(events)
    frames = build_frames(events, whole_trace=True)
    assert frames, sample.name
    for frame in frames:
        assert events[frame.index] is frame.event
        viewer = store.model_at(frame.index)
        assert _drawn(frame.graph) == graph_from_state(viewer), (sample.name, frame.seq)
    # And the default frames (up to the build's end) are the same frames, cut short.
    build = build_frames(events)
    assert [f.index for f in build] == [f.index for f in frames[: len(build)]]


@pytest.mark.parametrize("sample", SAMPLES, ids=[path.stem for path in SAMPLES])
def test_at_every_event_the_diagram_folds_as_the_viewer_does(sample: Path, tmp_path: Path) -> None:
    events = _record(sample, tmp_path)
    store = EventStore()
    store.extend(events)
    for index, event in enumerate(events):
        drawn = model_graph(events, at=int(event["seq"]))  # what `diagram --at SEQ` draws
        viewer = store.model_at(index)
        assert drawn == graph_from_state(viewer), (sample.name, event["seq"])
        state_layers = {name: layer.built for name, layer in viewer.layers.items()}
        assert {layer.name: layer.built for layer in drawn.layers}.items() <= state_layers.items()


def test_seed_at_connectivity_draws_dense_built_with_its_output_shape(tmp_path: Path) -> None:
    """The issue's case: at ``_set_connectivity_metadata`` of ``dense`` (seq 64 then, 68
    since the mask steps are traced) the narration says dense's output is known and
    dense is built; the picture said "being built … → ?"."""
    events = _record(next(path for path in SAMPLES if path.stem == "seed"), tmp_path)
    at = next(
        int(e["seq"])
        for e in events
        if e["kind"] == "call"
        and e["name"].endswith("Layer._set_connectivity_metadata")
        and e.get("layer") == "dense"
    )
    frame = next(frame for frame in build_frames(events) if frame.seq == at)
    assert "output of `dense` is known" in frame.text
    dense = frame.graph.layer("dense")
    assert dense.built and dense.focus and dense.output_shape == (None, 512)
    for dot in (frame.dot, topology_dot(events, at=at)):
        label = re.search(r"\tdense \[label=(.*)\]\n", dot)
        assert label is not None
        assert "(None, 784) → (None, 512)" in label.group(1)
        assert "being built" not in dot  # neither the box nor the colour key
        assert "◆ running" in label.group(1)


@pytest.mark.parametrize("sample", SAMPLES, ids=[path.stem for path in SAMPLES])
def test_no_frame_calls_a_built_layer_being_built(sample: Path, tmp_path: Path) -> None:
    for frame in build_frames(_record(sample, tmp_path)):
        focus = [layer for layer in frame.graph.layers if layer.focus]
        if any(layer.built for layer in focus):
            assert "being built" not in frame.dot, (sample.name, frame.seq)
