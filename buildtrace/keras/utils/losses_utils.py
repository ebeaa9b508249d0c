"""How a model output's mask weights its loss and metrics.

Mirrors: ``keras/utils/losses_utils.py`` (``get_mask``, ``apply_mask``,
``apply_valid_mask``) of Keras 2. An output with a mask (``_keras_mask``: a
``TimeDistributed`` tagger after ``Embedding(mask_zero=True)``, say) counts only its
kept steps: the mask becomes (part of) the sample weights, and a mean over the batch
(``"sum_over_batch_size"``) divides by the number of kept steps, not of all steps.

Example:
    >>> losses = np.array([[1.0, 3.0], [5.0, 7.0]], "float32")
    >>> kept = np.array([[True, False], [True, True]])
    >>> weights = apply_valid_mask(losses, None, kept, "auto")
    >>> float((losses * weights).sum() / losses.size)  # the mean of 1, 5 and 7
    4.333333492279053
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.tf.tensors import to_array


def get_mask(y_p: Any) -> Any:
    """The mask a tensor carries (``_keras_mask``), or None."""
    return getattr(y_p, "_keras_mask", None)


def apply_mask(y_p: Any, sw: Any, mask: Any) -> Any:
    """The mask, as the predictions' dtype, multiplied into the sample weights ``sw``."""
    if mask is None:
        return sw
    mask = np.asarray(to_array(mask)).astype(np.asarray(to_array(y_p)).dtype)
    if sw is None:
        return mask
    sw = np.asarray(to_array(sw), mask.dtype)
    # Keras's squeeze_or_expand_dimensions: (N, 1) weights for an (N,) mask, and back.
    if sw.ndim == mask.ndim + 1 and sw.shape[-1] == 1:
        sw = sw[..., 0]
    while sw.ndim < mask.ndim:
        sw = sw[..., None]
    return sw * mask


def apply_valid_mask(losses: Any, sw: Any, mask: Any, reduction: str) -> Any:
    """Weights that make a batch mean a mean over the kept entries only.

    Kept entries weigh ``total / kept`` and skipped ones 0, so that the mean over all
    ``total`` entries is the mean over the kept ones (Keras's reasoning, written out in
    its ``apply_valid_mask``).
    """
    if mask is not None:
        dtype = np.asarray(losses).dtype
        mask = np.asarray(to_array(mask)).astype(dtype)
        if reduction in ("auto", "sum_over_batch_size"):
            total = dtype.type(mask.size)
            valid = mask.sum(dtype=dtype)
            mask = mask * (total / valid)
    return apply_mask(losses, sw, mask)
