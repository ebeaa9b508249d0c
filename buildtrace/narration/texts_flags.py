"""Lessons for ``set`` events: the writes of ``built`` and ``_graph_initialized``.

Which line writes a flag matters more than the value: the same ``built = True`` means
"weights created" in ``Layer.build``, "graph valid" in ``_init_graph_network`` and
"born ready" in ``InputLayer.__init__``. The writer is the innermost open call (from the
state), or, for an event read alone, guessed from the file that wrote it.

Checked against tf-keras: ``base_layer.py`` (``Layer.__init__`` writes ``built = False``;
``Layer.build`` writes ``built = True``; ``_maybe_build`` calls the layer's ``build``
then ``Layer.build`` again), ``input_layer.py`` (``built = True`` right after
``Layer.__init__``), ``functional.py`` (``_init_graph_network``: ``built = True`` after
``_validate_graph_inputs_and_outputs``) and ``sequential.py`` (``__init__`` sets
``_graph_initialized = False``; ``add`` writes ``built = False`` first, then ``True``
once a layer is connected; ``build`` ends with ``built = True``) and
``base_preprocessing_layer.py`` (``_adapt_maybe_build`` writes ``built = True`` after the
layer's ``build``; ``Normalization.build`` calls ``Layer.build`` first).
"""

from __future__ import annotations

from typing import Any

from buildtrace.narration.context import Ctx, code, mirror_path, short
from buildtrace.narration.registry import Parts, kind
from buildtrace.narration.texts_engine import DEFAULT_BUILD
from buildtrace.trace import keras_names

_GUESS = {
    # (file, attr, value, old is None) -> writer, for events read without the state.
    ("base_layer.py", "built", False, True): keras_names.LAYER_INIT,
    ("base_layer.py", "built", True, False): keras_names.LAYER_BUILD,
    ("input_layer.py", "built", True, False): keras_names.INPUT_LAYER_INIT,
    ("functional.py", "built", True, False): keras_names.FUNCTIONAL_INIT_GRAPH_NETWORK,
    ("sequential.py", "built", False, False): keras_names.SEQUENTIAL_ADD,
    ("sequential.py", "_graph_initialized", False, True): keras_names.SEQUENTIAL_INIT,
}


#: Layers whose ``build`` calls ``Layer.build`` before creating its weights.
_BUILD_FIRST = frozenset({"Normalization.build", "Discretization.build"})
_ADAPT = keras_names.ENGINE + "base_preprocessing_layer.PreprocessingLayer.adapt"

#: For writes whose function can't be told without the state: the candidates.
_UNPLACED = {
    ("sequential.py", "_graph_initialized", True): (
        f"Written by {code('Sequential.add')} or {code('_build_graph_network_for_inferred_shape')}"
        f" right after {code('_init_graph_network')} made the graph: the model now has one."
    ),
    ("sequential.py", "built", True): (
        f"Written by {code('Sequential.add')} (a layer was just connected to the graph) or at "
        f"the end of {code('Sequential.build')}."
    ),
    ("sequential.py", "_graph_initialized", False): "The model has no graph (any more).",
}


def _value(value: Any) -> str:
    return "unset" if value is None else str(value)


def writer(ctx: Ctx) -> str:
    """The Keras name of the function that wrote the flag ("" when unknown)."""
    frames = ctx.frames
    if frames:
        return str(frames[-1].get("name") or "")
    src = str(ctx.get("src") or "")
    file = src.rsplit("/", 1)[-1].split(":", 1)[0]
    key = (file, ctx.get("attr"), ctx.get("value"), ctx.get("old") is None)
    return _GUESS.get(key, "")


def _built_text(ctx: Ctx, where: str, old: Any, value: Any) -> str | None:
    who = ctx.who
    cls = ctx.cls or "the layer"
    parent = short(str(ctx.frames[-2].get("name") or "")) if len(ctx.frames) > 1 else ""
    if where == short(keras_names.LAYER_INIT) and value is False:
        text = (
            f"{ctx.subject} starts life unbuilt: {code('Layer.__init__')} writes "
            f"{code('built = False')}."
        )
        if ctx.cls == "InputLayer":
            return text + f" Not for long: {code('InputLayer.__init__')} sets it True next."
        if ctx.cls in ("Sequential", "Functional", "Model"):
            return text + " A model turns built once it has a graph (or its build has run)."
        return text + f" It stays False until the {cls}'s {code('build')} has run."
    if where == short(keras_names.INPUT_LAYER_INIT):
        return (
            f"{code('InputLayer.__init__')} writes {code('built = True')} right after "
            f"{code('Layer.__init__')}: an input layer has no weights to create, so it is built "
            "from birth."
        )
    if where == short(keras_names.LAYER_BUILD) and value is True and old is True:
        return (
            f"Second write, from {code('_maybe_build')}: right after {code(cls + '.build')} it "
            f"calls {code('Layer.build')} again, in case a custom build forgot "
            f"{code('super().build(input_shape)')}. The flag was already True: nothing changes."
        )
    if where == short(keras_names.LAYER_BUILD) and value is True:
        if not parent and ctx.cls and ctx.cls not in DEFAULT_BUILD:
            parent = f"{ctx.cls}.build"  # read alone: a layer with weights has its own build
        if parent in _BUILD_FIRST:
            return (
                f"Written by {code('Layer.build')}, which {code(parent)} calls first "
                f"({code('super().build(input_shape)')} before any weight, as Keras's "
                "preprocessing layers do). Adapting, the second write comes from "
                f"{code('_adapt_maybe_build')}; in a model, from {code('_maybe_build')}."
            )
        if parent.endswith(".build") and parent != short(keras_names.LAYER_BUILD):
            text = (
                f"Written by {code('Layer.build')}, called at the end of {code(parent)} "
                f"({code('super().build(input_shape)')}), once the weights exist. This is the "
                f"first of two writes; {code('_maybe_build')} makes the second."
            )
            if parent in ("_Merge.build", "Concatenate.build"):
                text += (
                    " (buildtrace's merge layers write it here; in Keras 2 their build only "
                    "checks shapes, so only _maybe_build's write happens.)"
                )
            return text
        if ctx.model() is not None:
            return (
                f"The model {who} counts as built now ({code('_maybe_build')} called "
                f"{code('Layer.build')}: the model's own build is marked default and skipped). "
                f"Its graph is made next, by {code('Sequential.call')}."
            )
        return (
            f"Written by {code('Layer.build')}, which {code('_maybe_build')} called directly "
            f"because {cls} has no build of its own (no weights). The only write."
        )
    if where == short(_ADAPT) and value is True:
        return (
            f"Written by {code('_adapt_maybe_build')} inside {code('adapt')}: it built {who} "
            f"from the first batch's shape and then sets {code('built = True')} itself."
        )
    if where == short(keras_names.FUNCTIONAL_INIT_GRAPH_NETWORK):
        again = " (it was already True: the graph is being re-initialised)" if old else ""
        return (
            f"Written inside {code('_init_graph_network')}{again}, right after the inputs and "
            "outputs were validated: a graph model has no weights of its own, so it is built "
            f"as soon as its graph is valid — not in {code('Model.build')}."
        )
    if where == short(keras_names.SEQUENTIAL_ADD) and value is False:
        if old:
            return (
                f"{code('add')} un-builds {who} before changing it; the graph is refreshed a "
                f"few events later and {code('built')} turns True again."
            )
        return (
            f"{code('add')} writes {code('built = False')} before changing {who} (it was not "
            "built)."
        )
    if where == short(keras_names.SEQUENTIAL_ADD):
        return (
            f"{code('add')} sets {code('built = True')}: the new layer is connected to the "
            "model's graph (or the model just got its input)."
        )
    if where == short(keras_names.SEQUENTIAL_BUILD):
        return f"{code('Sequential.build')} ends by writing {code('built = True')}" + (
            " once more: it was already set inside _init_graph_network." if old else "."
        )
    if value is False and old is True:
        return f"{who} is no longer built: it must be built again before use."
    return None


def _graph_text(ctx: Ctx, where: str, old: Any, value: Any) -> str | None:
    if where == short(keras_names.SEQUENTIAL_INIT) or (value is False and old is None):
        return (
            f"{code('Sequential.__init__')} sets {code('_graph_initialized = False')}. The flag "
            "says whether the model has turned its list of layers into a graph (inputs, "
            "outputs, nodes); there is none yet."
        )
    if where == short(keras_names.SEQUENTIAL_BUILD_GRAPH_NETWORK_FOR_INFERRED_SHAPE) and value:
        return (
            "The hidden Input and the chain of layer calls became a graph: "
            f"{code('_graph_initialized = True')}. From now on {code('Sequential.call')} runs "
            "this graph."
        )
    if where == short(keras_names.SEQUENTIAL_ADD) and value:
        first = " for the first time" if old is False else " again"
        return (
            f"{code('add')} has just run {code('_init_graph_network')}{first}: the model has a "
            "graph, and each later add extends it at once."
        )
    if value is False and old:
        return "The model has no graph any more (its layers changed); it will be rebuilt."
    return None


@kind("set")
def set_event(ctx: Ctx) -> Parts | None:
    """The lesson of a ``set`` event."""
    attr, old, value = ctx.get("attr"), ctx.get("old"), ctx.get("value")
    if attr not in ("built", "_graph_initialized"):
        return None
    name = writer(ctx)
    where = short(name) if name else ""
    subject = ctx.layer or (f"(new {ctx.cls})" if ctx.cls else "(unnamed)")
    head = f"{code(subject + '.' + str(attr))}: {_value(old)} → {_value(value)}. "
    if attr == "built":
        body = _built_text(ctx, where, old, value)
        why = (
            "built is what Keras checks before a call: False means build still has to run. "
            "Knowing which line wrote it tells you what 'built' means at that moment."
        )
    else:
        body = _graph_text(ctx, where, old, value)
        why = (
            "A Sequential model is a plain list until it knows its input shape; this flag "
            "records whether it has become a real graph of layers."
        )
    file = str(ctx.get("src") or "?").rsplit("/", 1)[-1].split(":", 1)[0]
    if body is None:
        body = _UNPLACED.get((file, str(attr), bool(value)))
    if body is None:
        place = f" in {code(where)}" if where else f" in {code(file)}"
        body = f"The flag is written{place}."
    mirrors = mirror_path(name) if name else f"keras/engine/{file}"
    return Parts(f"{attr} — {subject}: {_value(old)} → {_value(value)}", mirrors, head + body, why)
