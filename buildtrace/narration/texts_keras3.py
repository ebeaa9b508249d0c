"""Lessons of Keras 3's own build steps (traces recorded with ``--engine keras3``).

Keras 3 names are ``keras3.<module>.<function>`` (its sources live in ``keras/src/``).
Each lesson says what the step does and which Keras 2 step it replaces, so a student
who knows the Keras 2 build can read the Keras 3 one.
"""

from __future__ import annotations

from buildtrace.narration.registry import function

_K3 = "keras3."


def _lesson(name: str, title: str, call: str, replaces: str) -> None:
    parts = name.removeprefix(_K3).split(".")
    cut = next((i for i, part in enumerate(parts) if part[:1].isupper()), len(parts) - 1)
    mirrors = f"keras/src/{'/'.join(parts[:cut])}.py::{'.'.join(parts[cut:])}"
    function(
        name,
        title=title,
        why=f"In Keras 2: {replaces}",
        call=call,
        mirrors=mirrors,
    )


_lesson(
    "keras3.models.sequential.Sequential.build",
    "Sequential.build (Keras 3) — build the model for an input shape",
    "Keras 3's Sequential.build makes an InputLayer for the shape, calls every layer on "
    "its output in turn, and wraps the result in a Functional model that the Sequential "
    "then delegates to.",
    "Sequential.build went through _build_graph_network_for_inferred_shape and "
    "Functional._init_graph_network on the Sequential itself, and set _graph_initialized; "
    "Keras 3 has no _graph_initialized flag.",
)
_lesson(
    "keras3.layers.layer.Layer.__call__",
    "Layer.__call__ (Keras 3) — call a layer on its inputs",
    "The layer checks its inputs, builds itself on the first call (_maybe_build), then "
    "runs through Operation.__call__: on symbolic inputs that is symbolic_call, which "
    "asks compute_output_spec for the output's shape without computing anything.",
    "Layer.__call__ went through _functional_construction_call, _keras_tensor_symbolic_call "
    "and _infer_output_signature, which ran call() inside a scratch graph.",
)
_lesson(
    "keras3.layers.layer.Layer._maybe_build",
    "Layer._maybe_build (Keras 3) — build the layer the first time it is called",
    "If the layer is not built yet, its build runs for the input's shape, wrapped by "
    "build_wrapper, which sets built = True and locks the layer's state afterwards.",
    "Layer._maybe_build called the layer's build and then Layer.build again, which is "
    "why built = True was written twice.",
)
_lesson(
    "keras3.layers.layer.Layer.__new__.<locals>.build_wrapper",
    "build_wrapper (Keras 3) — run the layer's own build, then mark it built",
    "Keras 3 wraps every layer's build when the layer is created: the wrapper runs the "
    "build you wrote, then sets built = True and locks the layer's state, whether or not "
    "your build called super().build().",
    "Layer._maybe_build called Layer.build a second time after the layer's own build to "
    "make sure built was set.",
)
_lesson(
    "keras3.layers.layer.Layer.add_weight",
    "Layer.add_weight (Keras 3) — create one weight",
    "A backend variable is made with the shape, initializer and dtype asked for, and "
    "tracked by the layer.",
    "Layer.add_weight made a tf.Variable through the layer's add_variable machinery.",
)
_lesson(
    "keras3.ops.operation.Operation.__call__",
    "Operation.__call__ (Keras 3) — every layer is an operation",
    "A Keras 3 layer is an Operation: on real tensors it calls call(); on symbolic "
    "KerasTensors it calls symbolic_call, which only works out the output's shape.",
    "there was no Operation class: Layer.__call__ decided between eager and functional "
    "construction itself.",
)
_lesson(
    "keras3.layers.layer.Layer.symbolic_call",
    "symbolic_call (Keras 3) — shapes without data",
    "The layer is applied to symbolic inputs: compute_output_spec gives the output's "
    "shape and dtype, and a Node records the call in the graph.",
    "_keras_tensor_symbolic_call and _infer_output_signature ran call() on placeholders "
    "in a scratch TensorFlow graph to learn the output's shape.",
)
_lesson(
    "keras3.layers.layer.Layer.compute_output_spec",
    "compute_output_spec (Keras 3) — the output's shape and dtype",
    "The layer says what its output will look like (from compute_output_shape, or by "
    "running call() on symbolic inputs) without computing any value.",
    "_infer_output_signature traced call() in a scratch graph.",
)
_lesson(
    "keras3.models.functional.Functional.__init__",
    "Functional.__init__ (Keras 3) — a graph of layers from inputs to outputs",
    "The model is made from its inputs and outputs: ops/function.py maps the graph "
    "(map_graph) from the outputs back to the inputs, and the model is built.",
    "Functional._init_graph_network and _map_graph_network did this, and a Sequential did "
    "it on itself.",
)
_lesson(
    "keras3.ops.function.map_graph",
    "map_graph (Keras 3) — order the graph's nodes",
    "Starting from the outputs, every node is visited back to the inputs, so the model "
    "knows in which order to run its layers.",
    "functional._map_graph_network and _build_map / _build_map_helper did the same walk.",
)
