"""The topology drawn in the terminal: chains, forks, merges, skipped rows, and the listing
a branching model falls back to when the panel cannot hold its picture."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from buildtrace.runner import run_script
from buildtrace.state.model_state import ModelState, model_state
from buildtrace.trace import Event
from tui.topology_drawing import TopologyDrawing, TopologyStyles, snapshot
from tui.topology_layout import Net, lines_between

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "functional_branches.py"

#: conftest.py's ``make_trace``: run a script in-process, return its trace file.
MakeTrace = Callable[..., Path]

TWO_INPUTS = """
    from tensorflow import keras
    from tensorflow.keras import layers

    image = keras.Input(shape=(784,), name="image")
    meta = keras.Input(shape=(8,), name="meta")
    encoded = layers.Dense(32, name="encode")(image)
    embedded = layers.Dense(8, name="embed")(meta)
    joined = layers.Concatenate(name="join")([encoded, embedded])
    outputs = layers.Dense(10, name="head")(joined)
    model = keras.Model(inputs=[image, meta], outputs=outputs, name="two_inputs")
"""


def read(trace: Path) -> list[Event]:
    with trace.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


@pytest.fixture(scope="module")
def branches() -> list[Event]:
    """The functional_branches sample's events, recorded in-process."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "functional_branches.jsonl"
        run_script(SAMPLE, recorder_path=trace)
        return read(trace)


def wired(*layers: tuple[str, str, list[str]]) -> ModelState:
    """The state after a functional model's wiring: each layer made, then called on its
    inputs (``(name, class, inputs)``; no inputs: an ``Input``) and built."""
    events: list[Event] = []
    for name, cls, _ in layers:
        events.append({"kind": "return", "name": "keras.engine.base_layer.Layer.__init__",
                       "layer": name, "cls": cls, "depth": 0})  # fmt: skip
    for name, _, inputs in layers:
        events.append({"kind": "call", "name": "keras.engine.node.Node.__init__", "depth": 0,
                       "layer": name, "node_of": name, "inbound": [[s, 0, 0] for s in inputs],
                       "output_shapes": [[None, 8]]})  # fmt: skip
        events.append({"kind": "return", "name": "keras.engine.node.Node.__init__",
                       "layer": name, "depth": 0})  # fmt: skip
        events.append({"kind": "set", "name": "built", "layer": name, "attr": "built",
                       "old": False, "value": True, "depth": 0})  # fmt: skip
    for seq, event in enumerate(events):
        event["seq"] = seq
    return model_state(events)


def drawn(state: ModelState, width: int, height: int) -> tuple[str, list[str]]:
    """The form drawn and its lines as plain text."""
    drawing = TopologyDrawing(snapshot(state), width, height)
    lines = [line.plain.rstrip() for line in drawing.lines()]
    return drawing.form, lines


def picture(text: str) -> list[str]:
    """A picture written in a test: its lines, less the 8 columns of the test's indent."""
    return [line[8:] for line in text.lstrip("\n").rstrip().splitlines()]


def columns(line: str, glyphs: Iterable[str]) -> list[int]:
    return [x for x, char in enumerate(line) if char in glyphs]


# ----------------------------------------------------------------------------- chains
def test_a_chain_looks_as_it_always_has(seed_trace: Path) -> None:
    state = model_state(read(seed_trace))
    assert [len(level) for level in snapshot(state).levels] == [1, 1, 1]
    assert drawn(state, 24, 9) == ("graph", picture("""
         dense_input ✓
         InputLayer (None,784)
                   │
         dense ✓
         Dense (None,512)
                   │
         dense_1 ✓
         Dense (None,10)
    """))  # fmt: skip
    _, lines = drawn(state, 24, 11)  # framed boxes when there is room
    assert lines[:4] == ["╭ dense_input ✓ ───────╮", "│ InputLayer (None,784)│",
                         "╰──────────────────────╯", "           │"]  # fmt: skip


def test_layers_not_connected_yet_are_joined_by_a_dotted_line(seed_trace: Path) -> None:
    events = read(seed_trace)
    build = next(i for i, e in enumerate(events) if e["name"].endswith("Sequential.build"))
    form, lines = drawn(model_state(events[:build]), 24, 9)
    assert form == "graph"
    assert [line.strip() for line in lines if line.strip() in "│┊"] == ["┊"]
    assert "dense ✗" in lines[0] and "dense_1 ✗" in lines[lines.index("           ┊") + 1]


def test_a_long_chain_is_cut_at_the_bottom_not_listed() -> None:
    layers = [("x", "InputLayer", [])] + [
        (f"dense_{n}", "Dense", [f"dense_{n - 1}" if n else "x"]) for n in range(30)
    ]
    form, lines = drawn(wired(*layers), 24, 9)
    assert form == "graph" and len(lines) == 9
    assert lines[1].strip() == "│" and "dense_0" in lines[2]


# ----------------------------------------------------------------------- forks, merges
def test_a_fork_splits_down_to_each_layer_it_feeds() -> None:
    state = wired(("x", "InputLayer", []), ("hidden", "Dense", ["x"]),
                  ("digit", "Dense", ["hidden"]), ("parity", "Dense", ["hidden"]))  # fmt: skip
    assert drawn(state, 24, 9) == ("graph", picture("""
               x ✓
               (None,8)
                   │
               hidden ✓
               (None,8)
             ┌─────┴─────┐
         digit ✓     parity ✓
         (None,8)    (None,8)
    """))  # fmt: skip


def test_a_merge_with_a_skipped_row_in_the_panel(branches: list[Event]) -> None:
    form, lines = drawn(model_state(branches), 24, 9)
    assert (form, lines) == ("graph", picture("""
               pixels ✓
             ┌─────┴─────┐
         wide ✓      deep_1 ✓
             │           │
             │       deep_2 ✓
             └─────┬─────┘
               merge ✓
                   │
               digits ✓
    """))  # fmt: skip


def test_a_merge_takes_both_its_inputs_lines(branches: list[Event]) -> None:
    """Wide (row 1) and deep_2 (row 2) both reach merge (row 3): wide's line runs down
    past deep_2's row in a column of its own and joins deep_2's at merge."""
    form, lines = drawn(model_state(branches), 56, 30)  # the presenter's width
    assert form == "graph"
    fork = next(line for line in lines if "┴" in line)
    merge = next(line for line in lines if "┬" in line)
    wide, junction, deep = columns(merge, "└┬┘")
    assert merge.strip().replace("─", "") == "└┬┘"  # one unbroken bar into merge
    assert columns(fork, "┌┐") == [wide, deep]
    rows = {name: next(i for i, line in enumerate(lines) if f"╭ {name} " in line)
            for name in ("wide", "deep_1", "deep_2", "merge")}  # fmt: skip
    past_deep_2 = lines[rows["wide"] + 3 : lines.index(merge)]
    assert past_deep_2 and all(line[wide] == "│" for line in past_deep_2)
    assert lines[rows["deep_1"] + 3][deep] == "│"  # deep_1 on down to deep_2
    label = lines[rows["deep_2"] + 1]  # the line goes by deep_2's box, not through it
    assert label[wide] == "│" and "│ Dense (None,64)" in label[wide + 1 :]
    assert rows["wide"] == rows["deep_1"] and rows["deep_2"] < rows["merge"]
    box = lines[rows["merge"]]  # merge's box is under the junction
    assert box.index("╭") < junction < box.index("╮")


def test_two_inputs_merge_without_a_fork(make_trace: MakeTrace) -> None:
    state = model_state(read(make_trace(TWO_INPUTS, "two_inputs")))
    assert [[box.name for box in level] for level in snapshot(state).levels] == [
        ["image", "meta"], ["encode", "embed"], ["join"], ["head"]
    ]  # fmt: skip
    assert drawn(state, 24, 9) == ("graph", picture("""
         image ✓     meta ✓
             │           │
         encode ✓    embed ✓
             └─────┬─────┘
               join ✓
                   │
               head ✓
    """))  # fmt: skip


def test_the_layer_being_built_is_highlighted(branches: list[Event]) -> None:
    build = next(i for i, e in enumerate(branches)
                 if e["kind"] == "call" and e["name"].endswith("Dense.build")
                 and e["layer"] == "deep_2")  # fmt: skip
    styles = TopologyStyles()
    topology = snapshot(model_state(branches[: build + 1]))
    assert topology.focus == "deep_2"
    lines = TopologyDrawing(topology, 24, 9, styles=styles).lines()
    line = next(line for line in lines if "deep_2" in line.plain)
    start = line.plain.index("deep_2")
    assert any(span.style == styles.focus and span.start < start < span.end for span in line.spans)


# ------------------------------------------------------------------------- the listing
def test_too_short_for_the_picture_a_branching_model_is_listed(branches: list[Event]) -> None:
    assert drawn(model_state(branches), 24, 8) == ("listing", [
        " pixels ✓ (None,784)",
        " wide ✓ ← pixels",
        " deep_1 ✓ ← pixels",
        " deep_2 ✓ ← deep_1",
        " merge ✓ ← wide, deep_2",
        " digits ✓ ← merge",
    ])  # fmt: skip


def test_too_narrow_for_the_names_side_by_side_it_is_listed(branches: list[Event]) -> None:
    form, lines = drawn(model_state(branches), 14, 40)
    assert form == "listing"
    assert lines[4] == " merge ✓ ← wi…" and lines[0] == " pixels ✓"
    assert not any(glyph in "".join(lines) for glyph in "│─┌┐└┘┬┴")
    form, lines = drawn(model_state(branches), 16, 40)  # bare names fit side by side
    assert form == "graph" and lines[:3] == ["     pixels", "   ┌───┴───┐", " wide    deep_1"]


def test_a_picture_too_wide_for_the_panel_is_listed() -> None:
    heads = [(f"head_{n}", "Dense", ["x"]) for n in range(4)]
    state = wired(("x", "InputLayer", []), *heads)
    assert drawn(state, 24, 20)[0] == "listing"
    form, lines = drawn(state, 60, 20)
    fork = next(line for line in lines if "┴" in line)
    assert form == "graph" and fork.strip() == "┌─────────────┬──────┴──────┬─────────────┐"


def test_lines_that_would_read_both_ways_are_listed_instead() -> None:
    # meta feeds both join (a merge) and aux on the same row: its junction would let
    # image's line seem to reach aux too.
    state = wired(
        ("image", "InputLayer", []),
        ("meta", "InputLayer", []),
        ("join", "Concatenate", ["image", "meta"]),
        ("aux", "Dense", ["meta"]),
    )
    form, lines = drawn(state, 60, 20)
    assert form == "listing" and " join ✓ (None,8) ← image, meta" in lines


def test_a_layer_called_on_its_own_output_is_listed() -> None:
    state = wired(("x", "InputLayer", []), ("shared", "Dense", ["x", "shared"]))
    assert snapshot(state).drawable is False
    assert drawn(state, 60, 20) == ("listing", [" x ✓ (None,8)", " shared ✓ (None,8) ← x, shared"])


def test_an_empty_model() -> None:
    assert drawn(ModelState(), 24, 9) == ("empty", ["no layers yet"])


# --------------------------------------------------------------------- between two rows
def test_a_crossing_never_looks_like_a_junction() -> None:
    # A fork from x=2 to 0 and 8, and a straight line at x=5 crossing it.
    assert lines_between([Net([2], [0, 8], True), Net([5], [5], True)], 10) == ["┌─┴──│──┐ "]


def test_overlapping_nets_take_a_track_each() -> None:
    lines = lines_between([Net([6], [2, 10], True), Net([3], [7, 11], True)], 12)
    assert lines == ["  ┌│──┴───┐ ", "  │└───┬──│┐"]


def test_a_line_ending_where_another_starts_goes_below_it() -> None:
    # One net ends at x=6 where the other starts: the one leaving x=6 is drawn above.
    assert lines_between([Net([2], [6], True), Net([6], [9], True)], 12) == [
        "  │   └──┐  ",
        "  └───┐  │  ",
    ]
