"""Lessons for building a layer: ``_maybe_build``, ``Layer.build``, ``add_weight`` (the
call) and ``_set_connectivity_metadata``.

Checked against tf-keras ``tf_keras/engine/base_layer.py``: ``_maybe_build`` runs only
while ``built`` is False; it checks ``input_spec``, calls the layer's own ``build``
unless it is marked default (``generic_utils.default``), then ``Layer.build`` "since user
defined build functions may not be calling super.build()"; ``Layer.build`` stores
``_build_input_shape`` and sets ``built = True``; ``add_weight`` defaults to a trainable
weight with ``glorot_uniform`` for floats.
"""

from __future__ import annotations

from buildtrace.narration.context import Ctx, code, num, plural, shape, short
from buildtrace.narration.registry import function
from buildtrace.narration.texts_engine import (
    BASE,
    CHECK_ONLY_BUILD,
    DEFAULT_BUILD,
    MODEL_CLASSES,
    on_shape,
)
from buildtrace.trace import keras_names


# -------------------------------------------------------------------- _maybe_build
def _maybe_build_call(ctx: Ctx) -> str:
    state = ctx.layer_state()
    if state is not None and state.built:
        return (
            f"{ctx.subject} is already built, so {code('_maybe_build')} returns at once: a layer "
            "creates its weights only once, even when it is called again (a shared layer)."
        )
    cls = ctx.cls or "the layer"
    input_shape = ctx.input_shape()
    given = f"({shape(input_shape)})" if input_shape is not None else "(input_shape)"
    first = (
        f"{ctx.subject} is not built yet ({code('built')} is False), so it is built now"
        f"{on_shape(input_shape).replace(' on an input of', ' for an input of')}. First "
        f"{code('assert_input_compatibility')} checks the input against its "
        f"{code('input_spec')}. "
    )
    if ctx.cls in MODEL_CLASSES:
        return first + (
            f"{cls}.build is marked as a default one in Keras (decorated with "
            f"{code('generic_utils.default')}), so {code('_maybe_build')} skips it and calls "
            f"the base {code('Layer.build' + given)}: the model is marked built. Its graph is "
            f"made by its {code('call')}, next."
        )
    if ctx.cls in DEFAULT_BUILD:
        return first + (
            f"{cls} has no {code('build')} of its own (it creates no weights here), so Keras "
            f"skips it and calls the base {code('Layer.build' + given)} directly: it records "
            f"the input shape and sets {code('built = True')}."
        )
    if ctx.cls in CHECK_ONLY_BUILD:
        return first + (
            f"Then {cls}'s own {code('build' + given)} checks that the input shapes can be "
            f"combined (it has no weights), and {code('Layer.build')} writes "
            f"{code('built = True')}."
        )
    creates = "creates the weights"
    return first + (
        f"Then {cls}'s own {code('build' + given)} runs and {creates}, and then "
        f"{code('Layer.build')} is called once more, which writes {code('built = True')} "
        "again: that is why the flag is written twice."
    )


def _maybe_build_done(ctx: Ctx) -> str:
    state = ctx.layer_state()
    if state is None:
        return f"{ctx.subject} is built."
    weights = len(state.weights)
    if not weights:
        return f"{ctx.subject} is built ({code('built')} is True); it has no weights."
    return (
        f"{ctx.subject} is built: {code('built')} is True and it has "
        f"{plural(weights, 'weight')} ({num(state.params)} parameters)."
    )


function(
    BASE + "_maybe_build",
    title="Layer._maybe_build — build the layer the first time it is called",
    why=(
        "Weights can only be created once the input size is known, and Keras learns it at the "
        "first call. Calling Layer.build after the layer's own build makes sure built is True "
        "and the input shape is recorded even if a custom build forgot super().build()."
    ),
    call=_maybe_build_call,
    done=_maybe_build_done,
)


# -------------------------------------------------------------------- Layer.build
def _build_call(ctx: Ctx) -> str:
    shown = shape(ctx.get("input_shape"))
    record = f"it stores {code('_build_input_shape = ' + shown)} and writes {code('built = True')}"
    parent = ctx.parent
    state = ctx.layer_state()
    if parent.endswith(".build") and parent != short(keras_names.LAYER_BUILD):
        return (
            f"{code(parent)} ends with {code('super().build(input_shape)')}: the base "
            f"{code('Layer.build')} runs for {ctx.who}, and {record} — the first of two writes."
        )
    if parent == short(keras_names.LAYER_MAYBE_BUILD) and state is not None and state.built:
        return (
            f"Second call, made by {code('_maybe_build')} itself right after "
            f"{code((ctx.cls or 'the layer') + '.build')}: {record} again (it was already "
            "True). Harmless — and it protects layers whose own build forgot "
            f"{code('super().build')}."
        )
    if parent == short(keras_names.LAYER_MAYBE_BUILD) and (
        ctx.cls in MODEL_CLASSES or ctx.model() is not None
    ):
        return (
            f"{ctx.cls}.build is marked default, so {code('_maybe_build')} calls the base "
            f"{code('Layer.build')} instead: {record}. For a model this only marks it built; "
            f"its graph is made by its {code('call')}, next."
        )
    if parent == short(keras_names.LAYER_MAYBE_BUILD):
        own = (
            f"{ctx.cls} has no build of its own" if ctx.cls else "The layer's build is the default"
        )
        return f"{own}, so {code('_maybe_build')} calls the base {code('Layer.build')}: {record}."
    return f"The base {code('Layer.build')} runs for {ctx.who}: {record}."


function(
    BASE + "build",
    title="Layer.build — record the input shape, mark the layer built",
    why=(
        "built is the flag Keras checks before every call: while it is False the layer still "
        "needs build. Setting it in this one place keeps every layer consistent."
    ),
    call=_build_call,
    done=lambda ctx: f"{ctx.subject}.built is now True.",
)


# -------------------------------------------------------------------- add_weight call
def _add_weight_done(ctx: Ctx) -> str:
    state = ctx.layer_state()
    if state is None or not state.weights:
        return "The new weight goes back to the layer's build."
    weight = state.weights[-1]
    return (
        f"Returns the new variable {code(f'{state.name}/{weight.name}:0')} of shape "
        f"{shape(list(weight.shape))}; {ctx.who} now has {plural(len(state.weights), 'weight')}."
    )


function(
    BASE + "add_weight",
    title="Layer.add_weight — create one weight and track it",
    why=(
        "Creating weights through add_weight, not by hand, is what lets Keras find them all "
        "later: model.weights, summary()'s parameter count, saving and the optimizer all read "
        "the lists it fills."
    ),
    call=lambda ctx: (
        f"{code(ctx.parent or (ctx.cls or 'Layer') + '.build')} asks for a new weight of "
        f"{ctx.subject}. {code('add_weight')} creates the variable, fills it with its initializer "
        "and files it under the layer's trainable or non-trainable weights. The next event "
        "says which weight, with its shape."
    ),
    done=_add_weight_done,
)


# ---------------------------------------------------------- _set_connectivity_metadata
function(
    BASE + "_set_connectivity_metadata",
    title="Layer._set_connectivity_metadata — record the call in the graph",
    why=(
        "These records are the only links between layers in a functional model: "
        "keras.Model(inputs, outputs) later follows them backwards from the outputs."
    ),
    call=lambda ctx: (
        f"The output of {ctx.who} is known, so Keras records the call: it creates a "
        f"{code('Node')} for {ctx.who} holding the input tensor(s) and the output, and stamps "
        f"the output with {code('_keras_history')} (which layer, which call, which output)."
    ),
    done=lambda ctx: f"Returns the output of {ctx.who}, now carrying its {code('_keras_history')}.",
)
