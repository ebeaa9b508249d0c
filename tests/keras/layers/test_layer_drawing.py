"""The trace's model state and the topology graph see the added layers as Keras does:
a cell's weights count for its RNN, a wrapper is drawn as ``Bidirectional(GRU)``.

Before, the state fold gave every ``add_weight`` to the layer that called it, so an LSTM
(whose weights its ``lstm_cell`` creates) was drawn with 0 parameters.
"""

from __future__ import annotations

from buildtrace import keras
from buildtrace.keras import backend
from buildtrace.render.graph import graph_from_state
from buildtrace.render.topology import topology_source
from buildtrace.state.model_state import ModelState
from buildtrace.trace import BUS, Event

layers = keras.layers


def _state_of_build() -> tuple[ModelState, keras.Model]:
    backend.clear_session()
    events: list[Event] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        model = keras.Sequential(
            [
                keras.Input(shape=(7, 3)),
                layers.Bidirectional(layers.GRU(4, return_sequences=True)),
                layers.LSTM(5),
                layers.Dense(2),
            ]
        )
    finally:
        unsubscribe()
    state = ModelState()
    for event in events:
        state.apply(event)
    return state, model


def test_cell_weights_count_for_the_rnn_that_holds_the_cell() -> None:
    state, model = _state_of_build()
    for layer in model.layers:
        assert state.layers[layer.name].params == layer.count_params(), layer.name
    assert state.layers["lstm"].params == 8 * 20 + 5 * 20 + 20
    assert state.layers["bidirectional"].params == 2 * (3 * 12 + 4 * 12 + 2 * 12)


def test_topology_names_the_wrapped_layer_and_counts_all_parameters() -> None:
    state, model = _state_of_build()
    graph = graph_from_state(state)
    by_name = {layer.name: layer for layer in graph.layers}
    assert by_name["bidirectional"].cls == "Bidirectional(GRU)"
    assert graph.params == model.count_params()
    assert "Bidirectional(GRU)" in topology_source(graph)
