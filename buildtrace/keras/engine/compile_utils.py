"""What ``compile`` sets up: the loss to minimise and the metrics to report.

Mirrors: ``keras/engine/compile_utils.py`` (``LossesContainer``, ``MetricsContainer``).
Both resolve their contents lazily, on the first batch, as Keras does: ``"accuracy"``
can only be turned into a concrete metric once the shapes of the targets and the
predictions are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from buildtrace.keras import losses as losses_module
from buildtrace.keras import metrics as metrics_module
from buildtrace.keras.backprop import losses as loss_gradients
from buildtrace.keras.engine import gradients
from buildtrace.keras.utils import losses_utils
from buildtrace.tf import tape as tf_tape

if TYPE_CHECKING:
    from buildtrace.keras.engine.gradients import GradientTape


def _per_output(value: Any, output_names: list[str], what: str) -> list[Any]:
    """One entry per output, from a single value, a list, or a dict keyed by output name.

    Mirrors Keras 2's ``map_to_output_names`` and what follows it: a dict must name only
    outputs (Keras's message otherwise); a list of losses or loss weights is zipped with
    the outputs (a short one leaves the last outputs out, as Keras's ``zip`` does), while
    a list of metrics must match them (``map_structure_up_to``'s message).
    """
    if isinstance(value, dict):
        rest = dict(value)
        per_output = [rest.pop(name, None) for name in output_names]
        if rest:
            raise ValueError(
                "Found unexpected losses or metrics that do not correspond to any Model "
                f"output: {rest.keys()}. Valid mode output names: {output_names}. "
                f"Received struct is: {rest}."
            )
        return per_output
    if isinstance(value, list | tuple) and len(output_names) > 1:
        if what == "metrics" and len(value) != len(output_names):
            raise ValueError(
                "The two structures don't have the same sequence length. Input structure "
                f"has length {len(value)}, while shallow structure has length "
                f"{len(output_names)}."
            )
        return list(value)
    return [value] * len(output_names)


class LossesContainer:
    """The compiled loss: one loss per output, summed (weighted by ``loss_weights``).

    Keeps the running mean ``loss`` metric that ``fit`` reports, weighted by batch size.
    """

    def __init__(self, losses: Any, loss_weights: Any = None) -> None:
        self._user_losses = losses
        self._user_loss_weights = loss_weights
        self._losses: list[Any] | None = None
        self._loss_metric = metrics_module.Mean(name="loss")
        self._per_output_metrics: list[Any] = []

    def build(self, output_names: list[str]) -> None:
        """Resolve the losses once the model's outputs are known."""
        self._losses = [
            losses_module.get(loss) for loss in _per_output(self._user_losses, output_names, "loss")
        ]
        weights = self._user_loss_weights
        self._weights = [  # Keras leaves an output without a weight unweighted
            1.0 if w is None else w
            for w in _per_output(1.0 if weights is None else weights, output_names, "weights")
        ]
        if len(output_names) > 1:
            self._per_output_metrics = [
                metrics_module.Mean(name=f"{name}_loss") if loss is not None else None
                for name, loss in zip(output_names, self._losses)
            ]

    @property
    def metrics(self) -> list[Any]:
        """``loss``, then one ``<output>_loss`` per output for multi-output models.

        None before the first batch builds the container (Keras's ``if not self._built``):
        right after ``compile``, ``metrics_names`` lists only metrics layers added.
        """
        if self._losses is None:
            return []
        return [self._loss_metric, *(m for m in self._per_output_metrics if m is not None)]

    def __call__(
        self,
        y_true: list[Any],
        y_pred: list[Any],
        sample_weight: Any = None,
        tape: GradientTape | None = None,
        regularization_losses: list[Any] | None = None,
    ) -> Any:
        """The total loss of a batch; with a ``tape``, also give it ``dL/d(outputs)``.

        ``regularization_losses`` (the model's ``losses``) join the total and the ``loss``
        metric, as in Keras; their gradients are added by ``train_step``. Under a custom
        ``train_step``'s ``tf.GradientTape`` the loss is a tensor the tape differentiates.
        """
        if not isinstance(y_pred, list):  # one output, from a custom train_step/test_step
            y_true, y_pred = [y_true], [y_pred]
        if self._losses is None:
            self.build([f"output_{i + 1}" for i in range(len(y_pred))])
        if tape is None and tf_tape.is_recording():  # a custom train_step's GradientTape
            return gradients.compiled_loss_on_tape(
                self, y_true, y_pred, sample_weight, regularization_losses
            )
        assert self._losses is not None, "LossesContainer.build was not called"
        total = 0.0
        output_grads: list[Any] = []
        wrt_logits: list[bool] = []
        batch = float(np.asarray(y_pred[0]).shape[0])
        for index, (loss, weight, target, pred) in enumerate(
            zip(self._losses, self._weights, y_true, y_pred)
        ):
            if loss is None or target is None:
                output_grads.append(None)
                wrt_logits.append(False)
                continue
            logits = None
            if tape is not None:
                activation, layer_logits = tape.output_logits(index)
                if layer_logits is not None and loss_gradients.fuses_activation(loss, activation):
                    logits = layer_logits
            # A masked output weighs only its kept steps (Keras's apply_mask).
            mask = losses_utils.get_mask(pred)
            weights = losses_utils.apply_mask(pred, sample_weight, mask)
            if tape is None:
                value = float(loss(target, pred, sample_weight=weights))
                grad = None
            else:
                # The loss itself spreads the mean over the kept steps (see Loss.__call__).
                weights = losses_utils.apply_valid_mask(pred, weights, mask, loss.reduction)
                value, grad = loss_gradients.forward_backward(loss, target, pred, logits, weights)
                if weight != 1.0:
                    grad = grad * np.asarray(weight, grad.dtype)
            output_grads.append(grad)
            wrt_logits.append(logits is not None)
            if self._per_output_metrics:
                self._per_output_metrics[index].update_state(value, sample_weight=batch)
            total += weight * value
        if regularization_losses:
            total += float(np.sum(np.asarray(regularization_losses, np.float32), dtype=np.float32))
        self._loss_metric.update_state(total, sample_weight=batch)
        if tape is not None:
            tape.set_output_gradients(output_grads, wrt_logits)
        return total

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


class MetricsContainer:
    """The compiled metrics, resolved per output from the first batch's shapes.

    ``metrics`` ignore ``sample_weight`` (and ``class_weight``); ``weighted_metrics``
    use it. A weighted metric whose name a plain one already has is called
    ``weighted_<name>``, as in Keras 2.
    """

    def __init__(self, metrics: Any = None, weighted_metrics: Any = None) -> None:
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self._metrics: list[list[Any]] | None = None
        self._weighted_metrics: list[list[Any]] = []
        self._output_names: list[str] = []

    def build(self, y_true: list[Any], y_pred: list[Any], output_names: list[str]) -> None:
        """Turn names such as ``"accuracy"`` into metric objects for each output."""
        self._output_names = output_names
        self._metrics = self._resolve(self._user_metrics, y_true, y_pred, output_names)
        self._weighted_metrics = self._resolve(
            self._user_weighted_metrics, y_true, y_pred, output_names
        )
        taken = {m.name for m in self.metrics[: sum(map(len, self._metrics))]}
        for group in self._weighted_metrics:
            for metric in group:
                if metric.name in taken:
                    metric.name = f"weighted_{metric.name}"

    @staticmethod
    def _resolve(
        wanted_metrics: Any, y_true: list[Any], y_pred: list[Any], output_names: list[str]
    ) -> list[list[Any]]:
        if not wanted_metrics:
            return [[] for _ in output_names]
        flat = isinstance(wanted_metrics, list | tuple) and not any(
            isinstance(m, list | tuple | dict) for m in wanted_metrics
        )
        # A flat list of metrics applies to every output, as Keras broadcasts it.
        per_output = (
            [list(wanted_metrics)] * len(output_names)
            if flat
            else _per_output(wanted_metrics, output_names, "metrics")
        )
        groups = []
        for name, wanted, target, pred in zip(output_names, per_output, y_true, y_pred):
            wanted = wanted if isinstance(wanted, list | tuple) else [wanted]
            resolved = []
            for identifier in wanted:
                metric = metrics_module.resolve_metric(identifier, np.shape(target), np.shape(pred))
                if metric is None:
                    continue
                if len(output_names) > 1:
                    metric.name = f"{name}_{metric.name}"
                resolved.append(metric)
            groups.append(resolved)
        return groups

    @property
    def built(self) -> bool:
        return self._metrics is not None

    @property
    def metrics(self) -> list[Any]:
        groups = [*(self._metrics or []), *self._weighted_metrics]
        return [m for group in groups for m in group]

    def update_state(self, y_true: list[Any], y_pred: list[Any], sample_weight: Any = None) -> None:
        if not isinstance(y_pred, list):  # one output, from a custom train_step
            y_true, y_pred = [y_true], [y_pred]
        if not self.built:
            self.build(y_true, y_pred, [f"output_{i + 1}" for i in range(len(y_pred))])
        for group, target, pred in zip(self._metrics or [], y_true, y_pred):
            mask = losses_utils.get_mask(pred)  # a masked output counts its kept steps
            for metric in group:
                if mask is None:
                    metric.update_state(target, pred)
                else:
                    metric.update_state(target, pred, sample_weight=mask)
        for group, target, pred in zip(self._weighted_metrics, y_true, y_pred):
            weights = losses_utils.apply_mask(pred, sample_weight, losses_utils.get_mask(pred))
            for metric in group:
                metric.update_state(target, pred, sample_weight=weights)

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


def targets_and_outputs(model: Any, y: Any, y_pred: Any) -> tuple[list[Any], list[Any]]:
    """The targets and predictions as lists, one entry per output, in output order.

    Mirrors what Keras's containers do on their first call (``build``, then
    ``map_to_output_names``): name the outputs of a subclassed model, match targets
    given by output name, and build the loss and metric containers for those outputs.
    """
    preds = y_pred if isinstance(y_pred, list) else [y_pred]
    if not model.output_names:  # a subclassed model: Keras names its outputs this way
        model.output_names = [f"output_{i + 1}" for i in range(len(preds))]
    if isinstance(y, dict):  # targets by output name, as Keras matches them
        unknown = set(y) - set(model.output_names)
        if unknown:
            raise ValueError(
                f"Found unexpected losses or metrics that do not correspond to any Model "
                f"output: {sorted(unknown)}. Valid mode output names: {model.output_names}. "
                f"Received struct is: {list(y)}."
            )
        y = [y.get(name) for name in model.output_names]
    targets = list(y) if isinstance(y, list | tuple) else [y]
    if not model.compiled_metrics.built:
        model.compiled_loss.build(model.output_names)
        model.compiled_metrics.build(targets, preds, model.output_names)
    return targets, preds
