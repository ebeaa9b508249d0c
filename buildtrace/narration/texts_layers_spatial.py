"""Lessons for the added convolution, pooling, resizing, normalization and random layers.

Checked against tf-keras ``tf_keras/src/layers/``: ``convolutional/conv1d.py``,
``conv2d.py`` and ``conv2d_transpose.py`` (each ``__init__`` calls the next down to
``Conv.__init__(rank=...)``), ``pooling/max_pooling1d.py``, ``base_pooling1d.py`` (a
width-1 axis is added and pooled as an image), ``base_global_pooling1d.py`` /
``base_global_pooling2d.py``, ``reshaping/up_sampling2d.py``,
``reshaping/zero_padding2d.py``, ``normalization/layer_normalization.py``,
``regularization/gaussian_noise.py``, ``spatial_dropout1d.py``, ``spatial_dropout2d.py``
and ``engine/base_layer.py::BaseRandomLayer``.
"""

from __future__ import annotations

from buildtrace.narration import texts_layers  # noqa: F401  (Conv's lessons, extended below)
from buildtrace.narration.context import Ctx, code, is_shape, num, product, shape
from buildtrace.narration.layer_maths import in_shape, run_context
from buildtrace.narration.registry import FUNCTIONS, Piece, function, render
from buildtrace.narration.texts_layers_more import NO_WEIGHTS, _configured, fill, lesson
from buildtrace.trace import keras_names


def _passes_on(what: str) -> str:
    return f"It passes its settings on to {code(what)}, as Keras's constructor does."


# -------------------------------------------------------------------- convolutions
lesson(
    "convolutional.conv2d.Conv2D.__init__",
    "Conv2D.__init__ — a 2-D convolution",
    "Conv2D only fixes rank=2; the work is in the shared Conv base class.",
    lambda ctx: f"{ctx.subject} calls Conv.__init__ with rank=2. {_passes_on('Conv.__init__')}",
    _configured("filters", "kernel_size", "strides", "padding"),
)
lesson(
    "convolutional.conv1d.Conv1D.__init__",
    "Conv1D.__init__ — a 1-D convolution over sequences",
    "A 1-D convolution slides a window along the steps: n-gram detectors for text.",
    lambda ctx: (
        f"{ctx.subject} calls Conv.__init__ with rank=1: a kernel of kernel_size steps over "
        f"all channels. padding may also be 'causal'. {_passes_on('Conv.__init__')}"
    ),
    _configured("filters", "kernel_size", "strides", "padding"),
)
lesson(
    "convolutional.conv2d_transpose.Conv2DTranspose.__init__",
    "Conv2DTranspose.__init__ — a transposed ('de-') convolution",
    "Decoders and generators need to grow images; a strided transposed convolution does.",
    lambda ctx: (
        f"{ctx.subject} calls Conv2D.__init__ (then Conv.__init__, then Layer.__init__) and "
        "stores output_padding."
    ),
    _configured("filters", "kernel_size", "strides", "padding"),
)


def _transpose_build(ctx: Ctx) -> str:
    x = ctx.get("input_shape")
    config = ctx.config()
    filters = config.get("filters")
    kh, kw = (config.get("kernel_size") or [None, None])[:2]
    channels = x[-1] if is_shape(x) and x else None
    kernel = [kh, kw, filters, channels]
    size = f" = {num(product(kernel))} weights" if product(kernel) else ""
    return (
        f"{code('Conv2DTranspose.build')} receives {shape(x)}. Its kernel is "
        f"{shape(kernel)}{size}: (rows, columns, filters, input channels), the layout of the "
        "convolution it undoes, so filters and channels are swapped compared with Conv2D. "
        "Then a bias per filter, and it calls Layer.build directly (not Conv.build)."
    )


lesson(
    "convolutional.conv2d_transpose.Conv2DTranspose.build",
    "Conv2DTranspose.build — kernel (kh, kw, filters, in_channels) and bias",
    "Each input pixel stamps the kernel onto the output, so the kernel maps channels to filters.",
    _transpose_build,
    lambda ctx: f"{ctx.subject} has its kernel and bias.",
)

# ------------------------------------------------------------------------- pooling
for _cls, _base in (
    ("pooling.max_pooling2d.MaxPooling2D", "Pooling2D"),
    ("pooling.average_pooling2d.AveragePooling2D", "Pooling2D"),
    ("pooling.max_pooling1d.MaxPooling1D", "Pooling1D"),
    ("pooling.average_pooling1d.AveragePooling1D", "Pooling1D"),
):
    _short = _cls.rsplit(".", 1)[1]
    lesson(
        f"{_cls}.__init__",
        f"{_short}.__init__ — pass the window on to {_base}",
        "The subclass only chooses max or mean; the window logic is shared.",
        fill("{subject} calls {base}.__init__. " + _passes_on(_base), base=_base),
        _configured("pool_size", "strides", "padding"),
    )
lesson(
    "pooling.base_pooling1d.Pooling1D.__init__",
    "Pooling1D.__init__ — store the window of a 1-D pooling layer",
    "Pooling has no weights: the settings are all it needs.",
    lambda ctx: (
        f"{ctx.subject} stores pool size, strides (the pool size when not given) and padding, "
        f"and sets input_spec to exactly 3 axes (batch, steps, channels). {NO_WEIGHTS}"
    ),
    _configured("pool_size", "strides", "padding"),
)
lesson(
    "pooling.base_pooling1d.Pooling1D.call",
    "Pooling1D.call — one value per window of steps",
    "Shorter sequences, the strongest (or average) signal of each window kept.",
    lambda ctx: (
        f"{ctx.subject} adds a width-1 axis, pools each window of steps channel by channel as "
        f"an image, and removes the axis: {shape(in_shape(ctx))} → "
        f"{shape(ctx.get('output_shape'))}.{run_context(ctx)}"
    ),
)
for _rank in (1, 2):
    _axes = "steps" if _rank == 1 else "rows and columns"
    lesson(
        f"pooling.base_global_pooling{_rank}d.GlobalPooling{_rank}D.__init__",
        f"GlobalPooling{_rank}D.__init__ — reduce all {_axes}",
        "One number per channel, whatever the input size: no Flatten, far fewer weights after.",
        fill("{subject} stores data_format and keepdims. " + NO_WEIGHTS),
        _configured("data_format", "keepdims"),
    )
    lesson(
        f"pooling.base_global_pooling{_rank}d.GlobalPooling{_rank}D.build",
        f"GlobalPooling{_rank}D.build — check no reduced axis is empty",
        "Its only check: a mean or max over zero values would be undefined.",
        fill(
            "{subject} receives {input} and checks none of its {axes} has size 0. It creates "
            "nothing and leaves built to Layer.build.",
            axes=_axes,
        ),
        lambda ctx: f"The input of {ctx.who} can be reduced.",
    )
    for _kind, _what in (("Average", "the mean"), ("Max", "the largest value")):
        lesson(
            f"pooling.global_{_kind.lower()}_pooling{_rank}d.Global{_kind}Pooling{_rank}D.call",
            f"Global{_kind}Pooling{_rank}D.call — {_what} of each channel",
            "A whole feature map (or sequence) summed up in one number per channel.",
            fill(
                "{subject} keeps {what} over all {axes} of each channel: {input} → {output}."
                "{context}",
                what=_what,
                axes=_axes,
            ),
        )
lesson(
    "pooling.global_average_pooling1d.GlobalAveragePooling1D.__init__",
    "GlobalAveragePooling1D.__init__ — pass the settings on",
    "The average over steps is the simplest way to read a whole sentence into one vector.",
    lambda ctx: f"{ctx.subject} calls GlobalPooling1D.__init__. {_passes_on('GlobalPooling1D')}",
    _configured("data_format", "keepdims"),
)

# ----------------------------------------------------------------------- reshaping
lesson(
    "reshaping.up_sampling2d.UpSampling2D.__init__",
    "UpSampling2D.__init__ — store the repeat factors",
    "The cheap way for a decoder to grow an image: no weights, just repetition.",
    lambda ctx: f"{ctx.subject} stores size (rows, columns) and interpolation. {NO_WEIGHTS}",
    _configured("size", "interpolation"),
)
lesson(
    "reshaping.up_sampling2d.UpSampling2D.call",
    "UpSampling2D.call — repeat rows and columns",
    "Nearest-neighbour upsampling: every pixel becomes a block of copies.",
    lambda ctx: (
        f"{ctx.subject} repeats every row and column: {shape(in_shape(ctx))} → "
        f"{shape(ctx.get('output_shape'))}.{run_context(ctx)}"
    ),
)
lesson(
    "reshaping.zero_padding2d.ZeroPadding2D.__init__",
    "ZeroPadding2D.__init__ — store the border sizes",
    "A border of zeros lets a following 'valid' convolution keep the image size.",
    lambda ctx: f"{ctx.subject} turns padding into ((top, bottom), (left, right)). {NO_WEIGHTS}",
    _configured("padding"),
)
lesson(
    "reshaping.zero_padding2d.ZeroPadding2D.call",
    "ZeroPadding2D.call — add rows and columns of zeros",
    "The border is zeros, so it adds no signal.",
    lambda ctx: (
        f"{ctx.subject} pads every image with zeros: {shape(in_shape(ctx))} → "
        f"{shape(ctx.get('output_shape'))}.{run_context(ctx)}"
    ),
)

lesson(
    "reshaping.repeat_vector.RepeatVector.__init__",
    "RepeatVector.__init__ — store how many copies",
    "An encoder's summary vector becomes a sequence a decoder RNN can read, step by step.",
    fill("{subject} stores n, the number of copies, and expects 2 axes. " + NO_WEIGHTS),
    _configured("n"),
)
lesson(
    "reshaping.repeat_vector.RepeatVector.call",
    "RepeatVector.call — the same vector at every step",
    "Every step of the new sequence starts from the same information.",
    fill("{subject} repeats each vector of {input} n times along a new time axis.{context}"),
)
lesson(
    "reshaping.permute.Permute.__init__",
    "Permute.__init__ — store the new order of the axes",
    "Axis 0, the batch, never moves; dims numbers the others from 1.",
    fill("{subject} checks dims is a permutation of 1..n and stores it. " + NO_WEIGHTS),
    _configured("dims"),
)
lesson(
    "reshaping.permute.Permute.call",
    "Permute.call — transpose the axes after the batch",
    "Swapping steps and features lets a layer work along the other axis.",
    fill("{subject} reorders the axes of {input} as dims says.{context}"),
)

# ------------------------------------------------------------------- normalization
lesson(
    "normalization.layer_normalization.LayerNormalization.__init__",
    "LayerNormalization.__init__ — store axis, epsilon, center and scale",
    "Unlike BatchNormalization, its statistics are per sample: no moving averages.",
    lambda ctx: (
        f"{ctx.subject} stores the axis to normalise over (the last by default), epsilon "
        "(1e-3) and whether to learn gamma (scale) and beta (center)."
    ),
    _configured("axis", "epsilon", "center", "scale"),
)


def _layer_norm_build(ctx: Ctx) -> str:
    x = ctx.get("input_shape")
    return (
        f"{code('LayerNormalization.build')} receives {shape(x)}, makes the axis positive, and "
        "creates gamma (ones) and beta (zeros), one value per position of the normalised "
        "axes, both trainable. Then super().build."
    )


lesson(
    "normalization.layer_normalization.LayerNormalization.build",
    "LayerNormalization.build — create gamma and beta",
    "Normalising fixes mean and spread; gamma and beta let training choose them back.",
    _layer_norm_build,
    lambda ctx: f"{ctx.subject} has gamma and beta.",
)
lesson(
    "normalization.layer_normalization.LayerNormalization.call",
    "LayerNormalization.call — normalise each sample",
    "Each sample's features get mean 0 and variance 1, then gamma · x + beta.",
    lambda ctx: (
        f"{ctx.subject} subtracts each sample's mean and divides by its standard deviation "
        f"over the normalised axes, then applies gamma and beta.{run_context(ctx)}"
    ),
)

# ------------------------------------------------------------------- random layers
function_base = keras_names.BASE_RANDOM_LAYER
for _method, _title, _text in (
    (
        "__init__",
        "BaseRandomLayer.__init__ — a layer with its own random generator",
        "{subject} gets its own random generator (seeded by seed, if given), then Layer.__init__.",
    ),
    (
        "build",
        "BaseRandomLayer.build — only Layer.build",
        "{subject} has nothing to create; this build just calls Layer.build, so built is written "
        "here and once more by _maybe_build.",
    ),
):
    function(
        function_base + _method,
        title=_title,
        why="Random layers (Dropout, noise, the image augmentation layers, RNN cells) draw "
        "numbers; Keras gives each a generator.",
        call=fill(_text),
        done=lambda ctx: f"{ctx.subject} is done with {ctx.name.rsplit('.', 1)[-1]}.",
    )
lesson(
    "regularization.gaussian_noise.GaussianNoise.__init__",
    "GaussianNoise.__init__ — store the noise level",
    "Noise on the inputs while training is a regulariser: the model cannot rely on exact values.",
    lambda ctx: f"{ctx.subject} stores stddev and seed, then BaseRandomLayer.__init__.",
    _configured("stddev"),
)
lesson(
    "regularization.gaussian_noise.GaussianNoise.call",
    "GaussianNoise.call — add noise while training",
    "At inference the layer does nothing.",
    lambda ctx: (
        f"{ctx.subject} adds normal noise of deviation stddev when training=True, and returns "
        f"its input unchanged otherwise.{run_context(ctx)}"
    ),
)
lesson(
    "regularization.activity_regularization.ActivityRegularization.__init__",
    "ActivityRegularization.__init__ — store the L1 and L2 factors",
    "A penalty on the activations, not the weights, keeps the outputs small or sparse.",
    lambda ctx: (
        f"{ctx.subject} stores l1 and l2 and hands Layer.__init__ an L1L2 activity regularizer."
    ),
    _configured("l1"),
)
lesson(
    "regularization.activity_regularization.ActivityRegularization.call",
    "ActivityRegularization.call — pass the input on",
    "The penalty is added by Layer.__call__: l1*sum|x| + l2*sum(x^2), over the batch size.",
    lambda ctx: (
        f"{ctx.subject} returns its input unchanged; after the call its penalty joins "
        f"layer.losses (and the training loss).{run_context(ctx)}"
    ),
)
for _rank in (1, 2):
    lesson(
        f"regularization.spatial_dropout{_rank}d.SpatialDropout{_rank}D.__init__",
        f"SpatialDropout{_rank}D.__init__ — dropout of whole channels",
        "Neighbouring values are correlated; dropping whole channels regularises better.",
        fill(
            "{subject} calls Dropout.__init__ and sets input_spec to {axes} axes: its mask has "
            "size 1 on the spatial axes, so a channel is dropped everywhere at once.",
            axes=_rank + 2,
        ),
        _configured("rate"),
    )


# ------------------------------------------------- Conv, told for sequences (Conv1D)
def _for_sequences(method: str, conv1d_text: Piece) -> None:
    """Keep ``Conv.<method>``'s lesson for images; tell it for sequences on a Conv1D."""
    name = keras_names.CONV + method
    images = FUNCTIONS[name]

    def call(ctx: Ctx) -> str:
        return render(conv1d_text if ctx.cls == "Conv1D" else images.call, ctx)

    function(name, title=images.title, why=images.why, call=call, done=images.done)


_for_sequences(
    "__init__",
    fill(
        "{subject} stores filters, kernel size, strides, padding and activation, and sets "
        "input_spec to at least 3 axes: (batch, steps, channels)."
    ),
)
_for_sequences(
    "build",
    lambda ctx: (
        f"{code('Conv1D.build')} (Conv.build) receives {shape(ctx.get('input_shape'))}. The "
        "kernel is (kernel_size, input channels, filters): each filter reads kernel_size steps "
        "of every channel; the bias has one value per filter. Keras first checks the output "
        "has no empty side."
    ),
)
_for_sequences(
    "call",
    fill(
        "{subject} slides its filters along the steps of {input}: at each position a filter "
        "gives one number (a weighted sum over the window and all channels plus its bias), "
        "then the activation.{context}"
    ),
)
