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
_lesson(
    "keras3.models.sequential.Sequential.__init__",
    "Sequential.__init__ (Keras 3) — a list of layers, no graph yet",
    "The model is made and each layer given is appended with add(). Nothing is built: "
    "the layers do not know their input's shape yet.",
    "Sequential was a subclass of Functional, and its __init__ went through "
    "Functional's with no inputs; in Keras 3 Sequential is a Model that holds a "
    "Functional once it is built.",
)
_lesson(
    "keras3.models.sequential.Sequential.add",
    "Sequential.add (Keras 3) — append one layer",
    "The layer joins the model's list; if the model already knows its input (an "
    "InputLayer comes first), it is rebuilt at once (_maybe_rebuild).",
    "Sequential.add called the new layer on the model's output right away when the "
    "model had an input, and set _graph_initialized; otherwise it only kept the layer.",
)
_lesson(
    "keras3.models.sequential.Sequential.call",
    "Sequential.call (Keras 3) — run the layers",
    "A built Sequential runs the Functional it made in build; one without it calls its "
    "layers one after another.",
    "Sequential.call ran its own graph network (Functional.call) once "
    "_graph_initialized was True, else the layers in turn.",
)
_lesson(
    "keras3.layers.core.input_layer.InputLayer.__init__",
    "InputLayer.__init__ (Keras 3) — the model's symbolic input",
    "The InputLayer makes a KerasTensor of the batch shape (a shape and a dtype, no "
    "numbers) and a Node with nothing inbound, and is built at once. Keras 3 names the "
    "hidden input of a Sequential input_layer.",
    "InputLayer.__init__ made the placeholder tensor the same way and was built at once, "
    "but a Sequential's hidden input was named after its first layer: dense_input.",
)
_lesson(
    "keras3.layers.core.input_layer.Input",
    "Input (Keras 3) — a symbolic tensor to start a graph from",
    "Input makes an InputLayer and returns its output: the KerasTensor the first layer "
    "is called on.",
    "keras.Input (engine/input_layer.py) did the same.",
)
_lesson(
    "keras3.ops.node.Node.__init__",
    "Node.__init__ (Keras 3) — record one call of an operation",
    "A Node remembers which operation was called on which symbolic tensors, and marks "
    "each output with its history (operation, node index, tensor index): the graph's "
    "edges.",
    "engine/node.py's Node did the same for a layer (Node(layer, call_args, ...)); "
    "Keras 3 says operation, since every layer is an Operation.",
)
_lesson(
    "keras3.layers.layer.Layer.__init__",
    "Layer.__init__ (Keras 3) — a layer's name, dtype policy and trackers",
    "The layer gets its name (auto_name: dense, dense_1...), its dtype policy and the "
    "trackers of its weights; built starts False.",
    "base_layer.Layer.__init__ set the same (name, dtype policy, built = False), through "
    "tf.Module's machinery.",
)
_lesson(
    "keras3.layers.input_spec.assert_input_compatibility",
    "assert_input_compatibility (Keras 3) — check an input against the layer's spec",
    "The input's rank and shape are checked against what the layer declared (its "
    "input_spec); a mismatch is a ValueError quoting both.",
    "engine/input_spec.py's assert_input_compatibility did the same check.",
)
_lesson(
    "keras3.models.functional.Functional.build",
    "Functional.build (Keras 3) — a graph model is built once it has a graph",
    "The graph was made by __init__ from real inputs and outputs, and every layer in it "
    "is already built: build only marks the model built.",
    "_init_graph_network set built = True itself, right after validating the graph's "
    "inputs and outputs.",
)
_lesson(
    "keras3.models.functional.Functional.call",
    "Functional.call (Keras 3) — run the graph on data",
    "The inputs are matched to the graph's input tensors and run through it node by "
    "node (Function._run_through_graph).",
    "Functional.call ran _run_internal_graph.",
)
_lesson(
    "keras3.ops.function.Function.__init__",
    "Function.__init__ (Keras 3) — a graph of operations, from inputs to outputs",
    "Keras 3's Functional is a Function: a graph of operations from its input tensors "
    "to its output tensors. map_graph orders the graph's nodes by depth, and the "
    "output structure is worked out once by walking the graph.",
    "Functional._init_graph_network did this on the model itself, and wrote "
    "_graph_initialized; Keras 3 has no such flag.",
)
_lesson(
    "keras3.ops.function.Function._run_through_graph",
    "Function._run_through_graph (Keras 3) — walk the graph in order",
    "Node by node, in depth order, each operation is applied to the values of its "
    "inputs until the outputs are reached.",
    "Functional._run_internal_graph did the same walk over layers.",
)
_lesson(
    "keras3.ops.function._build_map",
    "_build_map (Keras 3) — the nodes from the outputs back to the inputs",
    "A depth-first walk from every output tensor, listing each node after the nodes it depends on.",
    "functional._build_map did the same walk.",
)
_lesson(
    "keras3.ops.function._build_map_helper",
    "_build_map_helper (Keras 3) — one step of the walk",
    "For one tensor: visit the node that made it, then, recursively, the tensors that "
    "node was called on.",
    "functional._build_map_helper, one nested call per layer, the same way.",
)
_lesson(
    "keras3.trainers.trainer.Trainer.compile",
    "Trainer.compile (Keras 3) — optimizer, loss and metrics",
    "The optimizer is made from its name, the loss wrapped in a CompileLoss and the "
    "metrics in CompileMetrics, ready for train_step.",
    "Model.compile made a LossesContainer and a MetricsContainer (engine/compile_utils.py).",
)
_lesson(
    "keras3.backend.tensorflow.trainer.TensorFlowTrainer.fit",
    "TensorFlowTrainer.fit (Keras 3) — the training loop",
    "The data is split into batches and one_step_on_data, a tf.function, runs "
    "train_step on each; callbacks hear of every batch and epoch.",
    "Model.fit ran train_function (make_train_function) the same way.",
)
_lesson(
    "keras3.backend.tensorflow.trainer.TensorFlowTrainer.train_step",
    "TensorFlowTrainer.train_step (Keras 3) — one batch of training",
    "The model is called on the batch under a GradientTape, the loss computed, the "
    "gradients taken and applied by the optimizer, the metrics updated.",
    "Model.train_step did the same steps.",
)
_lesson(
    "keras3.backend.tensorflow.trainer.TensorFlowTrainer.predict",
    "TensorFlowTrainer.predict (Keras 3) — outputs for new data",
    "The data is batched and the model called on each batch; the outputs are joined.",
    "Model.predict, through predict_function.",
)
_lesson(
    "keras3.backend.tensorflow.trainer.TensorFlowTrainer.predict_step",
    "TensorFlowTrainer.predict_step (Keras 3) — outputs for one batch",
    "The model is called on one batch with training=False.",
    "Model.predict_step.",
)
_lesson(
    "keras3.ops.operation.Operation.symbolic_call",
    "Operation.symbolic_call (Keras 3) — an operation on symbolic tensors",
    "compute_output_spec gives the output's shape and dtype, and a Node records the "
    "call: the graph grows by one operation, and nothing is computed.",
    "_keras_tensor_symbolic_call and _infer_output_signature, in a scratch graph.",
)
