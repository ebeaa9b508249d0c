"""``add_loss`` and ``add_metric``: losses and metrics a layer (or a model) adds itself.

Mirrors: ``Layer.add_loss``, ``Layer.add_metric``, the ``AddLoss`` and ``AddMetric``
layers (``keras/engine/base_layer.py``) and ``Functional._graph_network_add_loss`` /
``_graph_network_add_metric`` (``keras/engine/functional.py``) of Keras 2.

Two ways in, as in Keras:

* inside a layer's ``call``, on data: the loss joins ``layer.losses`` until the next call
  (a training step then differentiates it, see ``Model.train_step``); the metric value
  updates a ``Mean`` named after it, or, when it is a ``Metric``'s result, that metric;
* on a functional model, with a symbolic tensor (``model.add_loss(tf.reduce_mean(h))``):
  the ops that compute it become layers of the model, ending in an ``AddLoss`` (or
  ``AddMetric``) layer that adds the value every time the model runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.keras.utils.nest import flatten
from buildtrace.tf import tape
from buildtrace.tf.tensors import Tensor, is_tensor, to_array

if TYPE_CHECKING:
    from buildtrace.keras.engine.functional import Functional


def add_loss(layer: Layer, losses: Any, **kwargs: Any) -> None:
    """``layer.add_loss(losses)``. Mirrors: ``keras/engine/base_layer.py::Layer.add_loss``."""
    from buildtrace.keras import regularizers

    kwargs.pop("inputs", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {kwargs.keys()}")
    eager = []
    for loss in flatten(losses):
        if isinstance(loss, KerasTensor) and getattr(layer, "_is_graph_network", False):
            _graph_network_add(layer, loss, AddLoss(unconditional=False))  # type: ignore[arg-type]
        elif loss is not None:
            eager.append(loss)
    if eager:
        regularizers.add_loss(layer, eager)


def add_metric(layer: Layer, value: Any, name: str | None = None, **kwargs: Any) -> None:
    """``layer.add_metric(value, name)``. Mirrors: ``Layer.add_metric``.

    Raises:
        TypeError: a keyword other than ``aggregation``.
        ValueError: no ``name`` for a plain value, or a metric's result on a model.
    """
    from buildtrace.keras.metrics import Mean

    if set(kwargs) - {"aggregation"}:
        raise TypeError(f"Unknown keyword arguments: {kwargs.keys()}. Expected `aggregation`.")
    metric_obj = getattr(value, "_metric_obj", None)
    if name is None and metric_obj is None:
        raise ValueError(
            "Please provide a name for your metric like "
            "`self.add_metric(tf.reduce_sum(inputs), name='mean_activation')`"
        )
    if isinstance(value, KerasTensor) and getattr(layer, "_is_graph_network", False):
        metric = AddMetric(aggregation="mean", metric_name=name)
        _graph_network_add(layer, value, metric)  # type: ignore[arg-type]
        return
    name = metric_obj.name if metric_obj is not None else name
    added = layer.__dict__.setdefault("_added_metrics", {})
    if name in added:
        match = added[name]
    else:
        match = added[name] = metric_obj or Mean(name=str(name))
    # A metric's result has already updated its metric. And a value met while the model
    # is being built (the scratch call standing for Keras's placeholders) counts nothing:
    # the metric exists from then on, its state starts with the first real batch.
    if not _in_eager_call():
        if metric_obj is not None:
            metric_obj.reset_state()  # what the scratch call counted
    elif metric_obj is None:
        match.update_state(value)


def _in_eager_call() -> bool:
    """Whether a layer's ``call`` is running on data (Keras's ``call_context().in_call``)."""
    from buildtrace.keras.engine import base_layer_utils

    return bool(base_layer_utils.CALL_STACK)


def handle_activity_regularization(layer: Layer, outputs: Any) -> None:
    """Add ``activity_regularizer(output) / batch size`` to the layer's losses, per output.

    Mirrors: ``Layer._handle_activity_regularization``. Under a ``tf.GradientTape`` the
    penalty is one node whose gradient is the regularizer's, divided by the batch size.
    """
    from buildtrace.keras import regularizers

    regularizer = regularizers.get(layer._activity_regularizer)
    if regularizer is None:
        return
    for output in flatten(outputs):
        values = np.asarray(to_array(output), np.float32)
        batch = np.float32(values.shape[0]) if values.ndim else np.float32(1)
        loss = Tensor(np.asarray(regularizer(values) / batch if batch else 0.0, np.float32))

        def vjp(dy: Any, values: np.ndarray = values, batch: np.float32 = batch) -> list[Any]:
            grad = regularizer.gradient(values)
            if grad is None or not batch:
                return [np.zeros_like(values)]
            return [np.asarray(grad * (np.asarray(dy, np.float32) / batch), np.float32)]

        if is_tensor(output):
            tape.record("ActivityRegularizer", (output,), (loss,), vjp)
        layer.add_loss(loss)


def layer_metrics(layer: Layer) -> list[Any]:
    """The metrics ``add_metric`` gave ``layer`` and every layer inside it, in order.

    Mirrors: the ``for l in self._flatten_layers(): metrics.extend(l._metrics)`` of
    ``Layer.metrics``/``Model.metrics`` (each layer once, depth first, itself first).
    """
    found: list[Any] = []
    seen: list[Any] = []
    todo: list[Any] = [layer]  # a stack: depth first, each layer before its sublayers
    while todo:
        current = todo.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        found += current.__dict__.get("_added_metrics", {}).values()
        inner = current.__dict__.get("_self_tracked_trackables") or []
        inner = [*inner, *(current.__dict__.get("_tracked_layers") or [])]
        todo += reversed(inner)
    return found


def _graph_network_add(model: Functional, value: KerasTensor, layer: Layer) -> None:
    """Make ``layer(value)``, and the ops ``value`` came from, part of ``model``'s graph.

    Mirrors: ``Functional._graph_network_add_loss`` / ``_graph_network_add_metric`` and
    ``_insert_layers``: the new layers join ``model.layers`` at the end, and the graph's
    nodes are mapped again with the new layer's output as one more (hidden) end point.
    """
    from buildtrace.keras.engine import functional

    layer(value)
    ends = model.__dict__.setdefault("_added_ends", [])
    ends.append(layer._inbound_nodes[-1].outputs)
    nodes, by_depth, layers, _ = functional._map_graph_network(
        model.inputs, [*model.outputs, *ends]
    )
    model._network_nodes = nodes
    model._nodes_by_depth = by_depth
    known = model._self_tracked_trackables
    known += [new for new in layers if not any(new is old for old in known)]
    model._compute_tensor_usage_count()


class AddLoss(Layer):
    """Adds its input to the model's losses and returns it unchanged.

    Mirrors: ``keras/engine/base_layer.py::AddLoss``.
    """

    def __init__(self, unconditional: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unconditional = unconditional

    def call(self, inputs: Any) -> Any:
        self.add_loss(inputs)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "unconditional": self.unconditional}


class AddMetric(Layer):
    """Reports the running mean of its input as a metric and returns it unchanged.

    Mirrors: ``keras/engine/base_layer.py::AddMetric``.
    """

    def __init__(
        self, aggregation: Any = None, metric_name: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.aggregation = aggregation
        self.metric_name = metric_name

    def call(self, inputs: Any) -> Any:
        self.add_metric(inputs, aggregation=self.aggregation, name=self.metric_name)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        return {**config, "aggregation": self.aggregation, "metric_name": self.metric_name}
