"""Cross-entropy kernels of Keras 2 with their exact gradients.

Two families, as in ``keras.backend`` (Keras 2):

* ``*_from_logits``: the numerically stable TensorFlow ops on unnormalized scores;
* ``*_from_probs``: Keras 2's formulas on probabilities, including its epsilon clipping
  (``keras.backend.epsilon() == 1e-7``). Their gradients are 0 wherever a clip is active, like
  TF's ``clip_by_value`` gradient.

Conventions: predictions come first, targets second (Keras' own functions use the opposite
order). The class axis is the last one. Losses are returned *per sample* (per element for the
binary ones) with no reduction, and each ``*_backward`` returns the gradient of those unreduced
losses w.r.t. the predictions: averaging over the batch (multiplying by ``1 / batch``) or sample
weighting is the caller's job.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]
IntArray: TypeAlias = npt.NDArray[np.integer[Any]]

EPSILON = 1e-7  # keras.backend.epsilon() default


def _log_softmax(logits: FloatArray) -> FloatArray:
    """``logits - logsumexp(logits)`` along the last axis, shifted by the max for stability."""
    shifted: FloatArray = logits - logits.max(axis=-1, keepdims=True)
    total: FloatArray = np.exp(shifted).sum(axis=-1, keepdims=True)
    return shifted - np.log(total)


def _softmax(logits: FloatArray) -> FloatArray:
    e: FloatArray = np.exp(logits - logits.max(axis=-1, keepdims=True))
    total: FloatArray = e.sum(axis=-1, keepdims=True)
    return e / total


def _check_labels(scores: FloatArray, labels: IntArray) -> None:
    """Sparse labels must be integers of shape ``scores.shape[:-1]`` within ``[0, classes)``."""
    if labels.shape != scores.shape[:-1]:
        raise ValueError(f"labels shape {labels.shape} must be {scores.shape[:-1]}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    # TF's CPU kernel rejects out-of-range labels too (the GPU kernel returns NaN instead).
    if labels.size and (labels.min() < 0 or labels.max() >= scores.shape[-1]):
        raise ValueError(f"labels must lie in [0, {scores.shape[-1]})")


def _one_hot(labels: IntArray, like: FloatArray) -> FloatArray:
    onehot = np.zeros_like(like)
    np.put_along_axis(onehot, labels[..., None], 1, axis=-1)
    return onehot


def sparse_categorical_crossentropy_from_logits(logits: FloatArray, labels: IntArray) -> FloatArray:
    """``-log softmax(logits)[label]`` per sample.

    Mirrors: ``tf.nn.sparse_softmax_cross_entropy_with_logits``, used by
    ``keras.losses.sparse_categorical_crossentropy(from_logits=True)``.

    Args:
        logits: Scores, shape ``(..., C)``.
        labels: Class indices, shape ``(...)``.

    Returns:
        Loss per sample, shape ``(...)``.
    """
    _check_labels(logits, labels)
    return -np.take_along_axis(_log_softmax(logits), labels[..., None], axis=-1)[..., 0]


def sparse_categorical_crossentropy_from_logits_backward(
    logits: FloatArray, labels: IntArray
) -> FloatArray:
    """Gradient of each sample's loss w.r.t. its logits: ``softmax(logits) - one_hot(label)``."""
    _check_labels(logits, labels)
    return _softmax(logits) - _one_hot(labels, logits)


def categorical_crossentropy_from_logits(logits: FloatArray, targets: FloatArray) -> FloatArray:
    """``-sum(targets * log softmax(logits))`` per sample.

    Mirrors: ``tf.nn.softmax_cross_entropy_with_logits``, used by
    ``keras.losses.categorical_crossentropy(from_logits=True)``.

    Args:
        logits: Scores, shape ``(..., C)``.
        targets: Target distributions (e.g. one-hot), same shape.

    Returns:
        Loss per sample, shape ``(...)``.
    """
    loss: FloatArray = -(targets * _log_softmax(logits)).sum(axis=-1)
    return loss


def categorical_crossentropy_from_logits_backward(
    logits: FloatArray, targets: FloatArray
) -> FloatArray:
    """Gradient w.r.t. the logits: ``softmax(logits) * sum(targets) - targets``.

    For targets that sum to 1 (one-hot, label smoothing) this is TF's ``softmax - targets``.
    TF returns ``softmax - targets`` even when they do not sum to 1; we return the true
    derivative, which is what a finite-difference check measures.
    """
    target_mass: FloatArray = targets.sum(axis=-1, keepdims=True)
    return _softmax(logits) * target_mass - targets


def binary_crossentropy_from_logits(logits: FloatArray, targets: FloatArray) -> FloatArray:
    """Elementwise ``-(z * log sigmoid(x) + (1 - z) * log(1 - sigmoid(x)))``.

    Mirrors: ``tf.nn.sigmoid_cross_entropy_with_logits`` and its stable formula
    ``max(x, 0) - x * z + log(1 + exp(-|x|))``, used by
    ``keras.backend.binary_crossentropy(from_logits=True)``. Note that
    ``keras.losses.binary_crossentropy`` then averages over the last axis; that mean is left
    to the caller.

    Args:
        logits: Scores ``x``, any shape.
        targets: Targets ``z`` in [0, 1], same shape.

    Returns:
        Elementwise loss, same shape.
    """
    return np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))


def binary_crossentropy_from_logits_backward(logits: FloatArray, targets: FloatArray) -> FloatArray:
    """Elementwise gradient w.r.t. the logits: ``sigmoid(x) - z``."""
    e = np.exp(-np.abs(logits))  # stable sigmoid, see nn.sigmoid
    return np.where(logits >= 0, 1 / (1 + e), e / (1 + e)) - targets


def _clip(p: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Clips to ``[eps, 1 - eps]`` like ``tf.clip_by_value``; also returns its gradient mask.

    ``1 - eps`` is formed in the dtype of ``p`` (as TF does), so float32 gets 0.99999988.
    """
    eps = np.asarray(EPSILON, dtype=p.dtype)
    lo, hi = eps, 1 - eps
    # TF's clip_by_value passes the gradient where lo <= p <= hi, boundaries included.
    return np.clip(p, lo, hi), ((p >= lo) & (p <= hi)).astype(p.dtype)


def categorical_crossentropy_from_probs(probs: FloatArray, targets: FloatArray) -> FloatArray:
    """Categorical cross-entropy on probabilities, exactly as Keras 2 computes it.

    Mirrors: ``keras.backend.categorical_crossentropy(from_logits=False)``::

        p = probs / sum(probs)              # rescale so each sample sums to 1
        p = clip(p, eps, 1 - eps)
        loss = -sum(targets * log(p))

    Simplification: Keras 2 silently switches to the logits formula when ``probs`` is the
    output of a softmax layer (via the cached ``_keras_logits``); that graph-level shortcut is
    the caller's business.

    Args:
        probs: Predicted probabilities, shape ``(..., C)``.
        targets: Target distributions, same shape.

    Returns:
        Loss per sample, shape ``(...)``.
    """
    total: FloatArray = probs.sum(axis=-1, keepdims=True)
    clipped, _ = _clip(probs / total)
    loss: FloatArray = -(targets * np.log(clipped)).sum(axis=-1)
    return loss


def categorical_crossentropy_from_probs_backward(
    probs: FloatArray, targets: FloatArray
) -> FloatArray:
    """Gradient of :func:`categorical_crossentropy_from_probs` w.r.t. ``probs``.

    Chain rule through the three steps: ``dL/dclipped = -targets / clipped``; the clip passes
    it only where inactive (``g``); the rescaling ``q = p / s`` gives
    ``dL/dp_j = (g_j - sum_k g_k q_k) / s``. So even a clipped entry gets a (small) gradient,
    through the sum ``s`` it contributes to.
    """
    s: FloatArray = probs.sum(axis=-1, keepdims=True)
    q = probs / s
    clipped, mask = _clip(q)
    g = -targets / clipped * mask
    g_dot_q: FloatArray = (g * q).sum(axis=-1, keepdims=True)
    return (g - g_dot_q) / s


def binary_crossentropy_from_probs(probs: FloatArray, targets: FloatArray) -> FloatArray:
    """Elementwise binary cross-entropy on probabilities, exactly as Keras 2 computes it.

    Mirrors: ``keras.backend.binary_crossentropy(from_logits=False)``, which clips *and* adds
    epsilon inside both logs::

        p = clip(probs, eps, 1 - eps)
        loss = -(z * log(p + eps) + (1 - z) * log(1 - p + eps))

    Simplification: as for the categorical version, Keras 2's switch to the logits formula for
    sigmoid outputs is not reproduced. ``keras.losses.binary_crossentropy`` also averages over
    the last axis afterwards; that is left to the caller.

    Args:
        probs: Predicted probabilities, any shape.
        targets: Targets in [0, 1], same shape.

    Returns:
        Elementwise loss, same shape.
    """
    p, _ = _clip(probs)
    loss: FloatArray = -(targets * np.log(p + EPSILON) + (1 - targets) * np.log(1 - p + EPSILON))
    return loss


def binary_crossentropy_from_probs_backward(probs: FloatArray, targets: FloatArray) -> FloatArray:
    """Elementwise gradient of :func:`binary_crossentropy_from_probs` w.r.t. ``probs``.

    ``-(z / (p + eps) - (1 - z) / (1 - p + eps))`` where the clip is inactive, 0 elsewhere.
    """
    p, mask = _clip(probs)
    return -(targets / (p + EPSILON) - (1 - targets) / (1 - p + EPSILON)) * mask


def sparse_categorical_crossentropy_from_probs(probs: FloatArray, labels: IntArray) -> FloatArray:
    """Sparse categorical cross-entropy on probabilities, exactly as Keras 2 computes it.

    Mirrors: ``keras.backend.sparse_categorical_crossentropy(from_logits=False)``, which clips,
    takes the log, and then feeds the result *as logits* to
    ``tf.nn.sparse_softmax_cross_entropy_with_logits``::

        c = clip(probs, eps, 1 - eps)
        loss = -log softmax(log c)[label] = -log(c[label]) + log(sum(c))

    When the clipped probabilities sum to 1 this is just ``-log(c[label])``; otherwise the hidden
    softmax renormalizes them (unlike the dense categorical version, which renormalizes before
    clipping).

    Args:
        probs: Predicted probabilities, shape ``(..., C)``.
        labels: Class indices, shape ``(...)``.

    Returns:
        Loss per sample, shape ``(...)``.
    """
    _check_labels(probs, labels)
    clipped, _ = _clip(probs)
    return sparse_categorical_crossentropy_from_logits(np.log(clipped), labels)


def sparse_categorical_crossentropy_from_probs_backward(
    probs: FloatArray, labels: IntArray
) -> FloatArray:
    """Gradient of :func:`sparse_categorical_crossentropy_from_probs` w.r.t. ``probs``.

    With ``c`` the clipped probabilities: ``dL/dlog(c) = c / sum(c) - one_hot``, and
    ``dlog(c)/dc = 1 / c``, so ``dL/dc_j = 1 / sum(c) - one_hot_j / c_j``; the clip then zeroes
    the entries where it is active.
    """
    _check_labels(probs, labels)
    clipped, mask = _clip(probs)
    total: FloatArray = clipped.sum(axis=-1, keepdims=True)
    grad = 1 / total - _one_hot(labels, clipped) / clipped
    return grad * mask
