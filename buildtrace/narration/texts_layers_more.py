"""Lessons for the layers added for the tutorial canon: activation layers, ``Lambda``,
``Rescaling``, ``Embedding``, ``Subtract``, ``Conv1D``/``Conv2DTranspose``, 1-D and
global pooling, ``UpSampling2D``, ``ZeroPadding2D``, ``LayerNormalization`` and the
random layers (``BaseRandomLayer``, ``GaussianNoise``, ``SpatialDropout``).

Checked against tf-keras ``tf_keras/src/layers/``: ``activation/relu.py``,
``activation/leaky_relu.py`` (alpha 0.3), ``activation/softmax.py``,
``core/lambda_layer.py``, ``core/embedding.py`` (uniform ±0.05, ``input_shape=(None,)``
when no ``input_length``), ``preprocessing/image_preprocessing.py`` (``Rescaling``),
``convolutional/conv2d_transpose.py`` (kernel ``(kh, kw, filters, in)``; its build calls
``Layer.build`` directly), ``pooling/base_global_pooling*.py`` (build only validates),
``normalization/layer_normalization.py`` (gamma ones, beta zeros) and
``engine/base_layer.py::BaseRandomLayer``.
"""

from __future__ import annotations

from typing import Any

from buildtrace.narration.context import Ctx, code, num, shape
from buildtrace.narration.layer_maths import in_shape, run_context
from buildtrace.narration.registry import Piece, function
from buildtrace.trace import keras_names

L = keras_names.LAYERS
NO_WEIGHTS = "It has no weights, so its build is Keras's default: nothing to create."


def _settings(ctx: Ctx, *keys: str) -> str:
    config = ctx.get("config") or ctx.config()
    found = [f"{k} {config[k]!r}" for k in keys if k in config]
    return ", ".join(found) if found else "its settings stored"


def _configured(*keys: str) -> Piece:
    return lambda ctx: f"{ctx.subject} is configured: {_settings(ctx, *keys)}."


def _returns(ctx: Ctx) -> str:
    out = ctx.get("output_shape")
    return f"{ctx.subject} returns {shape(out)}." if out is not None else f"{ctx.subject} is done."


def fill(template: str, **values: Any) -> Piece:
    """A text from ``template``: ``{subject}``, ``{input}``, ``{output}`` and ``{context}``
    come from the event, the other fields from ``values``."""

    def text(ctx: Ctx) -> str:
        return template.format(
            subject=ctx.subject,
            input=shape(in_shape(ctx)),
            output=shape(ctx.get("output_shape")) if ctx.kind == "return" else "its output",
            context=run_context(ctx),
            **values,
        )

    return text


def lesson(name: str, title: str, why: str, call: Piece, done: Piece | None = None) -> None:
    """Register one function's lesson (``done`` defaults to the output shape)."""
    function(L + name, title=title, why=why, call=call, done=done or _returns)


def _elementwise_call(what: str) -> Piece:
    def text(ctx: Ctx) -> str:
        x = in_shape(ctx)
        size = f" on {shape(x)}; the shape is unchanged" if x is not None else ""
        return f"{ctx.subject} {what}{size}.{run_context(ctx)}"

    return text


# ------------------------------------------------------------------ activation layers
lesson(
    "activation.relu.ReLU.__init__",
    "ReLU.__init__ — the rectifier as a layer of its own",
    "A separate ReLU layer lets a model put the activation after, say, a BatchNormalization.",
    lambda ctx: (
        f"{ctx.subject} checks and stores max_value (a cap, none by default), negative_slope "
        f"(0: negatives become 0) and threshold (0). {NO_WEIGHTS}"
    ),
    _configured("max_value", "negative_slope", "threshold"),
)
lesson(
    "activation.relu.ReLU.call",
    "ReLU.call — keep the positive values",
    "max(x, 0) is cheap and its gradient does not fade for positive inputs.",
    _elementwise_call("keeps values above the threshold (capped at max_value if set)"),
)
lesson(
    "activation.leaky_relu.LeakyReLU.__init__",
    "LeakyReLU.__init__ — a rectifier that lets a little through",
    "A small slope for negatives keeps their gradient alive, so units cannot 'die'.",
    lambda ctx: f"{ctx.subject} stores alpha, the slope for negative inputs (0.3 in Keras 2).",
    _configured("alpha"),
)
lesson(
    "activation.leaky_relu.LeakyReLU.call",
    "LeakyReLU.call — x, or alpha · x for negatives",
    "Negative inputs still pass a little signal and gradient.",
    _elementwise_call("passes positive values and multiplies negative ones by alpha"),
)
lesson(
    "activation.softmax.Softmax.__init__",
    "Softmax.__init__ — probabilities as a layer",
    "A separate Softmax layer turns a Dense layer's scores into probabilities.",
    lambda ctx: f"{ctx.subject} stores the axis the probabilities sum to 1 along. {NO_WEIGHTS}",
    _configured("axis"),
)
lesson(
    "activation.softmax.Softmax.call",
    "Softmax.call — exp(x) / sum(exp(x)) along the axis",
    "Scores become positive numbers that add up to 1: one probability per class.",
    _elementwise_call("turns each row of scores into probabilities that sum to 1"),
)

# ----------------------------------------------------------------- core layers
lesson(
    "core.lambda_layer.Lambda.__init__",
    "Lambda.__init__ — wrap a Python function as a layer",
    "A one-line transformation (a scaling, a slice) without writing a Layer subclass.",
    lambda ctx: (
        f"{ctx.subject} stores the function (and output_shape, if given). The function is "
        "plain Python: Keras 2 saves its bytecode in the config; buildtrace only names it."
    ),
    lambda ctx: f"{ctx.subject} holds its function. {NO_WEIGHTS}",
)
lesson(
    "core.lambda_layer.Lambda.call",
    "Lambda.call — run the wrapped function",
    "The output shape of a Lambda is whatever the function returns, so Keras runs it to see.",
    lambda ctx: (
        f"{ctx.subject} calls its function on {shape(in_shape(ctx))}.{run_context(ctx)} "
        "buildtrace learns the output shape by running it on zeros, unless output_shape says."
    ),
)
lesson(
    "preprocessing.image_preprocessing.Rescaling.__init__",
    "Rescaling.__init__ — store scale and offset",
    "Pixel values 0..255 are easier to learn from as 0..1: Rescaling(1/255) does it in the model.",
    lambda ctx: f"{ctx.subject} stores scale and offset (set before Layer.__init__, as Keras).",
    _configured("scale", "offset"),
)
lesson(
    "preprocessing.image_preprocessing.Rescaling.call",
    "Rescaling.call — inputs · scale + offset",
    "Putting the preprocessing inside the model means a saved model preprocesses by itself.",
    _elementwise_call("multiplies every value by scale and adds offset"),
)


def _embedding_build(ctx: Ctx) -> str:
    config = ctx.config()
    rows, cols = config.get("input_dim"), config.get("output_dim")
    table = f"{rows} × {cols}" if rows and cols else "input_dim × output_dim"
    count = f" = {num(rows * cols)} weights" if rows and cols else ""
    return (
        f"{code('Embedding.build')} creates {code('embeddings')}, a table of {table}{count}: "
        "one learned row per word index, initialised uniformly in ±0.05. Unlike Dense, its "
        "size does not depend on the input shape."
    )


lesson(
    "core.embedding.Embedding.__init__",
    "Embedding.__init__ — store the vocabulary size and vector size",
    "Words come as integer indices; an embedding gives each index a vector training can move.",
    lambda ctx: (
        f"{ctx.subject} stores input_dim (vocabulary size) and output_dim (vector size). "
        "Without input_length it declares input_shape=(None,): sequences of any length."
    ),
    _configured("input_dim", "output_dim", "input_length"),
)
lesson(
    "core.embedding.Embedding.build",
    "Embedding.build — create the embeddings table",
    "One row per index: looking a word up is reading its row.",
    _embedding_build,
    lambda ctx: f"{ctx.subject} has its embeddings table.",
)
lesson(
    "core.embedding.Embedding.call",
    "Embedding.call — look up each index's row",
    "A lookup is a Dense layer on one-hot inputs, without building the one-hot vectors.",
    lambda ctx: (
        f"{ctx.subject} replaces each index of {shape(in_shape(ctx))} by its row of the table, "
        f"adding a last axis of output_dim.{run_context(ctx)}"
    ),
)
lesson(
    "merging.subtract.Subtract.build",
    "Subtract.build — the merge checks, then exactly two inputs",
    "A difference needs exactly two things to subtract.",
    lambda ctx: (
        f"{ctx.subject} first runs _Merge.build's shape checks, then insists on exactly two "
        f"inputs: {shape(ctx.get('input_shape'))}."
    ),
    lambda ctx: f"The inputs of {ctx.who} can be subtracted.",
)
