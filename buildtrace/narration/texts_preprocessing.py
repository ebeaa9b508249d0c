"""Lessons for the preprocessing layers: ``PreprocessingLayer.adapt``, ``Normalization``,
``Discretization`` and ``CategoryEncoding``.

Checked against tf-keras ``tf_keras/src/engine/base_preprocessing_layer.py`` (``adapt``:
reset a built layer, one ``update_state`` per batch of 32 rows by default, then
``finalize_state``) and ``tf_keras/src/layers/preprocessing/normalization.py`` (build
calls ``Layer.build`` first; weights ``mean`` zeros, ``variance`` ones, ``count`` int64
zeros, all non-trainable; ``call`` divides by ``max(sqrt(variance), 1e-7)``).
"""

from __future__ import annotations

from typing import Any

from buildtrace.narration.context import Ctx, code, shape
from buildtrace.narration.layer_maths import run_context
from buildtrace.narration.registry import function
from buildtrace.narration.texts_layers_more import _configured, lesson
from buildtrace.trace import keras_names

ADAPT = keras_names.ENGINE + "base_preprocessing_layer.PreprocessingLayer."
NORM = "preprocessing.normalization.Normalization."


def _kept(ctx: Ctx) -> tuple[Any, Any]:
    """The kept axes (a tuple) and the statistics' shape, when the event tells them."""
    axis = ctx.config().get("axis", (-1,))
    axes = (axis,) if isinstance(axis, int) else tuple(axis or ())
    x = ctx.get("input_shape")
    if not isinstance(x, list | tuple) or any(not -len(x) <= a < len(x) for a in axes):
        return axes, None
    return axes, tuple(x[a] for a in sorted(a % len(x) for a in axes))


def _norm_build(ctx: Ctx) -> str:
    axes, stats = _kept(ctx)
    head = f"{code('Normalization.build')} receives input shape {shape(ctx.get('input_shape'))}."
    if ctx.config().get("mean") is not None:
        return head + (
            " Its mean and variance were given, so it makes them constants of the right "
            "shape: no weights, nothing to adapt."
        )
    where = f"one per index of axis {list(axes)}" if axes else "one scalar each (axis=None)"
    size = f" of shape {shape(stats)}" if stats is not None else ""
    return head + (
        f" It first marks itself built (Layer.build), then creates three non-trainable "
        f"weights: {code('mean')} (zeros) and {code('variance')} (ones){size}, {where}, and "
        f"{code('count')}, an int64 scalar: how many values the statistics have seen."
    )


lesson(
    NORM + "__init__",
    "Normalization.__init__ — which axes keep their own statistics",
    "The number of features is only known from the data or the input shape, at build time.",
    lambda ctx: (
        f"{ctx.subject} turns axis into a tuple (None becomes (): one mean and variance for "
        "everything) and stores mean, variance and invert."
    ),
    _configured("axis", "mean", "variance", "invert"),
)
lesson(
    NORM + "build",
    "Normalization.build — room for a mean and a variance per feature",
    (
        "The statistics are weights so that they are saved with the model, but no gradient "
        "moves them: adapt computes them from data, before training."
    ),
    _norm_build,
    lambda ctx: (
        f"{ctx.subject} has its mean, variance and count (mean 0, variance 1 until adapted)."
    ),
)
lesson(
    NORM + "update_state",
    "Normalization.update_state — merge one batch into the running statistics",
    (
        "Merging batch by batch lets adapt read data too big to hold at once; weighting by "
        "counts makes the result the same as over all the data together."
    ),
    lambda ctx: (
        f"{ctx.subject} takes the batch's mean and variance, weighs them against the running "
        "ones by how many values each has seen (count), and merges the variances with the "
        "spread of the two means around the merged mean."
    ),
    lambda ctx: f"{ctx.subject} has updated mean, variance and count.",
)
lesson(
    NORM + "finalize_state",
    "Normalization.finalize_state — copy the statistics for call",
    "call reads these copies, shaped to broadcast over a batch; loading a model redoes it.",
    lambda ctx: (
        f"{ctx.subject} reshapes its mean and variance weights so that they broadcast against "
        "a batch (size 1 on every averaged axis) and keeps them for call."
    ),
    lambda ctx: f"{ctx.subject} is ready to normalise.",
)
lesson(
    NORM + "call",
    "Normalization.call — (x − mean) / √variance",
    (
        "Features on very different scales (weights in kg, power in hp) make gradient descent "
        "slow; after this each feature has mean 0 and standard deviation 1."
    ),
    lambda ctx: (
        f"{ctx.subject} computes "
        + (
            "mean + x · max(√variance, 1e-7), turning normalised values back"
            if ctx.config().get("invert")
            else "(x − mean) / max(√variance, 1e-7); the floor keeps a constant feature finite"
        )
        + f".{run_context(ctx)}"
    ),
)
function(
    ADAPT + "adapt",
    title="PreprocessingLayer.adapt — learn the layer's state from data",
    why=(
        "Unlike weights, a preprocessing layer's state is not trained: it is measured once "
        "on the training data, before fit."
    ),
    call=lambda ctx: (
        f"{ctx.subject} adapts to the data: a built layer is reset first, then the data is "
        "read in batches (32 rows unless batch_size says otherwise; a dataset's own "
        "batches), the first batch builds the layer, each batch goes to update_state, and "
        "finalize_state makes the result ready for call."
    ),
    done=lambda ctx: f"{ctx.subject} is adapted (is_adapted is True).",
)


# ------------------------------------------------------------------ categorical layers
DISC = "preprocessing.discretization.Discretization."
CAT = "preprocessing.category_encoding.CategoryEncoding."

lesson(
    DISC + "__init__",
    "Discretization.__init__ — bins given, or a number of bins to find",
    "A value's bin can matter more than the value itself (an age group, a price band).",
    lambda ctx: (
        f"{ctx.subject} stores bin_boundaries (n boundaries make n + 1 bins, the outer ones "
        "open-ended) or num_bins (then adapt finds the boundaries), epsilon and output_mode."
    ),
    _configured("bin_boundaries", "num_bins", "epsilon", "output_mode"),
)
lesson(
    DISC + "build",
    "Discretization.build — a summary weight to adapt",
    "The running summary is a weight so that it is tracked, but no gradient moves it.",
    lambda ctx: (
        f"{code('Discretization.build')} marks the layer built; when it is to be adapted it "
        f"creates {code('summary')}, two rows (values and their weights) that grow with the data."
    ),
    lambda ctx: f"{ctx.subject} is built.",
)
lesson(
    DISC + "update_state",
    "Discretization.update_state — summarise a batch, merge the summaries",
    "Approximate quantiles in one pass, batch by batch, with about 1/epsilon points kept.",
    lambda ctx: (
        f"{ctx.subject} sorts the batch, keeps every (n · epsilon)-th value with a weight, "
        "merges that with the running summary and compresses the result by interpolation."
    ),
    lambda ctx: f"{ctx.subject} has merged the batch into its summary.",
)
lesson(
    DISC + "finalize_state",
    "Discretization.finalize_state — read the boundaries off the summary",
    "Boundaries at equal steps of cumulative weight put about as many values in each bin.",
    lambda ctx: (
        f"{ctx.subject} compresses its summary to num_bins points; all but the last "
        "are the boundaries."
    ),
    lambda ctx: f"{ctx.subject} has its bin boundaries.",
)
lesson(
    DISC + "call",
    "Discretization.call — each value to its bin index",
    "Bins turn a number into a category a model can learn one weight per bin for.",
    lambda ctx: (
        f"{ctx.subject} gives each value the index of the first boundary above it "
        f"(TensorFlow's Bucketize), then encodes it as output_mode says.{run_context(ctx)}"
    ),
)
lesson(
    CAT + "__init__",
    "CategoryEncoding.__init__ — how many categories, and how to encode them",
    "Category numbers are labels, not quantities: one column per category says so.",
    lambda ctx: f"{ctx.subject} stores num_tokens and output_mode (one_hot, multi_hot or count).",
    _configured("num_tokens", "output_mode"),
)
lesson(
    CAT + "call",
    "CategoryEncoding.call — indices to vectors of num_tokens",
    "one_hot: one category per value; multi_hot: which appear in a sample; count: how often.",
    lambda ctx: (
        f"{ctx.subject} turns each sample's integer indices into a vector of "
        f"{ctx.config().get('num_tokens', 'num_tokens')} entries "
        f"({ctx.config().get('output_mode', 'multi_hot')}).{run_context(ctx)}"
    ),
)


# ------------------------------------------------------------------ vocabulary lookups
LOOKUP = "preprocessing.index_lookup.IndexLookup."


def _lookup_init(kind: str) -> Any:
    def text(ctx: Ctx) -> str:
        return (
            f"{ctx.subject} stores its vocabulary settings: max_tokens, num_oov_indices (the "
            f"indices kept for {kind} it has never seen), mask_token, oov_token, output_mode; "
            "a vocabulary given here is set at once, otherwise adapt will count one."
        )

    return text


lesson(
    "preprocessing.string_lookup.StringLookup.__init__",
    "StringLookup.__init__ — a vocabulary of strings",
    "A model computes with numbers: each word or category name becomes an index.",
    _lookup_init("strings"),
    _configured("max_tokens", "num_oov_indices", "mask_token", "oov_token", "output_mode"),
)
lesson(
    "preprocessing.integer_lookup.IntegerLookup.__init__",
    "IntegerLookup.__init__ — a vocabulary of integer codes",
    "Codes like 12, 36, 1138 are names, not amounts: they become indices 1, 2, 3...",
    _lookup_init("values"),
    _configured("max_tokens", "num_oov_indices", "mask_token", "oov_token", "output_mode"),
)
lesson(
    LOOKUP + "update_state",
    "IndexLookup.update_state — count the batch's tokens",
    "The vocabulary keeps the most frequent tokens, so adapt first counts them all.",
    lambda ctx: f"{ctx.subject} adds one to the count of every token in the batch.",
    lambda ctx: f"{ctx.subject} has counted the batch.",
)
lesson(
    LOOKUP + "finalize_state",
    "IndexLookup.finalize_state — the vocabulary, most frequent first",
    "Frequent tokens get small indices; with max_tokens the rare ones fall out of vocabulary.",
    lambda ctx: (
        f"{ctx.subject} drops the mask and OOV tokens from the counts, sorts the tokens by "
        "count (ties: by token, high to low), keeps at most max_tokens minus the reserved "
        "indices, and numbers them after the mask and OOV indices."
    ),
    lambda ctx: f"{ctx.subject} has its vocabulary.",
)
lesson(
    LOOKUP + "call",
    "IndexLookup.call — tokens to indices",
    "An index can then feed an Embedding, or a CategoryEncoding-style vector.",
    lambda ctx: (
        f"{ctx.subject} replaces each token by its vocabulary index (an unknown one by an "
        "OOV index, the mask token by 0), then encodes the indices as output_mode says."
        f"{run_context(ctx)}"
    ),
)
