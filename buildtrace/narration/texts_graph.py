"""Lessons for models as graphs: ``Sequential`` (sequential.py) and ``Functional``
(functional.py).

Checked against tf-keras ``tf_keras/engine/sequential.py`` (``__init__``, ``add``,
``_build_graph_network_for_inferred_shape``, ``build``, ``call``,
``clear_previously_created_nodes``, ``track_nodes_created_by_last_call``) and
``functional.py`` (``_init_graph_network`` sets ``built = True`` right after
``_validate_graph_inputs_and_outputs`` — "a network does not create weights of its own,
thus it is already built" — then ``_map_graph_network``, ``_set_output_names``,
``_compute_tensor_usage_count``; ``_build_map``/``_build_map_helper`` walk back from the
outputs depth-first).
"""

from __future__ import annotations

from buildtrace.narration.context import Ctx, code, names, num, plural, shape, short
from buildtrace.narration.registry import function
from buildtrace.trace import keras_names

SEQ = keras_names.SEQUENTIAL_MODULE


def _members(ctx: Ctx) -> list[str]:
    """The model's own layers, hidden input layer left out."""
    found = ctx.model_layers()
    if ctx.state is None:
        return found
    return [n for n in found if not (n in ctx.state.layers and ctx.state.layers[n].is_input)]


# -------------------------------------------------------------------- Sequential
def _seq_init_done(ctx: Ctx) -> str:
    members = _members(ctx)
    flags = ctx.model()
    listed = f" ({names(members)})" if members else ""
    head = f"{ctx.subject} holds {plural(len(members), 'layer')}{listed}"
    if flags is not None and flags.built:
        return head + (
            ". It is already built: its first entry was an Input, so each add connected "
            "and built the next layer at once."
        )
    return head + (
        " and is not built: no input shape is known yet, so no layer has weights. "
        f"{code('build(input_shape)')}, or the first call on data, will build it."
    )


function(
    SEQ + short(keras_names.SEQUENTIAL_INIT),
    title="Sequential.__init__ — a model that is a stack of layers",
    why=(
        "A Sequential model is a list of layers that can only become a graph once the input "
        "shape is known; until then it just keeps the list."
    ),
    call=lambda ctx: (
        f"A {code('Sequential')} model is created. It runs {code('Model.__init__')} (which "
        f"runs {code('Layer.__init__')}: a model is a layer too), sets "
        f"{code('_graph_initialized = False')} (no graph yet), then calls {code('add')} once "
        "for each layer in the list you gave."
    ),
    done=_seq_init_done,
)


def _add_call(ctx: Ctx) -> str:
    added = ctx.get("added")
    new = code(added) if added else "the new layer"
    head = (
        f"{code('add')} puts {new} on top of {ctx.who}. It first writes "
        f"{code('built = False')}: the model is changing. "
    )
    added_state = ctx.layer_state(added) if isinstance(added, str) else None
    flags = ctx.model()
    if added_state is not None and added_state.cls == "InputLayer":
        return head + (
            "The entry is an Input, so the model now knows its input shape: that input becomes "
            f"the model's input and {code('_init_graph_network')} makes the graph at once "
            f"({code('_graph_initialized')} becomes True)."
        )
    if flags is not None and flags.graph_initialized:
        return head + (
            f"The model already has a graph, so {code('add')} calls {new} on the current "
            f"output right away — which builds it — and re-runs {code('_init_graph_network')}."
        )
    config = ctx.config(added) if isinstance(added, str) else {}
    if flags is not None and flags.members[:1] == [added] and config.get("batch_input_shape"):
        return head + (
            f"{new} was given {code('input_shape')}, so the model's input shape is known, "
            f"{shape(config['batch_input_shape'])}: {code('add')} makes an Input named "
            f"{code(str(added) + '_input')}, calls {new} on it (which builds it) and "
            "initialises the graph."
        )
    if flags is not None:
        return head + (
            f"The input shape is still unknown, so {code('add')} only appends {new} to the "
            "list: nothing is built yet."
        )
    return head + (
        "If the model's input shape is known (an Input came first, or the first layer had "
        f"{code('input_shape')}), {new} is called and built at once; otherwise it is only "
        "appended to the list."
    )


def _add_done(ctx: Ctx) -> str:
    if ctx.model() is None:
        return f"The layer is added to {ctx.who}."
    count = len(_members(ctx))
    if count == 0:
        return f"{ctx.subject} has its Input and no other layer yet."
    return f"{ctx.subject} now has {plural(count, 'layer')}."


function(
    SEQ + short(keras_names.SEQUENTIAL_ADD),
    title="Sequential.add — put one more layer on the stack",
    why=(
        "Sequential builds as early as it can: once the input shape is known, each new layer "
        "is connected and built on the spot; otherwise the work waits for build() or the "
        "first call."
    ),
    call=_add_call,
    done=_add_done,
)


def _build_call(ctx: Ctx) -> str:
    input_shape = ctx.get("input_shape")
    flags = ctx.model()
    if flags is not None and flags.graph_initialized:
        return (
            f"{ctx.subject} already has a graph, so {code('build')} just re-runs "
            f"{code('_init_graph_network')} on its inputs and outputs."
        )
    if input_shape is None:
        return (
            f"{code('model.build()')} was called without an input shape and {ctx.who} has no "
            f"graph yet, so stage 1 fails: {code('Sequential.build')} cannot know what to build "
            "for, and raises the ValueError you see next."
        )
    members = _members(ctx)
    order = f" ({names(members)})" if members else ""
    return (
        f"{code(f'build(input_shape={shape(input_shape)})')}{batch_note_short(input_shape)}. "
        f"Stage 1 checks an input shape was given. Stage 2, "
        f"{code('_build_graph_network_for_inferred_shape')}, makes a hidden Input and calls "
        f"each layer{order} on it, which builds every layer. Stage 3, "
        f"{code('_init_graph_network')}, maps the graph and sets {code('built')}. At the end "
        f"{code('build')} writes {code('built = True')} once more."
    )


def batch_note_short(value: object) -> str:
    if isinstance(value, list | tuple) and value and value[0] is None:
        return ": None is the batch size, left open"
    return ""


def _params_done(ctx: Ctx) -> str:
    params = ctx.model_params()
    if params is None:
        return f"{ctx.subject} is built."
    return (
        f"{ctx.subject} is built: {plural(len(_members(ctx)), 'layer')}, {num(params)} parameters."
    )


function(
    SEQ + short(keras_names.SEQUENTIAL_BUILD),
    title="Sequential.build — build the whole model for an input shape",
    why=(
        "build creates every weight before any data is seen, so summary() and model.weights "
        "work right away."
    ),
    call=_build_call,
    done=_params_done,
)


def _inferred_call(ctx: Ctx) -> str:
    input_shape = ctx.get("input_shape")
    flags = ctx.model()
    if flags is not None and flags.graph_initialized:
        return (
            f"{ctx.subject} already has a graph. The shape {shape(input_shape)} is compared with "
            "the one it was built for (sizes that differ would become None); if nothing "
            "changes, there is nothing to rebuild and the function returns at once."
        )
    members = _members(ctx)
    first = members[0] if members else "first layer"
    order = names(members) if members else "each layer"
    text = (
        f"This is where a Sequential without an Input gets its graph. For input shape "
        f"{shape(input_shape)}, it creates an Input named {code(first + '_input')} (the hidden "
        f"InputLayer), then calls {order} in turn, each on the previous output. Each call "
        f"builds that layer. Then {code('_init_graph_network')} turns the chain into a graph "
        f"and {code('_graph_initialized')} becomes True."
    )
    if ctx.inside(short(keras_names.SEQUENTIAL_CALL)):
        text += (
            f" It is called from {code('Sequential.call')} with the shape of the first batch; "
            "its batch size is None because inside the traced training step Keras sees the "
            "batch as a symbolic tensor of unknown size."
        )
    return text + (
        " If a layer fails on the symbolic input, Keras quietly gives up the graph and runs "
        "the layers one by one."
    )


function(
    SEQ + short(keras_names.SEQUENTIAL_BUILD_GRAPH_NETWORK_FOR_INFERRED_SHAPE),
    title="Sequential._build_graph_network_for_inferred_shape — make the graph from a shape",
    why=(
        "Turning the list into a real graph gives a Sequential everything a functional model "
        "has: model.inputs and outputs, per-layer output shapes, and a fixed order to run."
    ),
    call=_inferred_call,
    done=lambda ctx: (
        f"{ctx.subject} has its graph (_graph_initialized is True)."
        if (flags := ctx.model()) is not None and flags.graph_initialized
        else "The graph step is done."
    ),
)

function(
    SEQ + "clear_previously_created_nodes",
    title="clear_previously_created_nodes — forget an older shape's nodes",
    why=(
        "A Sequential may rebuild its graph for a new input shape; stale nodes would leave "
        "layer.output pointing at the old graph."
    ),
    call=(
        "Before calling the next layer on the new hidden input, Keras removes the nodes an "
        "earlier build of this model made for it, so the layer's output always belongs to "
        "this model's current inputs."
    ),
    done="Old nodes (if any) are gone.",
)

function(
    SEQ + "track_nodes_created_by_last_call",
    title="track_nodes_created_by_last_call — remember the nodes this build made",
    why="So that a later rebuild for another input shape can remove exactly these nodes.",
    call=(
        "Keras remembers the node the layer's last call created, and the matching outbound "
        "link on the layer before it."
    ),
    done="The new nodes are remembered.",
)


def _on_batch(ctx: Ctx) -> str:
    found = ctx.input_shape()
    return f" on a batch of shape {shape(found)}" if found is not None else ""


function(
    SEQ + short(keras_names.SEQUENTIAL_POP),
    title="Sequential.pop — remove the last layer",
    why=(
        "A Sequential's graph ends at its last layer: without it, the graph must end one "
        "layer earlier."
    ),
    call=lambda ctx: (
        f"{ctx.subject} drops its last layer. The new last layer forgets where its output "
        f"went (its outbound nodes are cleared) and the graph is mapped again from the same "
        f"input to that layer's output ({code('_init_graph_network')}, right under this call)."
    ),
    done=lambda ctx: f"{ctx.subject} now ends at its new last layer.",
)


function(
    SEQ + short(keras_names.SEQUENTIAL_CALL),
    title="Sequential.call — run the stack on an input",
    why=(
        "A Sequential may meet its input shape only when data arrives; checking the shape in "
        "call is what makes fit on an unbuilt model work."
    ),
    call=lambda ctx: (
        f"{ctx.subject} runs{_on_batch(ctx)}. Without an explicit Input, it first offers "
        f"the batch's shape to {code('_build_graph_network_for_inferred_shape')} (which "
        "builds the graph if there is none, or if the shape changed). With a graph it runs it "
        f"({code('Functional.call')}); otherwise it calls the layers one after another."
    ),
    done=f"{code('Sequential.call')} returns the last layer's output.",
)
