"""Metrics: running means, accuracies, and how compile resolves ``"accuracy"``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from buildtrace.keras import metrics
from buildtrace.keras.unsupported import NotSupportedByBuildtrace

PROBS = np.array([[0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3], [0.6, 0.2, 0.2]], np.float32)
LABELS = np.array([1, 2, 0, 0])  # right, right, wrong, right


def test_mean_is_a_running_weighted_mean() -> None:
    mean = metrics.Mean()
    assert mean.name == "mean" and mean.result() == 0.0  # 0 / 0 is 0, as divide_no_nan
    mean.update_state([1, 3, 5, 7])
    assert mean.result() == 4.0
    mean.update_state(10.0)
    assert mean.result() == pytest.approx(26 / 5)
    mean.reset_state()
    mean.update_state([1, 2, 3, 4], sample_weight=[1, 0, 0, 1])
    assert mean.result() == 2.5
    assert [v.name for v in mean.variables] == ["total:0", "count:0"]
    assert mean.total.value.dtype == np.float32


def test_mean_of_a_loss_is_what_fit_prints() -> None:
    loss = metrics.Mean(name="loss")
    for batch_loss in (0.5, 0.25, 0.125):
        loss.update_state(batch_loss)
    assert loss.result() == pytest.approx(0.875 / 3)
    assert loss(0.0) == pytest.approx(0.875 / 4)  # __call__ = update_state + result


def test_sample_weight_for_leading_axes_only() -> None:
    mean = metrics.Mean()
    mean.update_state([[1.0, 3.0], [5.0, 7.0]], sample_weight=[1.0, 0.0])
    assert mean.result() == 2.0  # weights broadcast over the last axis: (1 + 3) / 2


def test_sum() -> None:
    total = metrics.Sum()
    total.update_state([1, 2])
    total.update_state([3], sample_weight=[2])
    assert total.result() == 9.0 and total.name == "sum"


def test_sparse_categorical_accuracy() -> None:
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(LABELS, PROBS), [1, 1, 0, 1])
    acc = metrics.SparseCategoricalAccuracy()
    assert acc.name == "sparse_categorical_accuracy"
    acc.update_state(LABELS, PROBS)
    assert acc.result() == pytest.approx(0.75)
    acc.update_state(LABELS[:2, None].astype(np.float32), PROBS[:2])  # (N, 1) float labels
    assert acc.result() == pytest.approx(5 / 6)
    acc.reset_state()
    assert acc.result() == 0.0


def test_categorical_accuracy() -> None:
    onehot = np.eye(3)[LABELS]
    np.testing.assert_array_equal(metrics.categorical_accuracy(onehot, PROBS), [1, 1, 0, 1])
    acc = metrics.CategoricalAccuracy()
    acc.update_state(onehot, PROBS)
    assert acc.result() == pytest.approx(0.75) and acc.name == "categorical_accuracy"


def test_binary_accuracy() -> None:
    y = np.array([[1], [0], [1], [1]])
    p = np.array([[0.7], [0.2], [0.4], [0.9]])
    np.testing.assert_array_equal(metrics.binary_accuracy(y, p), [1, 1, 0, 1])
    acc = metrics.BinaryAccuracy()
    acc.update_state(y, p)
    assert acc.result() == pytest.approx(0.75) and acc.name == "binary_accuracy"
    strict = metrics.BinaryAccuracy(threshold=0.8)
    strict.update_state(y, p)
    assert strict.result() == pytest.approx(0.5)


def test_binary_accuracy_squeezes_n1_predictions_against_n_targets() -> None:
    # Keras squeezes (N, 1) outputs to (N,), then averages over the last axis: one value
    # (and a count of 1) per batch. Reproduced.
    acc = metrics.BinaryAccuracy()
    acc.update_state([1, 0, 1, 1], [[0.7], [0.2], [0.4], [0.9]])
    assert acc.result() == pytest.approx(0.75)
    assert acc.count is not None and float(acc.count.value) == 1.0


def test_accuracy_is_exact_equality() -> None:
    acc = metrics.Accuracy()
    acc.update_state([1, 2, 3, 4], [1, 2, 0, 4])
    assert acc.result() == 0.75 and acc.name == "accuracy"


def test_mean_metric_wrapper_with_a_function() -> None:
    wrapper = metrics.MeanMetricWrapper(metrics.mean_squared_error, name="mse")
    wrapper.update_state([[0.0, 0.0]], [[1.0, 3.0]])
    assert wrapper.result() == 5.0 and wrapper.name == "mse"


@pytest.mark.parametrize(
    ("y_true_shape", "y_pred_shape", "function"),
    [
        ((None,), (None, 10), metrics.sparse_categorical_accuracy),
        ((None, 1), (None, 10), metrics.sparse_categorical_accuracy),
        ((None, 10), (None, 10), metrics.categorical_accuracy),
        ((None, 1), (None, 1), metrics.binary_accuracy),
        ((None,), (None, 1), metrics.binary_accuracy),
    ],
)
def test_resolve_accuracy_like_compile(
    y_true_shape: tuple[int | None, ...],
    y_pred_shape: tuple[int | None, ...],
    function: Callable[..., np.ndarray],
) -> None:
    metric = metrics.resolve_metric("accuracy", y_true_shape, y_pred_shape, loss=None)
    assert isinstance(metric, metrics.MeanMetricWrapper)
    assert metric._fn is function
    assert metric.name == "accuracy"


def test_resolve_keeps_the_users_spelling() -> None:
    metric = metrics.resolve_metric("acc", (None,), (None, 10))
    assert metric is not None and metric.name == "acc"
    metric = metrics.resolve_metric("crossentropy", (None,), (None, 10))
    assert isinstance(metric, metrics.MeanMetricWrapper)
    assert metric._fn is metrics.sparse_categorical_crossentropy


def test_resolve_other_identifiers() -> None:
    assert metrics.resolve_metric(None, (None,), (None, 10)) is None
    obj = metrics.SparseCategoricalAccuracy()
    assert metrics.resolve_metric(obj, (None,), (None, 10)) is obj
    named = metrics.resolve_metric("sparse_categorical_accuracy", (None,), (None, 10))
    assert named is not None and named.name == "sparse_categorical_accuracy"
    wrapped = metrics.resolve_metric(metrics.categorical_accuracy, (None, 3), (None, 3))
    assert wrapped is not None and wrapped.name == "categorical_accuracy"


def test_get() -> None:
    assert metrics.get("accuracy") is metrics.accuracy  # the function, as Keras's get
    assert isinstance(metrics.get("SparseCategoricalAccuracy"), metrics.SparseCategoricalAccuracy)
    config = metrics.serialize(metrics.BinaryAccuracy(threshold=0.3))
    assert metrics.get(config)._fn_kwargs == {"threshold": 0.3}
    with pytest.raises(ValueError, match="Unknown metric function: 'nope'"):
        metrics.get("nope")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 5"):
        metrics.get(5)
    with pytest.raises(NotSupportedByBuildtrace, match=r"keras\.metrics\.MeanIoU"):
        metrics.get("MeanIoU")
    with pytest.raises(NotSupportedByBuildtrace, match=r"keras\.metrics\.F1Score"):
        metrics.F1Score  # noqa: B018
