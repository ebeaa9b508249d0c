"""Lessons for calling a layer: ``Layer.__init__``, ``Layer.__call__`` and the
functional-construction path (``_functional_construction_call``,
``_keras_tensor_symbolic_call``, ``_infer_output_signature``), plus the class sets and
shape helpers the other lesson modules share.

Checked against tf-keras ``tf_keras/engine/base_layer.py``: ``__call__`` sends symbolic
(KerasTensor) inputs to ``_functional_construction_call``; otherwise it checks
``input_spec``, builds if needed and runs ``call``. ``_infer_output_signature`` builds
the layer and runs ``call`` on placeholders in a scratch ``FuncGraph``.
"""

from __future__ import annotations

from typing import Any

from buildtrace.narration.context import Ctx, code, shape, short
from buildtrace.narration.registry import function
from buildtrace.trace import keras_names

BASE = keras_names.LAYER

#: Layers whose ``build`` only validates shapes (Keras 2's merge layers).
CHECK_ONLY_BUILD = frozenset(
    {"Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot"}
)

#: Model classes: their ``build`` is marked default, so a first call on data skips it.
MODEL_CLASSES = frozenset({"Sequential", "Functional", "Model"})

#: Classes whose ``build`` is Keras's default one: ``_maybe_build`` skips straight to
#: ``Layer.build`` for them (they have no weights, or, for models, build elsewhere).
DEFAULT_BUILD = frozenset(
    {"MaxPooling2D", "AveragePooling2D", "Flatten", "Dropout", "Reshape", "Activation",
     "InputLayer", "Sequential", "Functional", "Model"}
)  # fmt: skip

_SYMBOLIC_CONTEXT = (
    short(keras_names.LAYER_FUNCTIONAL_CONSTRUCTION_CALL),
    short(keras_names.LAYER_INFER_OUTPUT_SIGNATURE),
    short(keras_names.SEQUENTIAL_BUILD_GRAPH_NETWORK_FOR_INFERRED_SHAPE),
    short(keras_names.SEQUENTIAL_ADD),
)
_DATA_CONTEXT = (
    short(keras_names.MODEL_TRAIN_STEP),
    short(keras_names.MODEL_TEST_STEP),
    short(keras_names.MODEL_PREDICT_STEP),
)


def call_mode(ctx: Ctx) -> str:
    """``"symbolic"``, ``"data"``, ``"placeholder"`` (under a subclassed ``Model.build``)
    or ``"unknown"``: what a ``Layer.__call__`` received.

    Decided by the enclosing calls when the state is known (inside ``Sequential.add`` the
    input is symbolic, inside ``train_step`` it is data), else by the shape: real arrays
    always have a known batch size, ``keras.Input`` tensors usually do not.
    """
    for frame in reversed(ctx.frames):
        where = short(str(frame.get("name") or ""))
        if where == short(
            keras_names.MODEL_BUILD
        ):  # a subclassed model's build: Keras's placeholders
            return "placeholder"
        if where in _SYMBOLIC_CONTEXT:
            return "symbolic"
        if where in _DATA_CONTEXT:
            return "data"
    first = first_dim(ctx.get("input_shape"))
    if isinstance(first, int):
        return "data"
    if first is None and ctx.get("input_shape") is not None and ctx.get("depth") == 0:
        return "symbolic"
    return "unknown"


def first_dim(value: Any) -> Any:
    """The batch size of a shape (of the first shape, for a list of shapes)."""
    while isinstance(value, list | tuple) and value and isinstance(value[0], list | tuple):
        value = value[0]
    if isinstance(value, list | tuple) and value:
        return value[0]
    return "?"


def on_shape(value: Any) -> str:
    """`` on an input of shape (None, 784)`` (or on several inputs), or ``""``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple) and value and isinstance(value[0], list | tuple):
        return f" on {len(value)} inputs of shapes {shape(value)}"
    return f" on an input of shape {shape(value)}"


def batch_note(value: Any) -> str:
    """What the first size of a shape means."""
    first = first_dim(value)
    if first is None:
        return " (None is the batch size: any number of samples)"
    if isinstance(first, int):
        return f" (a batch of {first} samples)"
    return ""


# -------------------------------------------------------------------- Layer.__init__
def _init_call(ctx: Ctx) -> str:
    what = f"A new {ctx.cls}" if ctx.cls else "A new layer"
    return (
        f"{what} is being set up. {code('Layer.__init__')} gives it what every layer shares: "
        f"{code('built = False')}, its name (yours, or the class name in snake case plus a "
        f"counter: {code('dense')}, {code('dense_1')}...), empty weight lists, empty lists "
        "of inbound and outbound nodes, and no input spec yet. No weight exists: weights "
        f"need the input size, which only {code('build')} will know."
    )


def _init_done(ctx: Ctx) -> str:
    if ctx.layer:
        return f"The {ctx.cls or 'layer'} now has its name, {code(ctx.layer)}, and is unbuilt."
    return "The base constructor is done; the object is unbuilt."


function(
    BASE + "__init__",
    title="Layer.__init__ — the constructor every layer and model runs",
    why=(
        "Keras splits a layer's life in three: __init__ stores settings, build creates the "
        "weights once the input shape is known, call does the maths. That is why you can "
        "write Dense(512) without saying how many inputs it will get."
    ),
    call=_init_call,
    done=_init_done,
)


# -------------------------------------------------------------------- Layer.__call__
def _call_call(ctx: Ctx) -> str:
    subject = code(ctx.layer) if ctx.layer else "The layer"
    head = f"{subject} is called{on_shape(ctx.get('input_shape'))}."
    is_model = ctx.model() is not None or ctx.cls in ("Sequential", "Functional", "Model")
    model_note = " A model is a layer too, so calling it goes through the same steps." * is_model
    mode = call_mode(ctx)
    if mode == "symbolic":
        body = (
            " The input is a symbolic tensor (a KerasTensor: a shape and a dtype, no numbers), "
            f"so step 1 of {code('__call__')} takes the functional-construction path: "
            f"{code('_functional_construction_call')} builds the layer if needed, works out "
            f"the output's shape and records the call as a {code('Node')} of the graph."
        )
    elif mode == "placeholder":
        body = (
            f" {code('Model.build')} called the model's {code('call')} on a placeholder (a "
            "plain graph tensor of the given shape, not a KerasTensor), so "
            f"{code('__call__')} takes the eager path: {code('assert_input_compatibility')}, "
            f"{code('_maybe_build')}, then {code('call')}. No {code('Node')} is recorded: "
            f"the layer has no inbound nodes, and {code('summary()')} shows its output shape "
            "as 'multiple'."
        )
    elif mode == "data":
        state = ctx.layer_state()
        if state is not None and state.built:
            steps = f"and runs {code('call')} on the numbers (it is already built: no build)."
        else:
            steps = (
                f"builds the layer if it is not built yet ({code('_maybe_build')}), then runs "
                f"{code('call')} on the numbers."
            )
        where = (
            " (inside the traced step its batch size shows as None: Keras sees it as a graph "
            "tensor, not a KerasTensor)"
            if first_dim(ctx.get("input_shape")) is None
            else batch_note(ctx.get("input_shape"))
        )
        body = (
            f" The input is real data{where}, so "
            f"{code('__call__')} takes the eager path: it checks the input against the "
            f"layer's {code('input_spec')} ({code('assert_input_compatibility')}), {steps}"
        )
    else:
        body = (
            f" Step 1 of {code('__call__')} looks at what it got: a symbolic tensor from "
            f"{code('keras.Input')} takes the functional-construction path (build if needed, "
            f"infer the output, record a {code('Node')}); real data takes the eager path "
            f"(check {code('input_spec')}, build if needed, run {code('call')}). The next "
            "event shows which one this is."
        )
    return head + body + model_note


def _call_done(ctx: Ctx) -> str:
    subject = code(ctx.layer) if ctx.layer else "The layer"
    output = ctx.get("output_shape")
    if output is None:
        return f"{subject}'s call is done."
    kind = "a symbolic tensor" if call_mode(ctx) == "symbolic" else "an output"
    return f"{subject}'s call returns {kind} of shape {shape(output)}."


function(
    BASE + "__call__",
    title="Layer.__call__ — what happens when you call a layer",
    why=(
        "__call__ wraps your call method so every layer gets the same bookkeeping for free: "
        "input checks, building on first use and, on symbolic inputs, the graph "
        "connections a functional model is made of."
    ),
    call=_call_call,
    done=_call_done,
)


# ------------------------------------------------- functional construction, inference
def _fcc_call(ctx: Ctx) -> str:
    return (
        f"{ctx.subject} was called{on_shape(ctx.input_shape())} with no data to compute with, "
        "only shapes. This function does two things: (1) "
        f"{code('_keras_tensor_symbolic_call')} works out what the output will look like "
        f"(building {ctx.who} first if needed), and (2) {code('_set_connectivity_metadata')} "
        f"records this call as a {code('Node')} linking the input's layer to {ctx.who}. It "
        f"also settles the {code('training')} flag the call is made with."
    )


def _fcc_done(ctx: Ctx) -> str:
    state = ctx.layer_state()
    if state is not None and state.output_shape is not None:
        return (
            f"{ctx.subject} is now part of the graph; its output is a symbolic tensor of shape "
            f"{shape(list(state.output_shape))}."
        )
    return f"{ctx.subject} is now part of the graph."


function(
    BASE + "_functional_construction_call",
    title="Layer._functional_construction_call — call a layer on symbolic tensors",
    why=(
        "This is how the functional API works: calling layers on keras.Input tensors computes "
        "nothing, it draws the graph. A model later walks these nodes to know which layer "
        "feeds which."
    ),
    call=_fcc_call,
    done=_fcc_done,
)

function(
    BASE + "_keras_tensor_symbolic_call",
    title="Layer._keras_tensor_symbolic_call — choose how to infer the output",
    why=(
        "Keras needs the output's shape and dtype to keep drawing the graph; this small "
        "function picks how to find them."
    ),
    call=lambda ctx: (
        f"A short hop. Keras checks whether {ctx.who} is dynamic (a layer that can only run "
        f"eagerly, on real data): such a layer would only report {code('compute_output_shape')}. "
        f"{ctx.subject} is not dynamic (buildtrace has no dynamic layers), so Keras goes on to "
        f"{code('_infer_output_signature')}."
    ),
    done=lambda ctx: (
        f"The inferred output of {ctx.who} goes back to {code('_functional_construction_call')}."
    ),
)


def _infer_call(ctx: Ctx) -> str:
    return (
        f"What will {ctx.who} output{on_shape(ctx.input_shape())}? Keras (1) builds the layer "
        f"if it is not built yet ({code('_maybe_build')}), then (2) runs its {code('call')} "
        "once to see what comes out. Keras 2 does this in a throw-away scratch graph on "
        "placeholder tensors, so nothing is computed. buildtrace has no graphs: it runs "
        f"{code('call')} on a batch of one sample of zeros (with training=False, so nothing "
        f"is updated) and takes the shape from {code('compute_output_shape')}."
    )


def _infer_done(ctx: Ctx) -> str:
    output = ctx.get("output_shape")
    if output is None:
        return f"The output of {ctx.who} is known."
    return (
        f"{ctx.subject} will output shape {shape(output)}{batch_note(output)}: a new KerasTensor "
        "of that shape stands for its output from now on."
    )


function(
    BASE + "_infer_output_signature",
    title="Layer._infer_output_signature — find the output shape by running call",
    why=(
        "Running the layer's real call, instead of trusting a formula, makes sure the shape "
        "recorded in the graph is the one the layer actually produces."
    ),
    call=_infer_call,
    done=_infer_done,
)
