"""Lessons for where graphs start and how they are wired: ``keras.Input``, ``InputLayer``,
``Node`` and the input check ``assert_input_compatibility``.

Checked against tf-keras ``tf_keras/engine/input_layer.py`` (``InputLayer.__init__``
sets ``built = True`` right after ``Layer.__init__`` and creates a ``Node`` with no
inputs; ``Input`` returns that node's output), ``node.py`` (``Node.__init__`` appends
itself to the layer's ``_inbound_nodes`` and to the inbound layers' ``_outbound_nodes``
and stamps ``KerasHistory(layer, node_index, tensor_index)`` on each output) and
``input_spec.py`` (``assert_input_compatibility``: input count, then ``ndim``,
``max_ndim``, ``min_ndim``, ``dtype``, ``axes``, ``shape``).
"""

from __future__ import annotations

from typing import Any

from buildtrace.narration.context import Ctx, code, names, shape, short
from buildtrace.narration.registry import function
from buildtrace.trace import keras_names

ENGINE = keras_names.ENGINE


# ------------------------------------------------------------------------- Input
def _last_input_layer(ctx: Ctx) -> tuple[str, Any] | None:
    """The newest InputLayer in the state, with its output shape."""
    if ctx.state is None:
        return None
    inputs = [layer for layer in ctx.state.layers.values() if layer.cls == "InputLayer"]
    if not inputs:
        return None
    newest = inputs[-1]
    return newest.name, newest.output_shape


def _input_call(ctx: Ctx) -> str:
    named = f" named {code(ctx.layer)}" if ctx.layer else ""
    text = (
        f"{code('keras.Input')} makes the starting point of a graph: it creates an "
        f"{code('InputLayer')}{named}, which makes a symbolic tensor (a shape, no data), and "
        "returns that tensor."
    )
    if ctx.inside(short(keras_names.SEQUENTIAL_BUILD_GRAPH_NETWORK_FOR_INFERRED_SHAPE)):
        text += (
            f" Here the Sequential model calls it itself, to make its hidden input layer, "
            f"named after its first layer plus {code('_input')}. You never wrote this Input: "
            f"{code('model.layers')} won't list it, but the graph starts there."
        )
    elif ctx.inside(short(keras_names.SEQUENTIAL_ADD)):
        text += (
            f" {code('Sequential.add')} does this because the first layer was given an "
            f"{code('input_shape')}: the model can build its graph at once."
        )
    return text


def _input_done(ctx: Ctx) -> str:
    found = _last_input_layer(ctx)
    if found is None:
        return f"{code('Input')} returns the symbolic input tensor."
    name, out = found
    if out is None:
        return f"{code('Input')} returns the symbolic tensor made by {code(name)}."
    made = f"made by {code(name)}"
    return f"{code('Input')} returns a symbolic tensor of shape {shape(list(out))}, {made}."


function(
    ENGINE + "input_layer.Input",
    title="keras.Input — make the symbolic tensor a graph starts from",
    why=(
        "A model must know the shape of what comes in. Input states it once, without the "
        "batch size, and every layer called on the result learns its input shape from it."
    ),
    call=_input_call,
    done=_input_done,
)


def _input_name(ctx: Ctx) -> str:
    """`` `dense_input` ``: the layer's name, known on the enclosing ``Input`` call."""
    name = ctx.layer or ctx.nearest("layer", same_layer=False)
    return f" {code(name)}" if isinstance(name, str) else ""


def _input_layer_done(ctx: Ctx) -> str:
    config = ctx.get("config") or ctx.config()
    batch_shape = config.get("batch_input_shape") if isinstance(config, dict) else None
    who = code(ctx.layer) if ctx.layer else "The InputLayer"
    if batch_shape is None:
        return f"{who} is ready, built, with its placeholder tensor and its input node."
    return (
        f"{who} is ready: built, holding a symbolic tensor of shape {shape(batch_shape)} and "
        "an input node."
    )


function(
    ENGINE + "input_layer.InputLayer.__init__",
    title="InputLayer.__init__ — the layer behind keras.Input",
    why=(
        "Every graph needs a first node with no parents. The InputLayer provides it, so a "
        "model finds its inputs by walking back until a node has no inbound tensors."
    ),
    call=lambda ctx: (
        f"The {code('InputLayer')}{_input_name(ctx)} is set up. It "
        "differs from other layers in two ways: it is built from birth ("
        f"{code('built = True')} right after {code('Layer.__init__')}: it has no weights to "
        f"create), and it makes its own placeholder tensor and a {code('Node')} with no "
        "inputs."
    ),
    done=_input_layer_done,
)


# -------------------------------------------------------------------------- Node
def _node_call(ctx: Ctx) -> str:
    owner = ctx.get("node_of")
    who = code(owner) if owner else "the layer"
    index = ctx.get("node_index")
    outputs = ctx.get("output_shapes") or []
    out = shape(outputs[0]) if len(outputs) == 1 else shape(outputs)
    inbound = [entry for entry in ctx.get("inbound") or [] if isinstance(entry, list) and entry]
    if not inbound and ctx.get("inbound") is not None:
        return (
            f"A {code('Node')} with no inbound tensors is created for {who}: this marks {who} "
            f"as an input layer, where the graph starts. Its output is the symbolic input "
            f"tensor of shape {out}, stamped {code(f'_keras_history = ({owner}, 0, 0)')}."
        )
    which = f"Node #{index} of {who}" if isinstance(index, int) else f"A new node of {who}"
    sources = names(entry[0] for entry in inbound) or "its inputs' layers"
    text = (
        f"{which}: it records that {who} was called on the output of {sources} and produced "
        f"a tensor of shape {out}. The node is appended to {code('_inbound_nodes')} of "
        f"{who} and to {code('_outbound_nodes')} of {sources}; the output is stamped "
        f"{code(f'_keras_history = ({owner}, {index}, 0)')}."
    )
    if isinstance(index, int) and index > 0:
        text += (
            f" It is call number {index + 1} of {who}: a layer used several times gets one "
            "node per call, sharing the same weights."
        )
    return text


function(
    ENGINE + "node.Node.__init__",
    title="Node.__init__ — one call of a layer, as an edge of the graph",
    why=(
        "A layer can be called several times, so the graph's vertices are calls (nodes), not "
        "layers. Nodes and the _keras_history stamps on tensors are the whole graph Keras keeps."
    ),
    call=_node_call,
    done=lambda ctx: (
        f"The node of {code(ctx.get('node_of'))} is wired in."
        if ctx.get("node_of")
        else "The node is wired into the graph."
    ),
)


# ------------------------------------------------------------------ input spec check
def _spec_hint(ctx: Ctx) -> str:
    """What this layer's input_spec demands, from its class and what it was built for."""
    state = ctx.layer_state()
    cls = state.cls if state is not None else None
    built_for = None
    if state is not None and state.built and state.build_input_shape is not None:
        built_for = list(state.build_input_shape)
    if cls == "Dense":
        if built_for and built_for[-1] is not None:
            return (
                f"{ctx.subject} is a Dense layer built for {built_for[-1]} features, so its spec "
                f"asks for at least 2 axes and a last axis of exactly {built_for[-1]}."
            )
        return (
            f"{ctx.subject} is a Dense layer: its spec asks for at least 2 axes (batch, features)."
        )
    if cls == "Conv2D":
        extra = f" and {built_for[-1]} channels" if built_for and built_for[-1] else ""
        return (
            f"{ctx.subject} is a Conv2D layer: its spec asks for at least 4 axes (batch, rows, "
            f"columns, channels){extra}."
        )
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        return f"{ctx.subject} is a {cls} layer: its spec asks for exactly 4 axes."
    if cls == "BatchNormalization" and built_for:
        return f"{ctx.subject} was built for {len(built_for)} axes and {built_for[-1]} channels."
    if cls in ("Sequential", "Functional"):
        flags = ctx.model()
        if flags is not None and not flags.graph_initialized and cls == "Sequential":
            return f"{ctx.subject} has no graph yet, so it has no spec: the check passes at once."
        first = ctx.layer_state(flags.layers[0]) if flags is not None and flags.layers else None
        if cls == "Sequential" and first is not None and first.inferred_by == ctx.layer:
            return (
                f"{ctx.subject} has no explicit Input (its input layer was inferred), so in "
                "Keras 2 its spec is None and the check passes at once: each layer checks for "
                "itself."
            )
        return (
            "For a model the spec comes from its Input(s): the sizes after the batch must "
            "match (or be None)."
        )
    return "A layer without an input_spec passes at once."


def _spec_call(ctx: Ctx) -> str:
    moment = (
        "before building it"
        if ctx.parent == short(keras_names.LAYER_MAYBE_BUILD)
        else "before running it"
        if ctx.parent == short(keras_names.LAYER_CALL)
        else "before using it"
    )
    return (
        f"{moment.capitalize()}, Keras checks the input of {ctx.who} against the layer's "
        f"{code('input_spec')}: the number of inputs, the rank (number of axes) and any axis "
        f"size the layer has fixed. Unknown sizes (None) always pass. {_spec_hint(ctx)}"
    )


function(
    ENGINE + "input_spec.assert_input_compatibility",
    title="assert_input_compatibility — does the input fit the layer?",
    why=(
        "Catching a wrong shape here gives a clear message that names the layer and the "
        "expected size, instead of an obscure error deep inside the maths."
    ),
    call=_spec_call,
    done=lambda ctx: f"The input fits {ctx.who}'s input_spec; no error.",
)
