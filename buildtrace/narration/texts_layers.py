"""Lessons for the concrete layers' ``__init__``, ``build`` and ``call``: the maths.

Checked against tf-keras ``tf_keras/layers/``: ``core/dense.py`` (kernel
``[last_dim, units]``, bias ``[units]``, ``input_spec`` tightened to the last size),
``convolutional/base_conv.py`` (kernel ``kernel_size + (in_channels, filters)``; the
output size is checked in ``build``), ``normalization/batch_normalization.py`` (gamma,
beta trainable; moving_mean, moving_variance non-trainable), ``pooling/base_pooling2d.py``,
``reshaping/flatten.py``, ``reshaping/reshape.py``, ``regularization/dropout.py``,
``core/activation.py``, ``merging/base_merge.py`` and ``merging/concatenate.py``.
"""

from __future__ import annotations

from typing import Any

from buildtrace.narration.context import Ctx, code, is_shape, num, plural, product, shape, times
from buildtrace.narration.layer_maths import (
    conv_output,
    in_shape,
    init_name,
    out_shape,
    pair,
    run_context,
)
from buildtrace.narration.registry import function
from buildtrace.narration.texts_weights import describe_initializer
from buildtrace.trace import keras_names

L = keras_names.LAYERS


def _init_done(ctx: Ctx, settings: str) -> str:
    who = code(ctx.layer) if ctx.layer else f"The {ctx.cls or 'layer'}"
    return f"{who} is configured: {settings}. No weights yet."


# ---------------------------------------------------------------------------- Dense
def _dense_settings(ctx: Ctx) -> str:
    config = ctx.get("config") or ctx.config()
    if not config:
        return "units, activation and initializers stored"
    bias = "none"
    if config.get("use_bias", True):
        bias = "initializer " + init_name(config.get("bias_initializer"))
    return (
        f"{config.get('units')} units, activation {config.get('activation')}, kernel "
        f"initializer {init_name(config.get('kernel_initializer'))}, bias {bias}"
    )


function(
    L + "core.dense.Dense.__init__",
    title="Dense.__init__ — store the settings of a dense layer",
    why=(
        "The kernel's size depends on the input, which the constructor can't know yet: "
        "that is why Dense(512) has no weights until it is built."
    ),
    call=lambda ctx: (
        f"{ctx.subject} stores its settings (units, activation, initializers) and sets "
        f"{code('input_spec = InputSpec(min_ndim=2)')}: at least two axes, a batch and features."
    ),
    done=lambda ctx: _init_done(ctx, _dense_settings(ctx)),
)


def _dense_build(ctx: Ctx) -> str:
    input_shape = ctx.get("input_shape")
    config = ctx.config()
    units = config.get("units")
    last = input_shape[-1] if is_shape(input_shape) and input_shape else None
    head = f"{code('Dense.build')} receives input shape {shape(input_shape)}."
    if not isinstance(last, int):
        return head + (
            " Its last size is unknown, so the kernel's size can't be known: Dense raises an error."
        )
    if not isinstance(units, int):
        return head + (
            f" The last axis, {last}, is the number of inputs per sample, so the kernel is "
            f"{last} × units (one column per unit) and the bias has one value per unit. It "
            f"tightens {code('input_spec')} to a last axis of {last}, then calls "
            f"{code('super().build')}."
        )
    kernel = [last, units]
    init = init_name(config.get("kernel_initializer")) or "GlorotUniform"
    text = (
        f"{head} The last axis, {last}, is the number of inputs per sample, so the kernel is "
        f"{last} × {units} = {num(last * units)} weights, "
        f"{describe_initializer(init, kernel)}"
    )
    if config.get("use_bias", True):
        bias = init_name(config.get("bias_initializer")) or "Zeros"
        text += (
            f"; the bias is {units} values ({describe_initializer(bias, [units])}): "
            f"{num(last * units + units)} parameters in all"
        )
    return text + (
        f". It also tightens {code('input_spec')} to demand a last axis of {last}, then calls "
        f"{code('super().build(input_shape)')} ({code('Layer.build')})."
    )


function(
    L + "core.dense.Dense.build",
    title="Dense.build — create the kernel and the bias",
    why=(
        "Only now is the input size known, so only now can the kernel get its shape. Glorot's "
        "limit keeps the spread of the signals about the same from layer to layer, so "
        "training starts neither exploding nor fading."
    ),
    call=_dense_build,
    done=lambda ctx: f"{ctx.subject} has its kernel and bias.",
)


def _dense_call(ctx: Ctx) -> str:
    config = ctx.config()
    act = config.get("activation") or "activation"
    units = config.get("units")
    x = in_shape(ctx)
    out = out_shape(x, units)
    maths = f"{code(f'output = {act}(input · kernel + bias)')}"
    sizes = ""
    if x is not None and out is not None:
        sizes = f": {shape(x)} times the {x[-1]} × {units} kernel gives {shape(out)}"
    note = {
        "relu": " ReLU keeps positive values and replaces negatives by 0.",
        "softmax": (
            f" Softmax turns the {units} scores of each sample into probabilities that sum to 1."
        ),
        "linear": " No activation: the output is the plain weighted sum.",
        "sigmoid": " Sigmoid squashes each value between 0 and 1.",
    }.get(str(act), "")
    return f"{ctx.subject} computes {maths}{sizes}.{note}{run_context(ctx)}"


function(
    L + "core.dense.Dense.call",
    title="Dense.call — a weighted sum per unit, then the activation",
    why=(
        "Every unit is a weighted sum of all inputs, so one matrix product computes all "
        "units for the whole batch at once."
    ),
    call=_dense_call,
    done=lambda ctx: f"{ctx.subject} returns its output.",
)


# ---------------------------------------------------------------------------- Conv
def _conv_settings(ctx: Ctx) -> str:
    config = ctx.get("config") or ctx.config()
    if not config:
        return "filters, kernel size, strides and padding stored"
    return (
        f"{config.get('filters')} filters of {times(pair(config.get('kernel_size')))}, strides "
        f"{times(pair(config.get('strides')))}, padding {config.get('padding')!r}, activation "
        f"{config.get('activation')}"
    )


function(
    L + "convolutional.base_conv.Conv.__init__",
    title="Conv.__init__ — store the settings of a convolution (Conv2D)",
    why="As for Dense, the kernel depends on the number of input channels, unknown until build.",
    call=lambda ctx: (
        f"{ctx.subject} stores filters, kernel size, strides, padding and activation, and sets "
        f"{code('input_spec')} to at least 4 axes: (batch, rows, columns, channels)."
    ),
    done=lambda ctx: _init_done(ctx, _conv_settings(ctx)),
)


def _conv_build(ctx: Ctx) -> str:
    x = ctx.get("input_shape")
    config = ctx.config()
    head = f"{code('Conv2D.build')} receives input shape {shape(x)}."
    filters = config.get("filters")
    channels = x[-1] if is_shape(x) and x else None
    if not isinstance(filters, int) or not isinstance(channels, int):
        return head + (
            " The kernel is (rows, columns, input channels, filters) and the bias one value per "
            "filter; Keras first checks the output has no empty side."
        )
    kh, kw = pair(config.get("kernel_size"))
    kernel = [kh, kw, channels, filters]
    out = conv_output(x, config)
    init = init_name(config.get("kernel_initializer")) or "GlorotUniform"
    text = (
        f"{head} It has {plural(channels, 'channel')}, so each of the {filters} filters is a "
        f"{kh} × {kw} × {channels} block: the kernel {shape(kernel)} holds "
        f"{num(product(kernel))} weights, {describe_initializer(init, kernel)}; the bias "
        f"holds {filters}."
    )
    if out is not None:
        text += (
            f" Keras first checks the output size: with padding {config.get('padding')!r} "
            f"each side becomes {out[1]} × {out[2]}, so the output will be {shape(out)}."
        )
    return text


function(
    L + "convolutional.base_conv.Conv.build",
    title="Conv.build — create the filters (kernel) and the bias",
    why=(
        "A filter is slid over the whole image, so its weights don't depend on the image "
        "size, only on the window and the number of channels: far fewer weights than Dense."
    ),
    call=_conv_build,
    done=lambda ctx: f"{ctx.subject} has its kernel and bias.",
)


def _conv_call(ctx: Ctx) -> str:
    config = ctx.config()
    x = in_shape(ctx)
    out = conv_output(x, config) if x is not None else None
    filters = config.get("filters", "each")
    window = times(pair(config.get("kernel_size"))) if config else "k × k"
    sizes = f": {shape(x)} → {shape(out)}" if out is not None else ""
    return (
        f"{ctx.subject} slides its {filters} filters ({window} windows) over the image; at each "
        f"position a filter gives one number (a weighted sum over the window and all channels "
        f"plus its bias), then {config.get('activation', 'the activation')} is applied{sizes}."
        f"{run_context(ctx)}"
    )


function(
    L + "convolutional.base_conv.Conv.call",
    title="Conv.call — slide the filters over the image",
    why="The same filter is used everywhere, so a pattern is detected wherever it appears.",
    call=_conv_call,
    done=lambda ctx: f"{ctx.subject} returns its feature maps.",
)


# ---------------------------------------------------------------- BatchNormalization
BN = L + "normalization.batch_normalization.BatchNormalization."


def _bn_build(ctx: Ctx) -> str:
    x = ctx.get("input_shape")
    axis = ctx.config().get("axis", -1)
    channels: Any = None
    if is_shape(x) and x and isinstance(axis, int) and -len(x) <= axis < len(x):
        channels = x[axis]
    head = f"{code('BatchNormalization.build')} receives input shape {shape(x)}."
    if not isinstance(channels, int):
        return head + " It creates four weights with one value per channel."
    return head + (
        f" It normalises axis {axis}, the {channels} channels, and creates four weights of "
        f"shape ({channels},): {code('gamma')} (ones) and {code('beta')} (zeros) are trainable; "
        f"{code('moving_mean')} (zeros) and {code('moving_variance')} (ones) are not. "
        f"{num(4 * channels)} parameters, {num(2 * channels)} of them non-trainable."
    )


function(
    BN + "__init__",
    title="BatchNormalization.__init__ — store axis, momentum and epsilon",
    why="The number of channels, and so the weights' size, is only known at build time.",
    call=lambda ctx: f"{ctx.subject} stores its axis, momentum, epsilon and initializers.",
    done=lambda ctx: _init_done(
        ctx,
        f"axis {ctx.config().get('axis', -1)}, momentum {ctx.config().get('momentum', 0.99)}, "
        f"epsilon {ctx.config().get('epsilon', 0.001)}",
    ),
)
function(
    BN + "build",
    title="BatchNormalization.build — four weights per channel",
    why=(
        "gamma and beta are learned by gradients like any weight. The moving mean and "
        "variance are not learned: the layer itself keeps them as running averages during "
        "training, to use at inference, so they are non-trainable."
    ),
    call=_bn_build,
    done=lambda ctx: f"{ctx.subject} has gamma, beta and its moving statistics.",
)
function(
    BN + "call",
    title="BatchNormalization.call — normalise each channel",
    why=("Keeping each channel near mean 0 and variance 1 makes training faster and more stable."),
    call=lambda ctx: (
        f"{ctx.subject} normalises each channel: (x − mean) / √(variance + "
        f"{ctx.config().get('epsilon', 0.001)}), then × gamma + beta. With training=True it "
        "uses the batch's own mean and variance and moves the running ones towards them "
        f"(moving = {ctx.config().get('momentum', 0.99)} × moving + "
        f"{round(1 - float(ctx.config().get('momentum', 0.99)), 6)} × batch value); otherwise "
        f"it uses the moving mean and variance.{run_context(ctx)}"
    ),
    done=lambda ctx: f"{ctx.subject} returns the normalised values (same shape).",
)
