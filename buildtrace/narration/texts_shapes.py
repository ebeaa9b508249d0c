"""Lessons for the layers without weights that change or combine shapes: pooling,
``Flatten``, ``Reshape``, ``Dropout``, ``Activation`` and the merge layers.

Checked against tf-keras ``tf_keras/layers/pooling/base_pooling2d.py`` (strides default
to the pool size), ``reshaping/flatten.py``, ``reshaping/reshape.py`` (one -1 allowed),
``regularization/dropout.py`` (inverted dropout: kept values scaled by 1 / (1 − rate);
nothing happens at inference), ``core/activation.py``, ``merging/base_merge.py`` and
``merging/concatenate.py``, whose ``build`` only validates the shapes.
"""

from __future__ import annotations

from buildtrace.narration.context import Ctx, code, is_shape, product, shape, short, times
from buildtrace.narration.layer_maths import in_shape, pair, pool_output, run_context
from buildtrace.narration.registry import function
from buildtrace.trace import keras_names

L = keras_names.LAYERS
NO_WEIGHTS = "It has no weights, so it has nothing to build: its own build is Keras's default."


def _init_done(ctx: Ctx, settings: str) -> str:
    who = code(ctx.layer) if ctx.layer else f"The {ctx.cls or 'layer'}"
    return f"{who} is configured: {settings}."


# ---------------------------------------------------------------------------- pooling
def _pool_settings(ctx: Ctx) -> str:
    config = ctx.get("config") or ctx.config()
    if not config:
        return "pool size, strides and padding stored"
    return (
        f"pool {times(pair(config.get('pool_size')))}, strides "
        f"{times(pair(config.get('strides')))}, padding {config.get('padding')!r}"
    )


function(
    L + "pooling.base_pooling2d.Pooling2D.__init__",
    title="Pooling2D.__init__ — store the window of a pooling layer",
    why="Pooling has no weights: the settings are all it needs.",
    call=lambda ctx: (
        f"{ctx.subject} ({ctx.cls or 'a pooling layer'}) stores its pool size, its strides (the "
        f"pool size when not given) and its padding, and sets {code('input_spec')} to "
        f"exactly 4 axes. {NO_WEIGHTS}"
    ),
    done=lambda ctx: _init_done(ctx, _pool_settings(ctx)),
)


def _pool_call(ctx: Ctx) -> str:
    config = ctx.config()
    x = in_shape(ctx)
    out = pool_output(x, config)
    how = "the largest value" if ctx.cls == "MaxPooling2D" else "the mean"
    window = times(pair(config.get("pool_size"))) if config else "pool"
    sizes = f": {shape(x)} → {shape(out)}" if out is not None else ""
    return (
        f"{ctx.subject} keeps {how} of each {window} window, channel by channel, moving by "
        f"{times(pair(config.get('strides'))) if config else 'the strides'}{sizes}. The "
        f"channels are unchanged; only rows and columns shrink.{run_context(ctx)}"
    )


function(
    L + "pooling.base_pooling2d.Pooling2D.call",
    title="Pooling2D.call — shrink each feature map",
    why=(
        "Shrinking the maps keeps the strongest responses, cuts the work of the next layers "
        "and makes the network less sensitive to small shifts."
    ),
    call=_pool_call,
    done=lambda ctx: f"{ctx.subject} returns the pooled maps.",
)

# ---------------------------------------------------------------------------- Flatten
function(
    L + "reshaping.flatten.Flatten.__init__",
    title="Flatten.__init__ — a layer that only reshapes",
    why="Flatten has no weights: it only changes how the same numbers are laid out.",
    call=lambda ctx: f"{ctx.subject} is set up (input_spec: at least 1 axis). {NO_WEIGHTS}",
    done=lambda ctx: _init_done(ctx, "channels_last layout"),
)


def _flatten_call(ctx: Ctx) -> str:
    x = in_shape(ctx)
    if is_shape(x) and len(x) > 1:
        rest = x[1:]
        total = product(rest)
        flat = total if total is not None else "None"
        return (
            f"{ctx.subject} lays each sample out as one long vector: {shape(x)} → "
            f"({x[0]}, {flat}), since {times(rest)} = {flat}. The values are not changed."
            f"{run_context(ctx)}"
        )
    return f"{ctx.subject} lays each sample out as one long vector.{run_context(ctx)}"


function(
    L + "reshaping.flatten.Flatten.call",
    title="Flatten.call — from feature maps to one vector per sample",
    why="Dense layers expect (batch, features); Flatten bridges convolutions and Dense.",
    call=_flatten_call,
    done=lambda ctx: f"{ctx.subject} returns the flattened batch.",
)

# ---------------------------------------------------------------------------- Reshape
function(
    L + "reshaping.reshape.Reshape.__init__",
    title="Reshape.__init__ — store the target shape",
    why="Reshape has no weights; the target shape is all it needs.",
    call=lambda ctx: (
        f"{ctx.subject} stores its target shape (without the batch axis). {NO_WEIGHTS}"
    ),
    done=lambda ctx: _init_done(
        ctx, f"target shape {shape((ctx.get('config') or ctx.config()).get('target_shape'))}"
    ),
)
function(
    L + "reshaping.reshape.Reshape.call",
    title="Reshape.call — give each sample a new shape",
    why="The number of values per sample must stay the same; only the layout changes.",
    call=lambda ctx: (
        f"{ctx.subject} reshapes each sample of {shape(in_shape(ctx))} to "
        f"{shape(ctx.config().get('target_shape'))}; a -1 in the target takes whatever size "
        f"keeps the total unchanged.{run_context(ctx)}"
    ),
    done=lambda ctx: f"{ctx.subject} returns the reshaped batch.",
)

# ---------------------------------------------------------------------------- Dropout
function(
    L + "regularization.dropout.Dropout.__init__",
    title="Dropout.__init__ — store the drop rate",
    why="Dropout has no weights; its rate is all it needs.",
    call=lambda ctx: (
        f"{ctx.subject} stores its rate (the fraction of values to drop). {NO_WEIGHTS}"
    ),
    done=lambda ctx: _init_done(ctx, f"rate {(ctx.get('config') or ctx.config()).get('rate')}"),
)


def _dropout_call(ctx: Ctx) -> str:
    rate = ctx.config().get("rate")
    scale = (
        f"{1 / (1 - rate):g}" if isinstance(rate, int | float) and rate < 1 else "1 / (1 − rate)"
    )
    text = (
        f"While training, {ctx.who} sets each value to 0 with probability {rate} and multiplies "
        f"the others by {scale} (= 1 / (1 − {rate})), so the expected sum is unchanged. At "
        "inference it passes the input through untouched."
    )
    if ctx.inside(
        short(keras_names.LAYER_INFER_OUTPUT_SIGNATURE),
        short(keras_names.MODEL_TEST_STEP),
        short(keras_names.MODEL_PREDICT_STEP),
    ):
        text += " Here training is False: nothing is dropped."
        return text + run_context(ctx).replace(" Here it", " It", 1)
    return text + run_context(ctx)


function(
    L + "regularization.dropout.Dropout.call",
    title="Dropout.call — randomly silence values while training",
    why=(
        "Units that can't rely on any single neighbour learn more robust features; this "
        "reduces overfitting."
    ),
    call=_dropout_call,
    done=lambda ctx: f"{ctx.subject} returns a batch of the same shape.",
)

# ---------------------------------------------------------------------------- Activation
function(
    L + "core.activation.Activation.__init__",
    title="Activation.__init__ — an activation as a layer of its own",
    why="Having the activation as a separate layer lets you place it anywhere in a model.",
    call=lambda ctx: f"{ctx.subject} stores its activation function. {NO_WEIGHTS}",
    done=lambda ctx: _init_done(
        ctx, f"activation {(ctx.get('config') or ctx.config()).get('activation')}"
    ),
)
function(
    L + "core.activation.Activation.call",
    title="Activation.call — apply the function to every value",
    why="Without a non-linear activation, stacked layers would collapse into one linear map.",
    call=lambda ctx: (
        f"{ctx.subject} applies {ctx.config().get('activation', 'its activation')} to every value "
        f"(softmax: along the last axis); the shape stays {shape(in_shape(ctx))}."
        f"{run_context(ctx)}"
    ),
    done=lambda ctx: f"{ctx.subject} returns the activated values.",
)

# ---------------------------------------------------------------------------- merging
MERGE = L + "merging."


def _merge_kind(ctx: Ctx) -> str:
    return {
        "Concatenate": "joins its inputs side by side along one axis",
        "Add": "adds its inputs element by element",
    }.get(ctx.cls or "", "combines its inputs element by element")


function(
    MERGE + "base_merge._Merge.__init__",
    title="_Merge.__init__ — a layer that combines several tensors",
    why="Merge layers are how branches of a functional model meet again.",
    call=lambda ctx: f"{ctx.subject} is set up: it {_merge_kind(ctx)}. It has no weights.",
    done=lambda ctx: _init_done(ctx, _merge_kind(ctx)),
)


def _merge_build(ctx: Ctx) -> str:
    x = ctx.get("input_shape")
    if ctx.name.endswith("Concatenate.build"):
        axis = ctx.config().get("axis", -1)
        check = f"all inputs must match except along axis {axis}, where their sizes add up"
    else:
        check = "the shapes must be equal, or broadcastable (size-1 axes stretch)"
    return (
        f"{ctx.subject} receives the shapes {shape(x)}. Its build only checks them: {check}. It "
        "creates no weights, and leaves marking the layer built to _maybe_build, which calls "
        "Layer.build next."
    )


for _name in ("base_merge._Merge.build", "concatenate.Concatenate.build"):
    function(
        MERGE + _name,
        title=f"{_name.split('.', 1)[1]} — check the shapes can be combined",
        why="A clear error at build time beats a failed array operation at the first batch.",
        call=_merge_build,
        done=lambda ctx: f"The input shapes of {ctx.who} are compatible.",
    )


def _merge_call(ctx: Ctx) -> str:
    x = in_shape(ctx)
    return (
        f"{ctx.subject} {_merge_kind(ctx)}{': ' + shape(x) if x is not None else ''}."
        f"{run_context(ctx)}"
    )


function(
    MERGE + "base_merge._Merge.call",
    title="_Merge.call — combine the inputs",
    why="Merging is how two branches of a functional model become one again.",
    call=_merge_call,
    done=lambda ctx: f"{ctx.subject} returns the merged tensor.",
)

function(
    MERGE + "concatenate.Concatenate.__init__",
    title="Concatenate.__init__ — store the axis to join along",
    why="Concatenate has no weights; the axis is all it needs.",
    call=lambda ctx: f"{ctx.subject} stores the axis to join along (the last one by default).",
    done=lambda ctx: _init_done(ctx, f"axis {(ctx.get('config') or ctx.config()).get('axis', -1)}"),
)
