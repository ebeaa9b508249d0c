"""Keras 3's names for the steps the folds read, beside the Keras 2 steps they replace.

A trace recorded with ``--engine keras3`` names its calls ``keras3.<module>.<function>``
(Keras 3's sources live in ``keras/src/``): its functions are its own, and a fold must
never read one as a Keras 2 function. The model is still made of the same facts (a layer
created, a node wired, a weight added, ``built`` written), so each fold takes both
names for a fact; this module is where the Keras 3 ones live, with what they replace.

Example:
    >>> KERAS3_LAYER_INIT
    'keras3.layers.layer.Layer.__init__'
    >>> is_keras3("keras3.models.sequential.Sequential.build")
    True
"""

from __future__ import annotations

PREFIX = "keras3."

# The facts of a build: Keras 3 name (Keras 2 counterpart).
KERAS3_LAYER_INIT = "keras3.layers.layer.Layer.__init__"  # base_layer.Layer.__init__
KERAS3_MODEL_INIT = "keras3.models.model.Model.__init__"  # training.Model.__init__
KERAS3_NODE_INIT = "keras3.ops.node.Node.__init__"  # node.Node.__init__
KERAS3_ADD = "keras3.models.sequential.Sequential.add"  # sequential.Sequential.add
#: ``ops/function.py``'s graph map (``functional._map_graph_network`` in Keras 2).
KERAS3_MAP_GRAPH = "keras3.ops.function.map_graph"
#: Makes the InputLayer and calls every layer on it (``Sequential.build`` in Keras 2
#: left that to ``_build_graph_network_for_inferred_shape``).
KERAS3_SEQUENTIAL_BUILD = "keras3.models.sequential.Sequential.build"
#: Makes the Functional a Keras 3 Sequential delegates to (``_init_graph_network``).
KERAS3_FUNCTIONAL_INIT = "keras3.models.functional.Functional.__init__"
KERAS3_LAYER_CALL = "keras3.layers.layer.Layer.__call__"
#: Wraps every layer's own ``build`` and writes ``built = True`` after it (in Keras 2,
#: ``_maybe_build`` called ``Layer.build`` a second time for that).
KERAS3_BUILD_WRAPPER = "keras3.layers.layer.Layer.__new__.<locals>.build_wrapper"

#: The calls that begin training (``Model.compile``, ``Model.fit`` in Keras 2).
KERAS3_TRAINING_CALLS = (".Trainer.compile", "Trainer.fit")

#: Keras 3 functions of the teaching set (see :mod:`buildtrace.state.teaching`).
KERAS3_TEACHING_FUNCTIONS = frozenset(
    PREFIX + name
    for name in (
        "models.sequential.Sequential.__init__",
        "models.sequential.Sequential.add",
        "models.sequential.Sequential.build",
        "models.sequential.Sequential.call",
        "layers.core.input_layer.Input",
        "layers.core.input_layer.InputLayer.__init__",
        "ops.node.Node.__init__",
        "layers.layer.Layer.__init__",
        "layers.layer.Layer.__call__",
        "layers.layer.Layer._maybe_build",
        "layers.layer.Layer.__new__.<locals>.build_wrapper",
        "layers.layer.Layer.add_weight",
        "layers.layer.Layer.symbolic_call",
        "layers.layer.Layer.compute_output_spec",
        "ops.operation.Operation.__call__",
        "ops.operation.Operation.symbolic_call",
        "layers.input_spec.assert_input_compatibility",
        "models.functional.Functional.__init__",
        "models.functional.Functional.build",
        "models.functional.Functional.call",
        "ops.function.Function.__init__",
        "ops.function.Function._run_through_graph",
        "ops.function.map_graph",
        "ops.function._build_map",
        "ops.function._build_map_helper",
        "trainers.trainer.Trainer.compile",
        "backend.tensorflow.trainer.TensorFlowTrainer.fit",
        "backend.tensorflow.trainer.TensorFlowTrainer.train_step",
        "backend.tensorflow.trainer.TensorFlowTrainer.predict",
        "backend.tensorflow.trainer.TensorFlowTrainer.predict_step",
    )
)


def is_keras3(name: str) -> bool:
    """Whether ``name`` is a Keras 3 function's (a trace of ``--engine keras3``)."""
    return name.startswith(PREFIX)


def is_keras3_layer_method(name: str) -> bool:
    """``keras3.layers.core.dense.Dense.build`` / ``.call`` of a concrete layer (not the
    base ``Layer``'s, which the teaching set names one by one)."""
    return (
        name.startswith("keras3.layers.")
        and not name.startswith(("keras3.layers.layer.", "keras3.layers.input_spec."))
        and name.rsplit(".", 1)[-1] in {"build", "call"}
    )
