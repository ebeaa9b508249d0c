"""``keras.metrics``: running means and accuracies, and how ``"accuracy"`` is resolved.

Mirrors: ``keras/metrics/__init__.py`` of Keras 2 (``get``, ``serialize``, ``deserialize``)
plus :func:`resolve_metric`, the rule of ``keras/engine/compile_utils.py``
(``MetricsContainer._get_metric_object``) that turns ``metrics=["accuracy"]`` into the right
accuracy for the model's targets and outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from buildtrace.keras.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    hinge,
    kl_divergence,
    kld,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mse,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from buildtrace.keras.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from buildtrace.keras.metrics.base_metric import Mean, MeanMetricWrapper, Metric, Reduce, Sum
from buildtrace.keras.metrics.confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from buildtrace.keras.metrics.regression_metrics import (
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    Poisson,
    RootMeanSquaredError,
    SquaredHinge,
    cosine_similarity,
)
from buildtrace.keras.unsupported import unsupported

__all__ = [
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "CosineSimilarity",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "KLDivergence",
    "LogCoshError",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "Metric",
    "Poisson",
    "Precision",
    "Recall",
    "Reduce",
    "RootMeanSquaredError",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "SquaredHinge",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "accuracy",
    "binary_accuracy",
    "binary_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "cosine_similarity",
    "deserialize",
    "get",
    "hinge",
    "kl_divergence",
    "kld",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mse",
    "poisson",
    "resolve_metric",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "squared_hinge",
    "top_k_categorical_accuracy",
]

#: What a metric name can mean: a class (instantiated) or a per-sample function.
_OBJECTS: dict[str, Any] = {
    cls.__name__: cls
    for cls in (
        Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, Mean, Sum,
        MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, RootMeanSquaredError,
        LogCoshError, KLDivergence, Hinge, SquaredHinge, Poisson, Precision, Recall, AUC,
        TruePositives, FalsePositives, TrueNegatives, FalseNegatives, TopKCategoricalAccuracy,
        SparseTopKCategoricalAccuracy, CosineSimilarity,
    )
}  # fmt: skip
_OBJECTS.update(
    {
        fn.__name__: fn
        for fn in (
            accuracy,
            binary_accuracy,
            categorical_accuracy,
            sparse_categorical_accuracy,
            binary_crossentropy,
            categorical_crossentropy,
            sparse_categorical_crossentropy,
            mean_squared_error,
            mean_absolute_error,
            mean_absolute_percentage_error,
            kl_divergence,
            hinge,
            squared_hinge,
            poisson,
            top_k_categorical_accuracy,
            sparse_top_k_categorical_accuracy,
            cosine_similarity,
        )
    }
)
_OBJECTS.update({"mse": mse, "MSE": mse, "mae": mae, "MAE": mae, "mape": mape, "MAPE": mape})
_OBJECTS.update({"kld": kld, "KLD": kld, "logcosh": logcosh, "log_cosh": log_cosh})


def serialize(metric: Metric) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` for a metric object."""
    return {"class_name": type(metric).__name__, "config": metric.get_config()}


def deserialize(config: Any) -> Any:
    """A metric object from a config dict, or the function/object a name stands for.

    Raises:
        ValueError: an unknown name, with Keras's message.
    """
    if isinstance(config, dict):
        cls = _OBJECTS.get(str(config.get("class_name")))
        if not (isinstance(cls, type) and issubclass(cls, Metric)):
            raise ValueError(f"Unknown metric function: '{config.get('class_name')}'.")
        return cls.from_config(dict(config.get("config", {})))
    obj = _OBJECTS.get(str(config))
    if obj is None:
        if str(config) in _KERAS_ONLY:
            raise unsupported(f"keras.metrics.{config}")
        raise ValueError(
            f"Unknown metric function: '{config}'. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope. "
            "See https://www.tensorflow.org/guide/keras/save_and_serialize"
            "#registering_the_custom_object for details."
        )
    return obj() if isinstance(obj, type) else obj


def get(identifier: Any) -> Any:
    """A metric function or object from a name, a config dict or a callable.

    Mirrors: ``keras/metrics/__init__.py::get``: ``get("accuracy")`` is the *function*
    :func:`accuracy` (exact equality); ``get("SparseCategoricalAccuracy")`` is an instance.
    ``compile`` resolves ``"accuracy"`` differently, see :func:`resolve_metric`.

    Raises:
        ValueError: ``"Could not interpret metric identifier: ..."`` for anything else.
    """
    if isinstance(identifier, dict | str):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


def resolve_metric(
    identifier: Any,
    y_true_shape: Sequence[int | None],
    y_pred_shape: Sequence[int | None],
    loss: Any = None,
) -> Metric | None:
    """The metric object ``compile(metrics=[identifier])`` creates for one output.

    Mirrors: ``keras/engine/compile_utils.py::MetricsContainer._get_metric_object``.
    ``"accuracy"``/``"acc"`` (and ``"crossentropy"``/``"ce"``) are resolved from the shapes::

        is_binary = y_pred last dim == 1
        is_sparse = y_true rank < y_pred rank, or (y_true last dim == 1 and y_pred last dim > 1)
        -> binary_accuracy, else sparse_categorical_accuracy, else categorical_accuracy

    and keep the name the user wrote (``"accuracy"`` or ``"acc"``). A function becomes a
    ``MeanMetricWrapper`` named after the string or the function.

    Args:
        identifier: What the user passed in ``metrics=[...]``.
        y_true_shape: Shape of the targets (e.g. ``(None,)`` for sparse labels).
        y_pred_shape: Shape of the model's output (e.g. ``(None, 10)``).
        loss: Unused. Keras 2's ``compile`` decides from the shapes alone (the loss was only
            consulted by the TF1-era engine); accepted for the callers' convenience.

    Returns:
        A :class:`Metric`, or None for a None identifier.
    """
    if identifier is None:
        return None
    if str(identifier).lower() in {"accuracy", "acc", "crossentropy", "ce"}:
        is_binary = y_pred_shape[-1] == 1
        is_sparse = len(y_true_shape) < len(y_pred_shape) or (
            y_true_shape[-1] == 1 and (y_pred_shape[-1] or 0) > 1
        )
        if str(identifier).lower() in {"accuracy", "acc"}:
            trio: tuple[Any, Any, Any] = (
                binary_accuracy,
                sparse_categorical_accuracy,
                categorical_accuracy,
            )
        else:
            trio = (binary_crossentropy, sparse_categorical_crossentropy, categorical_crossentropy)
        metric = trio[0] if is_binary else trio[1] if is_sparse else trio[2]
    else:
        metric = get(identifier)
    if isinstance(metric, Metric):
        return metric
    name = identifier if isinstance(identifier, str) else getattr(identifier, "__name__", None)
    if name is None:
        raise ValueError(f"Metric should be a callable, received: {identifier}")
    return MeanMetricWrapper(metric, name=str(name))


#: Metrics Keras 2 has that buildtrace leaves out.
_KERAS_ONLY = {
    "MeanIoU", "F1Score", "FBetaScore", "msle", "PrecisionAtRecall", "RecallAtPrecision",
    "R2Score", "SensitivityAtSpecificity", "SpecificityAtSensitivity",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    raise unsupported(f"keras.metrics.{name}")
