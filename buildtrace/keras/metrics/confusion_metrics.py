"""Metrics counted from a confusion matrix: TP/FP/TN/FN, precision, recall, AUC.

Mirrors: ``keras/metrics/confusion_metrics.py`` of Keras 2, with the counting rule of
``keras/utils/metrics_utils.py::update_confusion_matrix_variables``. Every metric holds
one float32 count per threshold; a prediction is *positive* when it is strictly above the
threshold, and each sample adds its weight (1 by default) to one of the four counts.

Example:
    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backend import Variable
from buildtrace.keras.metrics.base_metric import Metric, result_tensor
from buildtrace.tf.tensors import Tensor, to_array

#: ``metrics_utils.NEG_INF``: what ``top_k`` filtering puts in place of the other scores.
NEG_INF = np.float32(-1e10)

#: The four counts, in the order Keras names their variables.
_COUNTS = ("true_positives", "false_positives", "true_negatives", "false_negatives")


def _as_thresholds(thresholds: Any, default: float) -> list[float]:
    """A threshold or list of thresholds, each checked to lie in [0, 1] as Keras does."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, list | tuple) else [thresholds]
    for value in values:
        if default != NEG_INF and not 0 <= value <= 1:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {thresholds}")
    return [float(v) for v in values]


def _filter_top_k(y_pred: np.ndarray, k: int) -> np.ndarray:
    """Keep each row's ``k`` highest scores, the rest become ``NEG_INF``.

    Mirrors: ``metrics_utils._filter_top_k`` (``tf.math.top_k``: the lower index wins a tie).
    """
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    mask = np.zeros(y_pred.shape, np.float32)
    np.put_along_axis(mask, order, 1.0, axis=-1)
    return np.asarray(y_pred * mask + NEG_INF * (1 - mask), np.float32)


def update_confusion_matrix_variables(
    counts: dict[str, np.ndarray],
    y_true: Any,
    y_pred: Any,
    thresholds: np.ndarray,
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: Any = None,
    multi_label: bool = False,
) -> None:
    """Add a batch to the ``counts`` (arrays, one entry per threshold, updated in place).

    Mirrors: ``keras/utils/metrics_utils.py::update_confusion_matrix_variables``. Without
    ``multi_label`` every prediction of the batch is one more sample (labels flattened);
    with it, each label (last axis) keeps counts of its own: ``(thresholds, labels)``.
    """
    y_pred = np.asarray(y_pred, np.float32)
    y_true = np.asarray(y_true, np.float32)
    weights = None if sample_weight is None else np.asarray(sample_weight, np.float32)
    # `squeeze_or_expand_dimensions`: a trailing axis of 1 goes, weights gain one.
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred[..., 0]
    elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if weights is not None and weights.ndim == y_pred.ndim - 1:
        weights = weights[..., None]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"Shapes {y_pred.shape} and {y_true.shape} are incompatible")
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if weights is not None:
        weights = np.broadcast_to(weights, y_pred.shape)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
        weights = None if weights is None else weights[..., class_id, None]
    preds: np.ndarray
    shaped: np.ndarray
    if multi_label:  # (samples, labels): a threshold axis in front, summed over samples
        preds, labels = y_pred.reshape(len(y_pred), -1)[None], y_true.reshape(len(y_true), -1)
        w = None if weights is None else weights.reshape(len(weights), -1)[None]
        shaped = thresholds.reshape(-1, 1, 1)
    else:  # every prediction one sample
        preds, labels = y_pred.reshape(1, -1), y_true.reshape(-1)
        w = None if weights is None else weights.reshape(1, -1)
        shaped = thresholds.reshape(-1, 1)
    predicted = preds > shaped
    actual = labels.astype(bool)[None] if multi_label else labels.astype(bool)
    cells = {
        "true_positives": predicted & actual,
        "false_positives": predicted & ~actual,
        "true_negatives": ~predicted & ~actual,
        "false_negatives": ~predicted & actual,
    }
    for name, state in counts.items():
        hits = cells[name].astype(np.float32)
        if w is not None:
            hits = hits * w
        state[...] = state + hits.sum(axis=1, dtype=np.float32)  # over the samples


def _divide_no_nan(a: Any, b: Any) -> np.ndarray:
    """``tf.math.divide_no_nan``: ``a / b``, and 0 where ``b`` is 0."""
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, np.float32(0), a / np.where(b == 0, np.float32(1), b))


class _ConfusionMetric(Metric):
    """A metric holding some of the four counts per threshold (and ``top_k``/``class_id``)."""

    true_positives: Variable
    false_positives: Variable
    true_negatives: Variable
    false_negatives: Variable
    _counted: tuple[str, ...] = _COUNTS

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        # With top_k, every kept score counts as positive (Keras's default threshold).
        default = 0.5 if top_k is None else float(NEG_INF)
        self.thresholds = _as_thresholds(thresholds, default)
        self._thresholds = np.asarray(self.thresholds, np.float32)
        for count in self._counted:
            setattr(self, count, self.add_weight(count, (len(self.thresholds),)))

    def _counts(self) -> dict[str, np.ndarray]:
        return {count: getattr(self, count).value for count in self._counted}

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's counts at every threshold."""
        update_confusion_matrix_variables(
            self._counts(), to_array(y_true), to_array(y_pred), self._thresholds,
            self.top_k, self.class_id, None if sample_weight is None else to_array(sample_weight),
        )  # fmt: skip

    def _one_or_all(self, values: np.ndarray) -> Tensor:
        """One threshold: a scalar; several: one value each (as Keras's ``result``)."""
        return result_tensor(values[0] if len(self.thresholds) == 1 else values)

    def get_config(self) -> dict[str, Any]:
        """The thresholds as given, ``top_k``, ``class_id``, name and dtype."""
        return {
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
            **super().get_config(),
        }


class _ConditionCount(_ConfusionMetric):
    """One count per threshold. Mirrors: ``_ConfusionMatrixConditionCount``."""

    _condition = ""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        self._counted = (self._condition,)
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)

    def result(self) -> Tensor:
        """The count (one per threshold when there are several)."""
        return self._one_or_all(getattr(self, self._condition).value)

    def get_config(self) -> dict[str, Any]:
        """``thresholds``, name and dtype."""
        return {"thresholds": self.init_thresholds, **Metric.get_config(self)}


class TruePositives(_ConditionCount):
    """The (weighted) number of positive predictions of positive samples.

    Mirrors: ``keras/metrics/confusion_metrics.py::TruePositives``.
    """

    _condition = "true_positives"


class FalsePositives(_ConditionCount):
    """Positive predictions of negative samples. Mirrors: ``confusion_metrics.FalsePositives``."""

    _condition = "false_positives"


class TrueNegatives(_ConditionCount):
    """Negative predictions of negative samples. Mirrors: ``confusion_metrics.TrueNegatives``."""

    _condition = "true_negatives"


class FalseNegatives(_ConditionCount):
    """Negative predictions of positive samples. Mirrors: ``confusion_metrics.FalseNegatives``."""

    _condition = "false_negatives"


class Precision(_ConfusionMetric):
    """``tp / (tp + fp)``: how many predicted positives are positive.

    Mirrors: ``keras/metrics/confusion_metrics.py::Precision`` (thresholds, ``top_k``,
    ``class_id``).
    """

    _counted = ("true_positives", "false_positives")

    def result(self) -> Tensor:
        """The precision at each threshold (a scalar for one)."""
        tp, fp = self.true_positives.value, self.false_positives.value
        return self._one_or_all(_divide_no_nan(tp, tp + fp))


class Recall(_ConfusionMetric):
    """``tp / (tp + fn)``: how many positives are predicted positive.

    Mirrors: ``keras/metrics/confusion_metrics.py::Recall`` (thresholds, ``top_k``,
    ``class_id``).
    """

    _counted = ("true_positives", "false_negatives")

    def result(self) -> Tensor:
        """The recall at each threshold (a scalar for one)."""
        tp, fn = self.true_positives.value, self.false_negatives.value
        return self._one_or_all(_divide_no_nan(tp, tp + fn))


class AUC(Metric):
    """The area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Mirrors: ``keras/metrics/confusion_metrics.py::AUC``. ``num_thresholds`` thresholds are
    spread evenly over [0, 1] (the end ones just outside it, by ``epsilon``); the four
    counts are kept at each; ``result`` sums the curve's trapezoids
    (``summation_method="interpolation"``; for ``curve="PR"`` the Davis & Goadrich
    interpolation), or the lower (``"minoring"``) or upper (``"majoring"``) rectangles.

    Args:
        num_thresholds: How many thresholds (more than 1).
        curve: ``"ROC"`` or ``"PR"``.
        summation_method: ``"interpolation"``, ``"minoring"`` or ``"majoring"``.
        name: The metric's name (``auc``, ``auc_1``... by default).
        dtype: The counts' dtype.
        thresholds: Explicit thresholds in (0, 1) instead of evenly spread ones.
        multi_label: Keep one curve per label (last axis) and average their areas.
        num_labels: Labels, when known before the first batch.
        label_weights: Weights of the labels' areas in that average.
        from_logits: Predictions are logits (a sigmoid is applied first).
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Any = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if str(curve).upper() not in {"ROC", "PR"}:
            raise ValueError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["ROC", "PR"]'
            )
        methods = {"interpolation", "minoring", "majoring"}
        if str(summation_method).lower() not in methods:
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". Expected values '
                'are ["interpolation", "majoring", "minoring"]'
            )
        self.curve = str(curve).upper()
        self.summation_method = str(summation_method).lower()
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else np.asarray(label_weights, np.float32)
        )
        self._from_logits = from_logits
        epsilon = 1e-7  # backend.epsilon(): the end thresholds catch exact 0s and 1s
        if thresholds is not None:
            inner = sorted(_as_thresholds(thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self._thresholds = np.array([0.0 - epsilon, *inner, 1.0 + epsilon])
        self._built = False
        if not multi_label or num_labels is not None:
            self._build(num_labels)

    @property
    def thresholds(self) -> list[float]:
        """The thresholds, end ones included."""
        return list(self._thresholds)

    def _build(self, num_labels: int | None) -> None:
        shape = (
            (self.num_thresholds, num_labels or 1) if self.multi_label else (self.num_thresholds,)
        )
        for count in _COUNTS:
            setattr(self, count, self.add_weight(count, shape))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's counts at every threshold."""
        y_pred = np.asarray(to_array(y_pred), np.float32)
        if not self._built:
            self._build(int(y_pred.shape[-1]) if y_pred.ndim > 1 else 1)
        if self._from_logits:
            y_pred = np.asarray(1 / (1 + np.exp(-y_pred)), np.float32)
        update_confusion_matrix_variables(
            {count: getattr(self, count).value for count in _COUNTS}, to_array(y_true), y_pred,
            self._thresholds.astype(np.float32), sample_weight=None if sample_weight is None
            else to_array(sample_weight), multi_label=self.multi_label,
        )  # fmt: skip

    def _label_mean(self, by_threshold: np.ndarray) -> np.float32:
        """Sum over thresholds; with several labels, their (weighted) mean."""
        by_label = by_threshold.sum(axis=0, dtype=np.float32)
        if not self.multi_label:
            return np.float32(by_label)
        if self.label_weights is None:
            return np.float32(by_label.mean(dtype=np.float32))
        weighted = np.sum(by_label * self.label_weights, dtype=np.float32)
        return np.float32(_divide_no_nan(weighted, np.sum(self.label_weights, dtype=np.float32)))

    def interpolate_pr_auc(self) -> np.float32:
        """The PR curve's area, interpolated between thresholds (Davis & Goadrich, 2006).

        Mirrors: ``AUC.interpolate_pr_auc``: between two thresholds precision is taken to
        vary as ``tp / p`` does when ``tp`` grows linearly with ``p = tp + fp``.
        """
        tp, fp, fn = (getattr(self, c).value for c in ("true_positives", "false_positives",
                                                       "false_negatives"))  # fmt: skip
        n = self.num_thresholds
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = _divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[: n - 1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _divide_no_nan(p[: n - 1], np.maximum(p[1:], 0)), np.float32(1))
        with np.errstate(divide="ignore"):
            log_ratio = np.log(ratio).astype(np.float32)
        increments = _divide_no_nan(
            slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0)
        )
        return self._label_mean(increments)

    def result(self) -> Tensor:
        """The area under the chosen curve."""
        if self.curve == "PR" and self.summation_method == "interpolation":
            return result_tensor(self.interpolate_pr_auc())
        tp, fp, tn, fn = (getattr(self, c).value for c in _COUNTS)
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _divide_no_nan(tp, tp + fp)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / np.float32(2)
        elif self.summation_method == "minoring":
            heights = np.minimum(y[: n - 1], y[1:])
        else:
            heights = np.maximum(y[: n - 1], y[1:])
        return result_tensor(self._label_mean((x[: n - 1] - x[1:]) * heights))

    def get_config(self) -> dict[str, Any]:
        """Keras's ``AUC.get_config`` keys."""
        return {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "thresholds": self.thresholds[1:-1],
            **super().get_config(),
        }


__all__ = [
    "AUC",
    "FalseNegatives",
    "FalsePositives",
    "Precision",
    "Recall",
    "TrueNegatives",
    "TruePositives",
    "update_confusion_matrix_variables",
]
