"""The build-trace diagram: stages as clusters in order, weights on their build, flags.

Regenerate the golden DOT files after a deliberate change with::

    BUILDTRACE_UPDATE_GOLDEN=1 pytest tests/render/test_build_diagram.py
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dot_layout import clusters_of, edges_of, nodes_of, plain
from golden import check_golden

from buildtrace import keras
from buildtrace.render.build_diagram import BuildOptions, build_source
from buildtrace.state.build_stages import build_stages
from buildtrace.trace import Event

GOLDEN = Path(__file__).parent / "golden"

Layout = Callable[[str], dict[str, Any]]
Record = Callable[[Callable[[], Any]], tuple[list[Event], Any]]


@pytest.mark.parametrize("name", ["seed", "functional_branches", "cnn"])
def test_samples_match_their_golden_dot(name: str, sample: Callable[[str], list[Event]]) -> None:
    check_golden(GOLDEN / f"{name}_build.dot", build_source(sample(name)))


def _center(node: dict[str, Any]) -> tuple[float, float]:
    x, y = node["pos"].split(",")
    return float(x), float(y)


def assert_reading_order(data: dict[str, Any], tops: list[str]) -> None:
    """Each stage's top box is right of the one before on the same row, or on a lower row."""
    nodes = nodes_of(data)
    for before, after in itertools.pairwise(tops):
        (bx, by), (ax, ay) = _center(nodes[before]), _center(nodes[after])
        assert ay < by or (ay == by and ax > bx), (before, after)


@pytest.mark.parametrize("name", ["seed", "functional_branches", "cnn"])
def test_stages_are_clusters_in_reading_order(
    name: str, sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    events = sample(name)
    data = layout(build_source(events))
    clusters = [c for c in clusters_of(data) if c["name"].startswith("cluster_stage")]
    numbers = [int(c["name"].removeprefix("cluster_stage")) for c in clusters]
    assert numbers == sorted(numbers) and numbers[0] == 1
    for cluster, number in zip(clusters, numbers):
        assert plain(cluster["label"]).startswith((f"{number} ·", f"{number}–"))
    tops = []
    nodes = nodes_of(data)
    for number in numbers:
        stage = build_stages(events)[number - 1]
        top = f"e{(stage.path or [stage.header])[0].seq}"
        tops.append(top if top in nodes else f"c{stage.layer_calls[0].seq}")
    assert_reading_order(data, tops)


def test_seed_stages_are_those_of_sequential_build(
    sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    data = layout(build_source(sample("seed")))
    titles = [plain(c["label"]) for c in clusters_of(data) if c["name"].startswith("cluster_stage")]
    assert titles[0].startswith("1 · input-shape check")
    assert titles[1].startswith("2 · _build_graph_network_for_inferred_shape")
    assert titles[2].startswith("3 · _init_graph_network")
    assert "How sequential is built" in plain(data["label"])
    assert "4 weights created" in plain(data["label"])


def test_weights_hang_from_the_build_that_made_them(
    sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    events = sample("seed")
    data = layout(build_source(events))
    nodes = nodes_of(data)
    builds = {
        e["layer"]: f"e{e['seq']}"
        for e in events
        if e["kind"] == "call" and e["name"].endswith("Dense.build")
    }
    children: dict[str, list[str]] = {}
    for tail, head, _ in edges_of(data):
        children.setdefault(tail, []).append(plain(nodes[head]["label"]))
    assert any(label.startswith("+ kernel (784, 512)") for label in children[builds["dense"]])
    assert any(label.startswith("+ bias (512,)") for label in children[builds["dense"]])
    assert any(label.startswith("+ kernel (512, 10)") for label in children[builds["dense_1"]])
    assert "401,408 params" in " ".join(children[builds["dense"]])


def test_flag_changes_are_marked_where_they_happen(
    sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    events = sample("seed")
    nodes = nodes_of(layout(build_source(events)))
    for event in events:
        if event["kind"] == "set" and event["old"] is False and event["value"] is True:
            # The call that wrote it is the innermost open call of the teaching set.
            writers = [
                n for n in nodes.values() if f"⚑ {event['layer']}.built = True" in plain(n["label"])
            ]
            if event["attr"] == "built" and event["layer"] in ("dense", "dense_1"):
                assert [plain(w["label"]).split()[0] for w in writers] == ["Layer.build"]
    texts = [plain(n["label"]) for n in nodes.values()]
    assert any("⚑ sequential._graph_initialized = True" in t for t in texts)
    assert any("built = True again" in t for t in texts)  # the second write, pale


def test_the_error_shows_in_the_check(record: Record, layout: Layout) -> None:
    def make() -> Any:
        model = keras.Sequential([keras.layers.Dense(2)])
        with pytest.raises(ValueError):
            model.build()
        return model

    events, _ = record(make)
    nodes = nodes_of(layout(build_source(events)))
    errors = [plain(n["label"]) for n in nodes.values() if "✗ ValueError" in plain(n["label"])]
    assert any("You must provide an `input_shape` argument." in text for text in errors)


def test_a_deferred_build_shows_its_trigger_first(record: Record, layout: Layout) -> None:
    def make() -> Any:
        model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.ones((8, 4), "float32"), np.ones((8, 1), "float32"), epochs=1, verbose=0)
        return model

    events, _ = record(make)
    data = layout(build_source(events))
    first = clusters_of(data)[0]
    assert plain(first["label"]).startswith("1 · trigger")
    nodes = nodes_of(data)
    chain = [plain(nodes[n]["label"]).split()[0] for n in _chain_from(data, _top_of(events))]
    assert chain[:4] == ["Model.fit", "Model.train_step", "Layer.__call__", "Sequential.call"]


def _top_of(events: list[Event]) -> str:
    return f"e{build_stages(events)[0].path[0].seq}"


def _chain_from(data: dict[str, Any], start: str) -> list[str]:
    """Follow the first call edge of each box down from ``start``."""
    nodes = nodes_of(data)
    down = {}
    for tail, head, edge in edges_of(data):
        if edge.get("style") != "invis" and tail not in down:
            label = plain(nodes[head]["label"])
            if not label.startswith("Layer._maybe_build"):
                down[tail] = head
    chain = [start]
    while chain[-1] in down and len(chain) < 10:
        chain.append(down[chain[-1]])
    return chain


def test_twenty_layers_stay_legible(record: Record, layout: Layout) -> None:
    def make() -> Any:
        model = keras.Sequential([keras.layers.Dense(8) for _ in range(20)])
        model.build((None, 4))
        return model

    events, _ = record(make)
    data = layout(build_source(events))
    nodes = nodes_of(data)
    text = " ".join(plain(n["label"]) for n in nodes.values())
    for index in range(20):
        name = "dense" if index == 0 else f"dense_{index}"
        assert f"{name}.built = True" in text  # every layer is there, with its flag
    # Two layers call by call, eighteen in one compact box each: far from 20 full trees.
    assert len(nodes) < 70
    assert sum("dense_" in plain(n["label"]).split()[0] for n in nodes.values()) >= 18
    assert any("18 more" in e.get("label", "") for _, _, e in edges_of(data))
    assert "… × 18 more" in text  # the _build_map_helper recursion, collapsed


def test_functional_calls_past_the_detail_are_grouped(
    sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    data = layout(build_source(sample("functional_branches"), BuildOptions(detail=1)))
    titles = [plain(c["label"]) for c in clusters_of(data) if c["name"].startswith("cluster_stage")]
    assert titles[2].startswith("3–6 · the same again for 4 more layers")
    assert titles[-1].startswith("7 · keras.Model(inputs, outputs)")


def test_no_build_yet(layout: Layout) -> None:
    data = layout(build_source([]))
    assert "no build in this trace" in plain(next(iter(nodes_of(data).values()))["label"])
