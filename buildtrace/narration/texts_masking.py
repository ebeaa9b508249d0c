"""Lessons for masking: how padded steps are marked and skipped.

Checked against tf-keras ``tf_keras/src/engine/base_layer.py`` (``compute_mask`` carries
the input mask over for a layer that ``supports_masking``; ``_set_mask_metadata`` asks
it after ``call`` and attaches the result as the outputs' ``_keras_mask``; a ``call``
that takes ``mask`` receives the inputs' masks), ``layers/core/embedding.py``
(``inputs != 0`` with ``mask_zero``), ``layers/core/masking.py``,
``layers/rnn/base_rnn.py``, ``bidirectional.py`` and ``time_distributed.py``
(their ``compute_mask``), ``backend.py::rnn`` (a skipped step keeps the states) and
``utils/losses_utils.py`` (the loss is a mean over the kept steps).
"""

from __future__ import annotations

from buildtrace.narration.context import code
from buildtrace.narration.registry import function
from buildtrace.narration.texts_layers_more import _configured, lesson
from buildtrace.trace import keras_names

BASE = keras_names.LAYER

function(
    BASE + "compute_mask",
    title="Layer.compute_mask — which steps of the output hold data",
    why=(
        "Padded sequences are all one length, but a review of 12 words padded to 40 has 28 "
        "steps of nothing. A mask says which steps are real, and it travels with the tensor "
        "from layer to layer so that an LSTM, a loss or a metric can skip the rest."
    ),
    call=lambda ctx: (
        f"{ctx.subject} works out its output's mask. A layer that supports masking (Dense, "
        "Dropout, an activation...) hands its input's mask on unchanged; one that does not "
        "returns None, and the mask stops here."
    ),
    done=lambda ctx: f"{code('compute_mask')} of {ctx.subject} has its answer.",
)
function(
    BASE + "_set_mask_metadata",
    title="Layer._set_mask_metadata — attach the mask to the outputs",
    why=(
        "Keras does not pass masks as a separate value: each tensor carries its own, as "
        "_keras_mask. The next layer's __call__ reads it and gives it to call(mask=...)."
    ),
    call=lambda ctx: (
        f"After {code('call')}, {ctx.subject} asks {code('compute_mask')} for its outputs' "
        "mask and stores it on them as _keras_mask (nothing, when the answer is None)."
    ),
    done=lambda ctx: f"The outputs of {ctx.subject} carry their mask, if they have one.",
)

lesson(
    "core.embedding.Embedding.compute_mask",
    "Embedding.compute_mask — index 0 means padding",
    "With mask_zero=True the id 0 is reserved for padding, so the mask is simply ids != 0.",
    lambda ctx: (
        f"{ctx.subject} compares its input ids with 0: with mask_zero=True every non-zero "
        "id is a real step (True), every 0 a padded one (False); without it, no mask."
    ),
    lambda ctx: "The mask has the ids' shape: (batch, steps).",
)
lesson(
    "core.masking.Masking.__init__",
    "Masking.__init__ — mark steps whose features all equal mask_value",
    "For sequences of feature vectors (not ids), padding is a step of mask_value values.",
    lambda ctx: (
        f"{ctx.subject} stores mask_value and says it supports masking; its output and the "
        "output's mask are made together, in call. No weights."
    ),
    _configured("mask_value"),
)
lesson(
    "core.masking.Masking.call",
    "Masking.call — zero the padded steps and attach their mask",
    "A step is kept if any of its features differs from mask_value.",
    lambda ctx: (
        f"{ctx.subject} finds, for every step, whether any feature differs from mask_value, "
        "sets the other steps to 0 and attaches that (batch, steps) mask to its output."
    ),
)
lesson(
    "core.masking.Masking.compute_mask",
    "Masking.compute_mask — the same mask, asked for on its own",
    "The mask is any(features != mask_value) over the last axis.",
    lambda ctx: f"{ctx.subject} computes which steps hold a value other than mask_value.",
    lambda ctx: "The mask is (batch, steps).",
)
lesson(
    "rnn.base_rnn.RNN.compute_mask",
    "RNN.compute_mask — a sequence keeps its mask, a last step does not",
    "Inside the loop a masked step keeps the states and repeats the last output.",
    lambda ctx: (
        f"{ctx.subject} hands the mask on when it returns every step (return_sequences); "
        "its last output alone is one vector per sample, with nothing left to mask."
    ),
)
lesson(
    "rnn.bidirectional.Bidirectional.compute_mask",
    "Bidirectional.compute_mask — the mask of the merged sequence",
    "Both directions skipped the same steps, so the merged sequence has the same mask.",
    lambda ctx: (
        f"{ctx.subject} hands the input's mask on for merged sequences (one per output "
        "without a merge mode), and none for last steps."
    ),
)
lesson(
    "rnn.time_distributed.TimeDistributed.compute_mask",
    "TimeDistributed.compute_mask — the inner layer's mask, step by step",
    "The inner layer sees every step as a sample; the mask follows the same reshaping.",
    lambda ctx: (
        f"{ctx.subject} asks its inner layer for the mask of the merged steps and splits it "
        "back per sequence; if the inner layer has none, the input's mask is kept."
    ),
)
lesson(
    "pooling.global_average_pooling1d.GlobalAveragePooling1D.compute_mask",
    "GlobalAveragePooling1D.compute_mask — no steps left to mask",
    "The mean over the steps (the kept ones, with a mask) leaves one vector per sample.",
    lambda ctx: f"{ctx.subject} returns no mask: the time axis is averaged away.",
)
