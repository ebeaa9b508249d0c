"""The printed tree: the seed build against golden files, highlights, replay from JSONL.

Regenerate the golden files after a deliberate change with::

    BUILDTRACE_UPDATE_GOLDEN=1 pytest tests/render/test_tree.py

and read the diff before committing it: the golden files are what a student sees.
"""

from __future__ import annotations

import re
from pathlib import Path

import golden
import pytest
from example_models import sample_model

from buildtrace import keras
from buildtrace.render import build_tree, count_in_view, in_teaching_view, render_text
from buildtrace.render.tree import (
    STYLE_RAISE,
    STYLE_SET,
    STYLE_WEIGHT,
    format_shape,
    pair_calls,
    raise_label,
    set_label,
    weight_label,
)
from buildtrace.trace import BUS, Event, JsonlRecorder, read_events

GOLDEN = Path(__file__).parent / "golden"


def seed_build() -> None:
    sample_model("seed")  # samples/seed.py up to its built model


def without_line_numbers(text: str) -> str:
    """``keras/engine/base_layer.py:336`` -> ``keras/engine/base_layer.py:N``.

    The engine's files change; the tree's shape, names, flags and weights must not.
    """
    return re.sub(r"(\.py):\d+", r"\1:N", text)


def check_golden(name: str, text: str) -> None:
    golden.check_golden(GOLDEN / name, text, normalize=without_line_numbers)


@pytest.mark.parametrize(("full", "name"), [(False, "seed_teaching.txt"), (True, "seed_full.txt")])
def test_seed_build_tree_matches_golden(events: list[Event], full: bool, name: str) -> None:
    seed_build()
    check_golden(name, render_text(events, full=full, title="seed build", width=100))


def test_tree_highlights_flags_and_weights(events: list[Event]) -> None:
    seed_build()
    text = render_text(events)
    assert "dense.built = True (was False)" in text
    assert "sequential._graph_initialized = True (was False)" in text
    assert "+ kernel (784, 512) GlorotUniform 401,408 params" in text
    assert "+ bias (10,) Zeros 10 params" in text
    assert "Layer.__call__ [dense] input_shape=(None, 784) → (None, 512)" in text
    sets = [e for e in events if e["kind"] == "set"]
    weights = [e for e in events if e["kind"] == "add_weight"]
    assert set_label(sets[-1]).style == STYLE_SET
    assert weight_label(weights[0]).style == STYLE_WEIGHT


def test_full_view_shows_more_than_the_teaching_view(events: list[Event]) -> None:
    seed_build()
    teaching, full = render_text(events), render_text(events, full=True)
    assert len(full.splitlines()) > len(teaching.splitlines())
    assert "clear_previously_created_nodes" in full and "clear_previously" not in teaching
    assert count_in_view(events, full=True) == len(events) > count_in_view(events)


def test_recorded_trace_renders_like_the_live_one(events: list[Event], tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    recorder = JsonlRecorder(path)
    unsubscribe = BUS.subscribe(recorder)
    try:
        seed_build()
        keras.Sequential([keras.layers.Dense(2)]).build()  # a raise, too
    except ValueError:
        pass
    finally:
        unsubscribe()
        recorder.close()
    replayed = read_events(path)
    assert len(replayed) == len(events)
    for full in (False, True):
        assert render_text(replayed, full=full) == render_text(events, full=full)


def test_an_error_is_shown_in_red_inside_its_call(events: list[Event]) -> None:
    model = keras.Sequential([keras.layers.Dense(4)])
    with pytest.raises(ValueError):
        model.build()
    text = render_text(events)
    assert "Sequential.build [sequential] input_shape=None ✗ ValueError" in text
    assert "✗ ValueError: You must provide an `input_shape` argument." in text
    origin = next(e for e in events if e["kind"] == "raise")
    assert raise_label(origin).style == STYLE_RAISE
    lines = text.splitlines()
    call = next(i for i, line in enumerate(lines) if "Sequential.build" in line)
    assert "✗ ValueError:" in lines[call + 1]  # the error sits inside the call


def test_calls_pair_with_their_ends(events: list[Event]) -> None:
    seed_build()
    ends = pair_calls(events)
    calls = [i for i, e in enumerate(events) if e["kind"] == "call"]
    assert sorted(ends) == calls
    assert all(events[end]["name"] == events[start]["name"] for start, end in ends.items())


def test_a_trace_cut_short_still_renders(events: list[Event]) -> None:
    seed_build()
    cut = events[: len(events) // 2]
    text = render_text(cut, full=True)
    assert "Dense.build [dense]" in text
    assert render_text([]) == "build trace\n"


def test_events_of_unknown_kinds_or_missing_fields_do_not_break_it() -> None:
    odd: list[Event] = [
        {"v": 1, "seq": 0, "t": 0.0, "kind": "telemetry", "name": "x", "depth": 0, "layer": None},
        {"v": 1, "seq": 1, "t": 0.0, "kind": "add_weight", "name": "add_weight", "depth": 0},
        {"v": 1, "seq": 2, "t": 0.0, "kind": "return", "name": "f", "depth": 0, "layer": None},
    ]
    text = render_text(odd, full=True)
    assert "telemetry x" in text and "+ ?" in text


def training_events() -> list[Event]:
    def event(kind: str, **fields: object) -> Event:
        return {"kind": kind, "name": kind, "depth": 1, "layer": "sequential", **fields}

    fit = "keras.engine.training.Model.fit"
    trace: list[Event] = [{"kind": "call", "name": fit, "depth": 0, "layer": "sequential"}]
    trace.append(event("train_begin", epochs=2))
    for epoch in range(2):
        trace.append(event("epoch_begin", epoch=epoch))
        for batch in range(3):
            trace.append(event("batch_end", batch=batch, logs={"loss": 1.0 / (batch + 1)}))
        trace.append(event("epoch_end", epoch=epoch, logs={"loss": 0.5, "accuracy": 0.75}))
    trace.append(event("train_end"))
    trace.append({"kind": "return", "name": fit, "depth": 0, "layer": "sequential"})
    return [{"v": 1, "seq": i, "t": 0.0, **e} for i, e in enumerate(trace)]


def test_training_is_one_line_per_epoch() -> None:
    trace = training_events()
    teaching = render_text(trace)
    assert "epoch 1/2 · loss 0.5000 · accuracy 0.7500 · 3 batches" in teaching
    assert "epoch 2/2" in teaching and "batch" not in teaching.replace("batches", "")
    assert "Model.fit [sequential]" in teaching
    full = render_text(trace, full=True)
    assert "batch end 2 · loss 0.3333" in full and "train begin" in full


def test_format_shape() -> None:
    assert format_shape([None, 784]) == format_shape((None, 784)) == "(None, 784)"
    assert format_shape([5]) == "(5,)"
    assert format_shape([]) == "()"
    assert format_shape([[None, 3], (None, 4)]) == "[(None, 3), (None, 4)]"
    assert format_shape(None) == "None"


def test_teaching_view_keeps_raises_and_drops_plain_returns() -> None:
    base = {"v": 1, "seq": 0, "t": 0.0, "depth": 0, "layer": None}
    assert in_teaching_view({**base, "kind": "raise", "name": "x", "origin": True})
    assert not in_teaching_view({**base, "kind": "raise", "name": "x", "origin": False})
    assert not in_teaching_view({**base, "kind": "return", "name": "x"})


def test_build_tree_has_the_title_as_root(events: list[Event]) -> None:
    seed_build()
    assert str(build_tree(events, title="my title").label) == "my title"
