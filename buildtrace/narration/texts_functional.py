"""Lessons for ``Functional`` models (functional.py): mapping a graph of layers.

Checked against tf-keras ``tf_keras/engine/functional.py``: ``Functional.__init__`` calls
``_init_graph_network``, which validates the inputs and outputs, sets ``built = True``
("a Network does not create weights of its own, thus it is already built"), maps the
graph (``_map_graph_network`` → ``_build_map`` → ``_build_map_helper``: depth-first
from each output, a node listed after its inputs; depth 0 at the outputs; "Graph
disconnected" and unique-name checks), then ``_set_output_names`` and
``_compute_tensor_usage_count``. Running the graph is ``_run_internal_graph``.
"""

from __future__ import annotations

from buildtrace.narration.context import Ctx, code, names, parse_tensor, plural, short
from buildtrace.narration.registry import function
from buildtrace.trace import keras_names

FUN = keras_names.FUNCTIONAL_MODULE


def _mapped(ctx: Ctx) -> list[str]:
    flags = ctx.model()
    return list(flags.mapped) if flags is not None else []


def _functional_init_done(ctx: Ctx) -> str:
    layers = _mapped(ctx)
    if not layers:
        return f"The functional model {ctx.who} is ready."
    return (
        f"{ctx.subject} is a functional model of {plural(len(layers), 'layer')}: {names(layers)}."
    )


function(
    FUN + short(keras_names.FUNCTIONAL_INIT),
    title="Functional.__init__ — keras.Model(inputs, outputs)",
    why=(
        "In the functional API the graph already exists in the tensors' history; the model "
        "only has to read it."
    ),
    call=lambda ctx: (
        f"{code('keras.Model(inputs, outputs)')} makes a {code('Functional')} model. It calls "
        "and builds no layer: each layer was built when you called it on a symbolic tensor. "
        f"It runs {code('Model.__init__')}, then {code('_init_graph_network(inputs, outputs)')}, "
        "which finds every layer between the inputs and the outputs."
    ),
    done=_functional_init_done,
)


def _igm_call(ctx: Ctx) -> str:
    caller = ctx.parent
    where = f" (called from {code(caller)})" if caller else ""
    return (
        f"{ctx.subject} turns its input and output tensors into a runnable graph{where}: "
        f"(1) {code('_validate_graph_inputs_and_outputs')} checks them; (2) "
        f"{code('built = True')} — a graph model has no weights of its own, so once its "
        f"inputs and outputs are valid it counts as built; (3) {code('_map_graph_network')} "
        "walks back from the outputs to list every node and layer by depth; (4) "
        f"{code('_set_output_names')} and {code('_compute_tensor_usage_count')} finish the "
        f"bookkeeping. Note where {code('built')} turns True: here, not in "
        f"{code('Model.build')}."
    )


def _igm_done(ctx: Ctx) -> str:
    layers = _mapped(ctx)
    if not layers:
        return f"The graph of {ctx.who} is ready."
    return f"The graph of {ctx.who} is ready; its layers in running order: {names(layers)}."


function(
    FUN + short(keras_names.FUNCTIONAL_INIT_GRAPH_NETWORK),
    title="Functional._init_graph_network — turn inputs and outputs into a graph",
    why=(
        "Mapping the graph once, when the model is made, gives it its layers list and a fixed "
        "order to run them in whenever it is called on data."
    ),
    call=_igm_call,
    done=_igm_done,
)

function(
    FUN + short(keras_names.FUNCTIONAL_VALIDATE_GRAPH_INPUTS_AND_OUTPUTS),
    title="Functional._validate_graph_inputs_and_outputs — are these real graph ends?",
    why=(
        "The graph can only be mapped through _keras_history; a tensor without it has no way "
        "back to the inputs."
    ),
    call=lambda ctx: (
        f"Checks the ends of {ctx.who}'s graph: no input tensor is listed twice, every input "
        f"carries {code('_keras_history')} (it came from a layer, normally "
        f"{code('keras.Input')}), and every output came from a layer. An input that is not an "
        "Input tensor only earns a warning in Keras 2."
    ),
    done=lambda ctx: f"The inputs and outputs of {ctx.who} are valid.",
)


def _output_names_call(ctx: Ctx) -> str:
    layers = _mapped(ctx)
    last = f" (here {code(layers[-1])})" if layers else ""
    return (
        f"Each output of {ctx.who} is named after the layer that produced it{last}; a name "
        f"used twice gets a suffix ({code('dense')}, {code('dense_1')}). These names key "
        "compile's per-output losses and metrics, and the logs of multi-output models."
    )


function(
    FUN + short(keras_names.FUNCTIONAL_SET_OUTPUT_NAMES),
    title="Functional._set_output_names — name the model's outputs",
    why="Losses, metrics and logs of a model with several outputs are matched by these names.",
    call=_output_names_call,
    done=lambda ctx: f"The outputs of {ctx.who} are named.",
)

function(
    FUN + short(keras_names.FUNCTIONAL_COMPUTE_TENSOR_USAGE_COUNT),
    title="Functional._compute_tensor_usage_count — count who needs each tensor",
    why=(
        "With the counts, running the model can drop each intermediate result as soon as "
        "its last consumer has used it, which saves memory."
    ),
    call=lambda ctx: (
        f"Counts how many times each tensor of {ctx.who}'s graph is consumed when the model "
        "runs (each model output counts once more, for the caller)."
    ),
    done="The usage counts are stored on the model.",
)


def _fcall_call(ctx: Ctx) -> str:
    layers = [n for n in _mapped(ctx) if ctx.state is None or not _is_input(ctx, n)]
    order = f" ({names(layers)})" if layers else ""
    return (
        f"{ctx.subject} runs its graph on the input: it visits the nodes from the deepest (next "
        "to the inputs) to depth 0 (the outputs) and calls each node's layer on its parents' "
        f"values{order}. Keras 2 does this in {code('_run_internal_graph')}."
    )


def _is_input(ctx: Ctx, name: str) -> bool:
    state = ctx.layer_state(name)
    return state is not None and state.is_input


function(
    FUN + short(keras_names.FUNCTIONAL_CALL),
    title="Functional.call — run the graph on data",
    why=(
        "The depth order computed when the graph was mapped guarantees that every layer's "
        "inputs are ready before the layer runs."
    ),
    call=_fcall_call,
    done=lambda ctx: f"{ctx.subject} returns its output.",
)


function(
    FUN + short(keras_names.FUNCTIONAL_RUN_INTERNAL_GRAPH),
    title="Functional._run_internal_graph — call each layer, deepest nodes first",
    why=(
        "Running a graph model is nothing but calling its layers in the depth order found "
        "when the graph was mapped, each on its parents' outputs."
    ),
    call=lambda ctx: (
        f"{ctx.subject} feeds its inputs to the graph and calls each node's layer "
        f"({code('Layer.__call__')}) once all the node's inputs are computed."
    ),
    done=lambda ctx: f"{ctx.subject}'s outputs are computed.",
)


def _map_call(ctx: Ctx) -> str:
    return (
        f"Starting from the outputs, Keras lists every node the outputs depend on "
        f"({code('_build_map')}), then gives each node a depth: 0 for the output, and a "
        "node's parents at least one deeper. It checks that every layer's inputs can be "
        'computed from the model\'s inputs (else "Graph disconnected") and that layer names '
        "are unique."
    )


def _map_done(ctx: Ctx) -> str:
    layers = ctx.get("layers")
    if not isinstance(layers, list) or not layers:
        return "The graph is mapped."
    return (
        f"The model's {plural(len(layers), 'layer')}, deepest first: {names(layers)}. That is the "
        f"order {code('model.layers')} shows (without the hidden input of a Sequential)."
    )


function(
    FUN + "_map_graph_network",
    title="_map_graph_network — find every node and layer, and their depths",
    why="Depth gives a safe running order: a layer always comes after every layer it depends on.",
    call=_map_call,
    done=_map_done,
)

function(
    FUN + "_build_map",
    title="_build_map — sort the nodes, inputs first",
    why="Listing every node after the nodes it needs is what lets Keras order the layers.",
    call=(
        f"A depth-first walk from each output tensor: {code('_build_map_helper')} lists a "
        "node only after all the nodes it depends on, so the list starts at the inputs."
    ),
    done="Every node is listed, inputs first.",
)


def _helper_call(ctx: Ctx) -> str:
    parsed = parse_tensor(ctx.get("tensor"))
    level = sum(
        1 for f in ctx.frames if short(str(f.get("name"))) == "functional._build_map_helper"
    )
    if parsed is None:
        what = "Visit the node that made this tensor"
        maker = ""
    else:
        tensor_shape, maker = parsed
        what = f"Visit the tensor of shape {tensor_shape} made by {code(maker)}"
    depth = f" (recursion level {level + 1}, walking back from the output)." if ctx.state else "."
    state = ctx.layer_state(maker) if maker else None
    if state is not None and state.is_input:
        return (
            f"{what}{depth} {code(maker)} is an input layer: its node has no inputs, so the "
            "recursion stops here and this node is listed first."
        )
    return (
        f"{what}{depth} If its node was already visited, stop: shared parts are walked once. "
        "Otherwise mark it in progress (meeting it again would mean a cycle), visit the "
        "node's input tensors first, then list the node."
    )


function(
    FUN + "_build_map_helper",
    title="_build_map_helper — visit one tensor's node, after its inputs",
    why=(
        "Listing a node only after its inputs is a topological sort: the order in which the "
        "model can safely run its layers."
    ),
    call=_helper_call,
    done="This branch of the walk is done: its nodes are listed.",
)
