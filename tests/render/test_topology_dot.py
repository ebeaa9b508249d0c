"""The topology diagram: layers, shapes, params, edges and states, laid out by the real dot.

Regenerate the golden DOT files after a deliberate change with::

    BUILDTRACE_UPDATE_GOLDEN=1 pytest tests/render/test_topology_dot.py

and look at the pictures before committing them (``dot -Tpng golden/x.dot -o x.png``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import golden
import pytest
from dot_layout import edges_of, nodes_of, plain
from example_models import sample_model

from buildtrace import keras
from buildtrace.render.diagrams import topology_dot
from buildtrace.render.escape import dot_id
from buildtrace.render.graph import graph_from_state
from buildtrace.render.model_graph import graph_from_model
from buildtrace.render.topology import TopologyOptions, topology_source
from buildtrace.state.model_state import model_state
from buildtrace.trace import Event

GOLDEN = Path(__file__).parent / "golden"

Layout = Callable[[str], dict[str, Any]]
Record = Callable[[Callable[[], Any]], tuple[list[Event], Any]]

#: What each sample's model holds: layer -> (output shape, params).
EXPECTED = {
    "seed": {
        "dense_input": ("(None, 784)", None),
        "dense": ("(None, 784) → (None, 512)", "401,920 params"),
        "dense_1": ("(None, 512) → (None, 10)", "5,130 params"),
    },
    "functional_branches": {
        "pixels": ("(None, 784)", None),
        "wide": ("(None, 784) → (None, 64)", "50,240 params"),
        "deep_1": ("(None, 784) → (None, 128)", "100,480 params"),
        "deep_2": ("(None, 128) → (None, 64)", "8,256 params"),
        "merge": ("→ (None, 128)", "0 params"),
        "digits": ("(None, 128) → (None, 10)", "1,290 params"),
    },
    "cnn": {
        "input_1": ("(None, 28, 28, 1)", None),
        "conv2d": ("(None, 28, 28, 1) → (None, 26, 26, 16)", "160 params"),
        "max_pooling2d": ("(None, 26, 26, 16) → (None, 13, 13, 16)", "0 params"),
        "conv2d_1": ("(None, 13, 13, 16) → (None, 11, 11, 32)", "4,640 params"),
        "batch_normalization": ("→ (None, 11, 11, 32)", "128 params (64 non-trainable)"),
        "max_pooling2d_1": ("→ (None, 5, 5, 32)", "0 params"),
        "flatten": ("(None, 5, 5, 32) → (None, 800)", "0 params"),
        "dropout": ("(None, 800) → (None, 800)", "0 params"),
        "dense": ("(None, 800) → (None, 10)", "8,010 params"),
    },
}

EDGES = {
    "seed": {("dense_input", "dense"), ("dense", "dense_1")},
    "functional_branches": {
        ("pixels", "wide"),
        ("pixels", "deep_1"),
        ("deep_1", "deep_2"),
        ("wide", "merge"),
        ("deep_2", "merge"),
        ("merge", "digits"),
    },
}

TOTALS = {"seed": "407,050 params", "functional_branches": "160,266 params", "cnn": "12,938 params"}


def check_golden(name: str, text: str) -> None:
    golden.check_golden(GOLDEN / name, text)


@pytest.mark.parametrize("name", ["seed", "functional_branches", "cnn"])
def test_samples_match_their_golden_dot(name: str, sample: Callable[[str], list[Event]]) -> None:
    check_golden(f"{name}_topology.dot", topology_dot(sample(name)))


@pytest.mark.parametrize("name", ["seed", "functional_branches", "cnn"])
def test_every_layer_is_drawn_with_its_shapes_and_params(
    name: str, sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    data = layout(topology_dot(sample(name)))
    nodes = nodes_of(data)
    assert set(nodes) == set(EXPECTED[name])
    for layer, (shapes, params) in EXPECTED[name].items():
        text = plain(nodes[layer]["label"])
        assert layer in text
        assert shapes in text
        if params is None:
            assert "param" not in text  # an input layer has no weights to count
        else:
            assert params in text
    assert TOTALS[name] in plain(data["label"])


@pytest.mark.parametrize("name", ["seed", "functional_branches"])
def test_edges_match_the_graph(
    name: str, sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    data = layout(topology_dot(sample(name)))
    assert {(tail, head) for tail, head, _ in edges_of(data)} == EDGES[name]


def test_cnn_is_one_chain_from_input_to_output(
    sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    layers = list(EXPECTED["cnn"])
    edges = {(t, h) for t, h, _ in edges_of(layout(topology_dot(sample("cnn"))))}
    assert edges == set(itertools.pairwise(layers))


def test_the_inferred_input_layer_is_shown_and_marked(sample: Callable[[str], list[Event]]) -> None:
    graph = graph_from_state(model_state(sample("seed")))
    assert graph.layer("dense_input").inferred_by == "sequential"
    source = topology_dot(sample("seed"))
    assert "inferred: made by sequential" in source
    # The explicit Input of the CNN is an input, not an inferred one.
    assert "inferred" not in plain(topology_dot(sample("cnn"))).split("legend")[0].replace(
        "inferred input", ""
    )


def _positions(data: dict[str, Any]) -> dict[str, tuple[float, float]]:
    return {
        name: tuple(float(v) for v in node["pos"].split(","))  # type: ignore[misc]
        for name, node in nodes_of(data).items()
    }


@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_edges_point_down_or_right_with_rankdir(
    rankdir: str, sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    data = layout(
        topology_dot(sample("functional_branches"), options=TopologyOptions(rankdir=rankdir))
    )
    position = _positions(data)
    for tail, head, _ in edges_of(data):
        (tx, ty), (hx, hy) = position[tail], position[head]
        if rankdir == "TB":
            assert hy < ty  # dot's y grows upwards: the head is lower
        else:
            assert hx > tx


def _labels(source: str, layout: Layout) -> str:
    data = layout(source)
    return " | ".join([plain(data["label"])] + [plain(n["label"]) for n in nodes_of(data).values()])


def test_plot_model_options_show_and_hide_rows(
    sample: Callable[[str], list[Event]], layout: Layout
) -> None:
    events = sample("seed")
    hidden = TopologyOptions(
        show_shapes=False,
        show_layer_names=False,
        show_layer_activations=False,
        show_params=False,
        show_state=False,
    )
    bare = _labels(topology_dot(events, options=hidden), layout)
    assert "(None, 512)" not in bare and "dense_1" not in bare and "relu" not in bare
    assert "param" not in bare and "built" not in bare and "Dense" in bare
    options = TopologyOptions(show_dtype=True, show_trainable=True)
    full = _labels(topology_dot(events, options=options), layout)
    assert "dtype: float32" in full and "trainable: yes" in full
    source = topology_dot(events, options=TopologyOptions(dpi=200, rankdir="LR"))
    assert "dpi=200" in source and "rankdir=LR" in source


def test_bad_options_say_what_was_received() -> None:
    with pytest.raises(ValueError, match="Received: rankdir='XY'"):
        TopologyOptions(rankdir="XY")
    with pytest.raises(ValueError, match="Received: dpi=0"):
        TopologyOptions(dpi=0)


def test_an_unbuilt_sequential_shows_what_is_known(record: Record, layout: Layout) -> None:
    events, _ = record(
        lambda: keras.Sequential(
            [keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10)]
        )
    )
    data = layout(topology_dot(events))
    nodes = nodes_of(data)
    assert "not built" in plain(nodes["dense"]["label"])
    assert "relu" in plain(nodes["dense"]["label"])
    assert "no weights yet" in plain(nodes["dense"]["label"])
    # No input yet: a placeholder, and dashed edges for connections not made yet.
    assert "__awaiting_input__" in nodes
    styles = {(t, h): e.get("style") for t, h, e in edges_of(data)}
    assert styles == {("__awaiting_input__", "dense"): "dashed", ("dense", "dense_1"): "dashed"}
    assert "not built" in plain(data["label"]) and "no weights yet" in plain(data["label"])


def test_the_state_at_any_step(sample: Callable[[str], list[Event]]) -> None:
    events = sample("seed")
    built = next(
        e["seq"] for e in events if e["kind"] == "set" and e["layer"] == "dense" and e["value"]
    )
    during = graph_from_state(model_state(e for e in events if e["seq"] < built))
    after = graph_from_state(model_state(e for e in events if e["seq"] <= built))
    assert during.layer("dense").focus and not during.layer("dense").built
    assert during.layer("dense").params == 401_920  # its weights exist: built is next
    assert after.layer("dense").built
    assert not after.layer("dense_1").built and after.layer("dense_1").params is None
    source = topology_dot(events, at=built - 1)
    assert "being built" in source and "at seq" in source


def test_a_live_model_draws_like_its_trace(record: Record) -> None:
    def seed() -> Any:
        return sample_model("seed")

    def two_branches() -> Any:
        return sample_model("functional_branches")

    def unbuilt() -> Any:
        return keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])

    options = TopologyOptions(expand_nested=True, show_dtype=True, show_trainable=True)
    for make in (seed, two_branches, unbuilt):
        events, model = record(make)
        from_trace = topology_source(graph_from_state(model_state(events)), options)
        assert topology_source(graph_from_model(model), options) == from_trace, make.__name__


def nested_model() -> Any:
    inner = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(3)], name="inner")
    inputs = keras.Input(shape=(5,), name="x")
    return keras.Model(inputs, keras.layers.Dense(2, name="head")(inner(inputs)), name="outer")


def test_expand_nested_draws_the_inner_model_as_a_cluster(record: Record, layout: Layout) -> None:
    events, model = record(nested_model)
    closed = layout(topology_dot(events))
    assert set(nodes_of(closed)) == {"x", "inner", "head"}
    opened = layout(topology_dot(events, options=TopologyOptions(expand_nested=True)))
    assert [c["name"] for c in opened["objects"] if c["name"].startswith("cluster")] == [
        "cluster_inner"
    ]
    edges = {(t, h) for t, h, _ in edges_of(opened)}
    # Into the inner model's first layers, out of its last one.
    assert ("dense", "dense_1") in edges and ("dense_1", "head") in edges
    assert topology_dot(model, options=TopologyOptions(expand_nested=True)) == topology_dot(
        events, options=TopologyOptions(expand_nested=True)
    )


def test_several_inputs_and_outputs(record: Record, layout: Layout) -> None:
    def make() -> Any:
        a = keras.Input(shape=(3,), name="a")
        b = keras.Input(shape=(4,), name="b")
        both = keras.layers.Concatenate(name="both")([a, b])
        left = keras.layers.Dense(2, name="left")(both)
        right = keras.layers.Dense(1, name="right")(both)
        return keras.Model([a, b], [left, right], name="two_by_two")

    events, _ = record(make)
    for rankdir in ("TB", "LR"):
        data = layout(topology_dot(events, options=TopologyOptions(rankdir=rankdir)))
        edges = {(t, h) for t, h, _ in edges_of(data)}
        assert edges == {("a", "both"), ("b", "both"), ("both", "left"), ("both", "right")}
        assert "[(None, 3), (None, 4)]" in plain(nodes_of(data)["both"]["label"])


def test_a_functional_model_before_keras_model_shows_its_loose_layers(record: Record) -> None:
    def make() -> Any:
        x = keras.Input(shape=(3,), name="x")
        return keras.layers.Dense(2, name="y")(x)

    events, _ = record(make)
    graph = graph_from_state(model_state(events))
    assert graph.name is None and [layer.name for layer in graph.layers] == ["x", "y"]
    assert "layers so far" in topology_dot(events)


def test_asking_for_a_model_the_trace_lacks(sample: Callable[[str], list[Event]]) -> None:
    with pytest.raises(
        ValueError, match=r"no model named 'nope' in this trace \(models: sequential\)"
    ):
        topology_dot(sample("seed"), model="nope")


def test_node_ids_survive_colons_in_names(record: Record, layout: Layout) -> None:
    # Graphviz reads ``a:b`` as node ``a``, port ``b``: the node gets an id of its own,
    # and its label still says ``a:b``.
    events, _ = record(lambda: keras.Sequential([keras.layers.Dense(2, name="a:b")]))
    source = topology_dot(events)
    assert dot_id("a:b") in nodes_of(layout(source))
    assert "<B>a:b</B>" in source
