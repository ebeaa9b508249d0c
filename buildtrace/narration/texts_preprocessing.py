"""Lessons for the preprocessing layers that learn from data: ``PreprocessingLayer.adapt``
and ``Normalization``.

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
