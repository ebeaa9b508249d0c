"""The teaching set: the events a student needs to follow a Keras build.

A full trace holds every traced call. Reduced to the functions below, the writes of
``built``/``_graph_initialized`` that matter and the weights created, buildtrace's
trace of a build reads exactly like real Keras 2's reduced the same way (the test suite
checks this against a recording of tf-keras 2.21).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from buildtrace.state.keras3_names import KERAS3_TEACHING_FUNCTIONS, is_keras3_layer_method
from buildtrace.trace import Event, keras_names

#: Engine functions of the teaching set, by Keras 2 name.
KERAS2_TEACHING_FUNCTIONS = frozenset(
    keras_names.ENGINE + name
    for name in (
        "sequential.Sequential.__init__",
        "sequential.Sequential.add",
        "sequential.Sequential.build",
        "sequential.Sequential.pop",
        "sequential.Sequential.call",
        "sequential.Sequential._build_graph_network_for_inferred_shape",
        "input_layer.Input",
        "input_layer.InputLayer.__init__",
        "node.Node.__init__",
        "base_layer.Layer.__init__",
        "base_layer.Layer.__call__",
        "base_layer.Layer._functional_construction_call",
        "base_layer.Layer._keras_tensor_symbolic_call",
        "base_layer.Layer._infer_output_signature",
        "base_layer.Layer._maybe_build",
        "base_layer.Layer.build",
        "base_layer.Layer.add_weight",
        "base_layer.Layer._set_connectivity_metadata",
        "input_spec.assert_input_compatibility",
        "functional.Functional.__init__",
        "functional.Functional.call",
        "functional.Functional._run_internal_graph",
        "functional.Functional._init_graph_network",
        "functional.Functional._validate_graph_inputs_and_outputs",
        "functional.Functional._set_output_names",
        "functional.Functional._compute_tensor_usage_count",
        "functional._map_graph_network",
        "functional._build_map",
        "functional._build_map_helper",
        "training.Model.build",
        "training.Model.compile",
        "training.Model.fit",
        "training.Model.train_step",
        "training.Model.predict",
        "training.Model.predict_step",
        # A preprocessing layer is built by `adapt`, before any model exists.
        "base_preprocessing_layer.PreprocessingLayer.adapt",
    )
)

#: ... and Keras 3's (a trace of ``--engine keras3``), which replace them there.
TEACHING_FUNCTIONS = KERAS2_TEACHING_FUNCTIONS | KERAS3_TEACHING_FUNCTIONS

#: Classes whose events are left out: Keras 2 makes metrics Layers too.
METRIC_CLASSES = frozenset({"Mean", "MeanMetricWrapper", "Sum", "Metric"})

#: A reduced event: a tuple that compares equal across buildtrace and Keras.
Step = tuple[Any, ...]


def is_concrete_layer_method(name: str) -> bool:
    """``keras.layers.core.dense.Dense.build`` / ``.call`` of a concrete layer (Keras 2
    or Keras 3)."""
    if name.startswith(keras_names.LAYERS):
        return name.rsplit(".", 1)[-1] in {"build", "call"}
    return is_keras3_layer_method(name)


def teaching_step(event: Event) -> Step | None:
    """The reduced form of one event, or None when the teaching set leaves it out."""
    if event.get("cls") in METRIC_CLASSES:
        return None
    kind = event["kind"]
    if kind == "call":
        name = event["name"]
        if name in TEACHING_FUNCTIONS or is_concrete_layer_method(name):
            return ("call", name, event.get("layer") if "cls" in event else None)
        return None
    if kind == "set":
        value, old = event.get("value"), event.get("old")
        if value is True or (old is True and value is False):
            return ("set", event.get("layer"), event["attr"], value)
        return None
    if kind == "add_weight":
        shape = tuple(event["shape"])
        return ("add_weight", event["layer"], event["weight"], shape, event["initializer"])
    if kind == "raise" and event.get("origin", True):
        name = event["name"]
        if name in TEACHING_FUNCTIONS or is_concrete_layer_method(name):
            return ("raise", name, event["error_type"], event["message"])
    return None


def teaching_steps(events: Iterable[Event]) -> list[Step]:
    """The teaching set of a trace, in order."""
    steps = (teaching_step(e) for e in events)
    return [s for s in steps if s is not None]
