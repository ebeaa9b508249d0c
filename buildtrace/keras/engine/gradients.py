"""Gradients through a model: the tape ``fit`` uses, and layers on ``tf.GradientTape``.

Keras 2's ``train_step`` runs the forward pass under a ``GradientTape`` and asks it for
the gradient of the loss; TensorFlow differentiates every op it recorded. buildtrace
has no automatic differentiation. Instead every trainable layer states its own
vector-Jacobian product (``keras/backprop``), and a :class:`GradientTape` runs the
model's graph forward, keeping what each layer needs, then walks it backwards.

Example:
    >>> tape = GradientTape(model)                      # doctest: +SKIP
    >>> y_pred = tape.forward(x, training=True)         # doctest: +SKIP
    >>> grads = tape.backward(dloss_dy_pred)            # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from buildtrace.keras import activations, backprop
from buildtrace.keras.backprop import losses as loss_gradients
from buildtrace.keras.engine import trace_details
from buildtrace.keras.utils.nest import flatten
from buildtrace.tf import math_ops
from buildtrace.tf import tape as tape_core
from buildtrace.tf.array_ops import convert_to_tensor
from buildtrace.tf.autodiff import traced_as
from buildtrace.tf.tensors import Tensor, Variable, is_tensor, to_array
from buildtrace.trace import BUS, suspended

if TYPE_CHECKING:
    from buildtrace.keras.engine.base_layer import Layer
    from buildtrace.keras.engine.functional import Functional
    from buildtrace.keras.engine.node import Node


def activation_name(layer: Layer) -> str | None:
    """The name of a layer's final activation (``"softmax"``), if it has one."""
    fn = getattr(layer, "activation", None)
    return activations.serialize(fn) if fn is not None else None


class GradientTape:
    """Runs a graph model forward keeping each layer's cache, then backwards.

    Args:
        model: a built functional (or Sequential) model.
    """

    def __init__(self, model: Functional) -> None:
        self.model = model
        # (node, inputs as called, cache) in the order the forward pass ran them.
        self._records: list[tuple[Node, Any, Any]] = []
        # The mask of each tensor that has one (Keras's `_keras_mask`), by id of its
        # symbolic tensor: arrays carry no attributes, so the tape keeps them.
        self._masks: dict[int, Any] = {}
        self._output_grads: list[Any] = []
        self._wrt_logits: list[bool] = []

    def set_output_gradients(self, output_grads: list[Any], wrt_logits: list[bool]) -> None:
        """Record ``dL/d(output)`` per output (what the loss gives the tape)."""
        self._output_grads = output_grads
        self._wrt_logits = wrt_logits

    def gradient(self, loss: float, variables: list[Any]) -> list[np.ndarray]:
        """The gradient of the recorded loss for each of ``variables``.

        Mirrors the role of ``tf.GradientTape.gradient(loss, variables)``.
        """
        by_id, _ = self._backpropagate(self._output_grads, self._wrt_logits, need_dx=False)
        return _aligned(by_id, variables)

    def forward(self, inputs: Any, training: bool = True, announce: bool = False) -> Any:
        """Run the model on ``inputs`` as ``Functional._run_internal_graph`` does, keeping
        each layer's inputs and cache for the backward pass.

        With ``announce``, each layer's run is reported as its ``Layer.__call__`` (a
        hand-written loop's forward pass, seen as Keras's trace shows it)."""
        self._records = []
        self._masks = {}
        run = _announced_forward if announce else _masked_forward

        def record(node: Node, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            mask = _input_mask(node, self._masks)
            outputs, cache, masks = run(node.layer, args[0], training, mask)
            self._records.append((node, args[0], cache))
            for tensor, out_mask in zip(node._flat_outputs, masks):
                if out_mask is not None:
                    self._masks[id(tensor)] = out_mask
            return outputs

        if announce and getattr(self.model, "_is_graph_network", False):
            from buildtrace.keras.engine import functional  # (functional imports us)

            return functional.run_on_tape(self.model, inputs, training, record)
        return self.model._walk_graph(inputs, record)

    def output_masks(self) -> list[Any]:
        """The mask of each model output (None where it has none), from the last forward."""
        return [self._masks.get(id(t)) for t in self.model.outputs]

    def output_logits(self, index: int = 0) -> tuple[str | None, Any]:
        """The activation name of output ``index``'s layer and its pre-activation values.

        Keras 2 remembers, on a softmax or sigmoid output, the logits it came from
        (``_keras_logits``); its crossentropy losses then work from those. This is the
        same information.
        """
        tensor = self.model.outputs[index]
        layer = tensor._keras_history.layer
        for node, _, cache in reversed(self._records):
            if node.layer is layer and backprop.has_logits(layer):
                return activation_name(layer), backprop.logits(layer, cache)
        return None, None

    def backward(
        self, output_grads: list[Any], wrt_logits: list[bool] | None = None, need_dx: bool = False
    ) -> tuple[list[np.ndarray], Any]:
        """Gradients of the loss for every trainable weight of the model.

        Args:
            output_grads: ``dL/d(output)`` per model output (None for outputs without
                loss); with ``wrt_logits[i]`` True, output ``i``'s gradient is with
                respect to its layer's pre-activation.
            wrt_logits: see above.
            need_dx: also return ``dL/d(inputs)`` (for a model nested in another).

        Returns:
            ``(grads, dx)``: ``grads`` aligned with ``model.trainable_weights``.
        """
        by_id, dx = self._backpropagate(output_grads, wrt_logits, need_dx)
        return _aligned(by_id, self.model.trainable_weights), dx

    def _backpropagate(
        self, output_grads: list[Any], wrt_logits: list[bool] | None, need_dx: bool
    ) -> tuple[dict[int, np.ndarray], Any]:
        """Walk the recorded nodes backwards: weight gradients by ``id``, and ``dL/dx``."""
        model = self.model
        wrt_logits = wrt_logits or [False] * len(output_grads)
        grads: dict[int, Any] = {}
        fused: set[int] = set()
        for tensor, grad, logits in zip(model.outputs, output_grads, wrt_logits):
            if grad is not None:
                _accumulate(grads, id(tensor), grad)
                if logits:
                    fused.add(id(tensor))
        input_ids = {id(x) for x in model.inputs}
        weight_grads: dict[int, np.ndarray] = {}
        for node, _, cache in reversed(self._records):
            outs = node._flat_outputs
            dys = [grads.pop(id(t), None) for t in outs]
            if all(dy is None for dy in dys):
                continue  # the loss does not depend on this node
            dy = dys[0] if len(dys) == 1 else dys
            # The first layers' dL/dx is only needed when someone asks for it.
            want_dx = need_dx or not node._keras_input_ids <= input_ids
            dx, layer_grads = backprop.backward(
                node.layer, dy, cache, want_dx, wrt_logits=id(outs[0]) in fused
            )
            for variable, g in zip(node.layer.trainable_weights, layer_grads):
                _accumulate(weight_grads, id(variable), g)
            if dx is None:
                continue
            for tensor, g in zip(node.keras_inputs, dx if isinstance(dx, list) else [dx]):
                _accumulate(grads, id(tensor), g)
        dx_out = [grads.get(id(x)) for x in model.inputs]
        return weight_grads, (dx_out[0] if len(dx_out) == 1 else dx_out)


def _aligned(by_id: dict[int, np.ndarray], variables: list[Any]) -> list[np.ndarray]:
    """One gradient per variable, in order; a weight the loss does not use gets zeros."""
    return [by_id[id(v)] if id(v) in by_id else np.zeros_like(v.value) for v in variables]


def _accumulate(store: dict[int, Any], key: int, grad: Any) -> None:
    """Add ``grad`` into ``store[key]``: a tensor used twice gets both gradients."""
    if key in store:
        store[key] = store[key] + grad
    else:
        store[key] = grad


# ------------------------------------------------------------ tf.GradientTape
# A hand-written loop runs the model under `tf.GradientTape`. Built-in layers (and
# graph models made of them) record ONE tape node each, whose backward pass is the same
# gradient rule `fit` uses: Keras's numerics and `fit`'s speed. Layers with no rule
# (a `Lambda`, your own layer) run `call` on tensors, so the tf ops inside record
# themselves.


def _input_mask(node: Node, masks: dict[int, Any]) -> Any:
    """The masks of a node's inputs, shaped like its first argument (None if none).

    Mirrors ``Layer._get_input_masks`` for a layer run by the tape."""
    if not node.layer.supports_masking and not node.layer._expects_mask_arg:
        return None
    found = [masks.get(id(x)) for x in node.keras_inputs]
    if all(m is None for m in found):
        return None
    return found if isinstance(node.call_args[0], list | tuple) else found[0]


def _output_masks(layer: Layer, inputs: Any, mask: Any, cache: Any) -> list[Any]:
    """The masks of a layer's outputs on the tape, as ``Layer._set_mask_metadata`` sets
    them: ``compute_mask``'s, or a nested model's own (computed with its outputs)."""
    if not layer.supports_masking:
        return []
    if isinstance(cache, GradientTape):
        return cache.output_masks()
    from buildtrace.keras.engine.base_layer import Layer as BaseLayer

    if mask is None and type(layer).compute_mask is BaseLayer.compute_mask:
        return []  # nothing to carry over
    return flatten(layer.compute_mask(inputs, mask))


def _masked_forward(
    layer: Layer, inputs: Any, training: bool, mask: Any
) -> tuple[Any, Any, list[Any]]:
    """One layer's forward pass with its mask: ``(outputs, cache, output masks)``."""
    call_mask = mask if layer._expects_mask_arg else None
    outputs, cache = backprop.forward(layer, inputs, training=training, mask=call_mask)
    with suspended():  # only the first, announced step is told
        return outputs, cache, _output_masks(layer, inputs, mask, cache)


# The event carries Keras's name: it is the layer's __call__ that Keras's trace shows.
@traced_as(
    "keras.engine.base_layer",
    "Layer.__call__",
    details=trace_details.tape_call_details,
    result=trace_details.tape_output_details,
)
def _announced_forward(
    layer: Layer, inputs: Any, training: bool = True, mask: Any = None
) -> tuple[Any, Any, list[Any]]:
    """One layer's forward pass on the tape, reported as ``Layer.__call__`` on data."""
    from buildtrace.keras.engine import functional

    call_mask = mask if layer._expects_mask_arg else None
    outputs, cache = functional.report_layer_call(
        layer, inputs, lambda: backprop.forward(layer, inputs, training=training, mask=call_mask)
    )
    joint = getattr(layer, "_compute_output_and_mask_jointly", False)
    if not layer.supports_masking or joint or isinstance(cache, GradientTape):
        return outputs, cache, _output_masks(layer, inputs, mask, cache)
    # Told as Keras's call tells it: `_set_mask_metadata` puts the mask on the outputs.
    carriers = [Tensor(np.asarray(o)) for o in flatten(outputs)]
    layer._set_mask_metadata(inputs, carriers, mask)
    return outputs, cache, [c._keras_mask for c in carriers]


def has_gradient_rule(layer: Layer) -> bool:
    """Whether ``layer`` has a backward pass of its own (a graph model: all its layers)."""
    if hasattr(layer, "_is_graph_network"):
        # A model: one node only once it is a graph of layers that all have rules (a
        # Sequential meeting its first batch builds its graph inside `call`).
        # Not when its layers add losses: those are seen only when each layer is called.
        return (
            bool(layer._is_graph_network)
            and all(
                has_gradient_rule(inner)
                for inner in layer.layers  # type: ignore[attr-defined]
                if type(inner).__name__ != "InputLayer"
            )
            and not adds_losses(layer)
        )
    if backprop.rule_for(layer) is not None:
        return True
    from buildtrace.keras.engine.base_layer import Layer as BaseLayer

    return type(layer)._backward is not BaseLayer._backward


def adds_losses(model: Layer) -> bool:
    """Whether a training step of ``model`` may meet losses added with ``add_loss``.

    That is: a layer of your own (its ``call`` may add one), a loss added to the model, a
    loss function kept by ``add_loss(lambda: ...)``, or an activity regularizer. Such a
    step runs under a ``tf.GradientTape``, where those losses record the ops they come
    from, so that their gradients reach the weights as in Keras. TF-op layers
    (``tf.nn.relu(x)`` in a model) add no loss.
    """
    todo: list[Any] = [model]
    seen: set[int] = set()
    while todo:
        layer = todo.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        keys = ("_callable_losses", "_added_ends", "_activity_regularizer")
        if any(layer.__dict__.get(key) for key in keys):
            return True
        inner = layer.__dict__.get("_self_tracked_trackables")
        if inner is not None and getattr(layer, "_is_graph_network", False):
            todo += inner
            continue
        if backprop.rule_for(layer) is not None:
            continue  # a built-in layer: its parts (an RNN's cell) are its rule's business
        if type(layer).__name__ not in {"TFOpLambda", "InputLayer"} and not has_gradient_rule(
            layer
        ):
            return True
        todo += layer.__dict__.get("_tracked_layers") or []
    return False


def call_on_tape(layer: Layer, inputs: Any, arrays: Any, kwargs: dict[str, Any]) -> Any:
    """Run ``layer`` on ``arrays`` and leave one node on the recording tape(s).

    Mirrors what TensorFlow's tape sees of a Keras layer, at the granularity of the
    layer: the node's inputs are the layer's inputs and its trainable weights; its
    backward pass is the layer's gradient rule. Keras's ``training`` defaults to False
    outside ``fit`` (the learning phase is 0).
    """
    training = bool(kwargs.get("training") or False)
    weights = layer.trainable_weights
    sources = flatten(inputs)
    # dL/d(inputs) only for inputs a gradient can flow on to (not a batch of data).
    need_dx = any(isinstance(x, Variable) or tape_core.is_tracked(x) for x in sources)
    logits_info: tuple[str | None, Any] = (None, None)
    if getattr(layer, "_is_graph_network", False):
        model_tape = GradientTape(layer)  # type: ignore[arg-type]
        outputs = model_tape.forward(arrays, training=training, announce=BUS.active)
        logits_info = model_tape.output_logits(0)

        def vjp(dy: Any) -> list[Any]:
            fused = isinstance(dy, tape_core.LogitsGradient)
            dys = dy if isinstance(dy, list) else [dy.array if fused else dy]
            grads, dx = model_tape.backward(dys, [fused] * len(dys), need_dx=need_dx)
            return [*(dx if isinstance(dx, list) else [dx]), *grads]

    else:
        mask = kwargs.get("mask")
        outputs, cache = backprop.forward(layer, arrays, training=training, mask=mask)
        if backprop.has_logits(layer):
            logits_info = (activation_name(layer), backprop.logits(layer, cache))

        def vjp(dy: Any) -> list[Any]:
            fused = isinstance(dy, tape_core.LogitsGradient)
            dx, grads = backprop.backward(
                layer, dy.array if fused else dy, cache, need_dx, wrt_logits=fused
            )
            dxs = dx if isinstance(dx, list) else [dx] * len(sources)
            return [*dxs, *grads]

    flat = [Tensor(np.asarray(o)) for o in flatten(outputs)]
    if getattr(layer, "_is_graph_network", False):  # a model's outputs carry their masks
        for tensor, mask in zip(flat, model_tape.output_masks()):
            tensor._keras_mask = None if mask is None else Tensor(np.asarray(mask))
    if len(flat) == 1 and logits_info[1] is not None:
        flat[0]._keras_logits = logits_info
    tape_core.record(layer.name, (*sources, *weights), tuple(flat), vjp)
    return flat if isinstance(outputs, list | tuple) else flat[0]


def as_tensors(outputs: Any) -> Any:
    """A layer's outputs on data as ``tf.Tensor``s, as Keras returns them eagerly."""
    if type(outputs) is np.ndarray:
        return Tensor(outputs)
    if isinstance(outputs, list | tuple):
        return type(outputs)(as_tensors(o) for o in outputs)
    if isinstance(outputs, dict):
        return {k: as_tensors(v) for k, v in outputs.items()}
    return outputs


def _fused_logits(loss: Any, y_pred: Any) -> Any:
    """The logits a crossentropy should work from (Keras's ``_keras_logits``), or None."""
    info = getattr(y_pred, "_keras_logits", None) if type(y_pred) is Tensor else None
    return info[1] if info is not None and loss_gradients.fuses_activation(loss, info[0]) else None


def per_sample_loss_on_tape(loss: Any, y_true: Any, y_pred: Any) -> Tensor:
    """Per-sample losses (``keras.losses.mean_squared_error(y, y_pred)``...) on the tape."""
    logits = _fused_logits(loss, y_pred)
    pred = to_array(y_pred)
    if pred.dtype.kind != "f":
        pred = pred.astype(np.float32)
    if logits is not None:
        logits = np.asarray(logits, pred.dtype)
        losses, grad = loss_gradients.logits_losses_and_grad(loss, y_true, logits)
    else:
        losses, grad = loss_gradients.losses_and_grad(loss, y_true, pred)
    out = Tensor(np.asarray(losses))

    def vjp(dy: Any) -> list[Any]:
        dy = np.asarray(dy, grad.dtype)
        scaled = grad * dy.reshape(dy.shape + (1,) * (grad.ndim - dy.ndim))
        return [tape_core.LogitsGradient(scaled) if logits is not None else scaled]

    if is_tensor(y_pred):
        tape_core.record(loss.name, (y_pred,), (out,), vjp)
    return out


def loss_on_tape(loss: Any, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
    """A Keras loss called inside a ``tf.GradientTape``: its value, and its tape node.

    The node's backward pass is the loss's gradient rule (``backprop/losses.py``); on the
    output of a softmax/sigmoid layer, a crossentropy works from that layer's logits, as Keras 2's
    ``_keras_logits`` makes it (the gradient then goes straight to the logits).
    """
    if loss_gradients.is_user_function(loss):
        # A plain function: the tf ops it runs record themselves.
        per_sample = loss.fn(y_true, y_pred, **loss._fn_kwargs)
        if sample_weight is not None:
            per_sample = math_ops.multiply(per_sample, to_array(sample_weight))
        if loss.reduction == "none":
            return convert_to_tensor(per_sample)
        total = math_ops.reduce_sum(per_sample)
        return total if loss.reduction == "sum" else math_ops.reduce_mean(per_sample)
    logits = _fused_logits(loss, y_pred)
    if sample_weight is not None:
        # (N, 1) weights for (N,) per-sample losses: Keras squeezes the last axis.
        sample_weight = to_array(sample_weight)
        if sample_weight.ndim == to_array(y_pred).ndim and sample_weight.shape[-1] == 1:
            sample_weight = sample_weight[..., 0]
    if loss.reduction == "none":
        per_sample = per_sample_loss_on_tape(loss, y_true, y_pred)
        if sample_weight is None:
            return per_sample
        return math_ops.multiply(per_sample, to_array(sample_weight, per_sample.dtype))
    value, grad = loss_gradients.forward_backward(
        loss, y_true, to_array(y_pred), logits, sample_weight
    )
    out = Tensor(np.asarray(value, grad.dtype))

    def vjp(dy: Any) -> list[Any]:
        scaled = grad * np.asarray(dy, grad.dtype)
        return [tape_core.LogitsGradient(scaled) if logits is not None else scaled]

    if is_tensor(y_pred):
        tape_core.record(loss.name, (y_pred,), (out,), vjp)
    return out


def compiled_loss_on_tape(
    container: Any, y_true: Any, y_pred: Any, sample_weight: Any, regularization_losses: Any
) -> Any:
    """``self.compiled_loss(y, y_pred)`` in a custom ``train_step`` under ``tf.GradientTape``.

    Mirrors: ``keras/engine/compile_utils.py::LossesContainer.__call__``: each output's loss
    (a tape node, see :func:`loss_on_tape`) times its weight, plus the regularization
    losses, summed into one tensor the tape can differentiate; the ``loss`` metric is
    updated with it, weighted by the batch size.
    """
    preds = y_pred if isinstance(y_pred, list) else [y_pred]
    targets = list(y_true) if isinstance(y_true, list) else [y_true]
    if container._losses is None:
        container.build([f"output_{i + 1}" for i in range(len(preds))])
    total: Any = None
    for loss, weight, target, pred in zip(container._losses, container._weights, targets, preds):
        if loss is None or target is None:
            continue
        value = loss(target, pred, sample_weight=sample_weight)
        if weight != 1.0:
            value = math_ops.multiply(value, np.float32(weight))
        total = value if total is None else math_ops.add(total, value)
    for extra in regularization_losses or []:
        # An endpoint model compiled without a loss has only the losses its layers added.
        total = extra if total is None else math_ops.add(total, extra)
    batch = float(np.shape(preds[0])[0])
    container._loss_metric.update_state(float(total), sample_weight=batch)
    return total


# ------------------------------------------- layers differentiated by their ops
# A layer with no gradient rule of its own (your layer, a Lambda, a TFOpLambda) is
# differentiated the way TensorFlow differentiates everything: its `call` runs on
# tensors under a tape of its own, and its backward pass asks that tape.


def autodiff_forward(layer: Layer, inputs: Any, training: bool = True) -> tuple[Any, Any]:
    """Run ``layer.call`` on tensors under a private tape: ``(outputs, cache)``."""
    from buildtrace.tf.autodiff import GradientTape as TfTape

    sources = [Tensor(np.asarray(to_array(x))) for x in flatten(inputs)]
    structure = sources if isinstance(inputs, list | tuple) else sources[0]
    tape = TfTape(persistent=True)
    with tape_core.isolated(tape._recorder):
        tape.watch(sources)
        outputs = layer.call(structure, **layer._call_kwargs({"training": training}))
    flat = flatten(outputs)
    arrays = [to_array(o) for o in flat]
    values = arrays if isinstance(outputs, list | tuple) else arrays[0]
    return values, (tape, sources, flat)


def check_differentiable(layer: Layer, outputs: Any) -> None:
    """Refuse, with what to do, a trainable layer whose ``call`` returned numpy arrays.

    Raises:
        NotImplementedError: no tape saw how its outputs were computed.
    """
    if not all(is_tensor(o) for o in flatten(outputs)):
        raise NotImplementedError(
            f"buildtrace has no gradient for layer {layer.name} ({type(layer).__name__}): its "
            "`call` returned a numpy array. Write it with tf ops (tf.matmul, tf.nn.relu...) "
            "or tensor arithmetic, so that a tape can differentiate it."
        )


def autodiff_backward(
    layer: Layer, dy: Any, cache: Any, need_dx: bool = True
) -> tuple[Any, list[Any]]:
    """``dL/d(inputs)`` and the weights' gradients, from the layer's private tape."""
    tape, sources, outputs = cache
    check_differentiable(layer, outputs)
    dys = dy if isinstance(dy, list) else [dy]
    weights = layer.trainable_weights
    grads = tape.gradient(outputs, [*sources, *weights], output_gradients=dys)
    arrays = [
        np.zeros_like(to_array(v)) if g is None else to_array(g)
        for v, g in zip([*sources, *weights], grads)
    ]
    dx = arrays[: len(sources)]
    return (dx if len(dx) > 1 else dx[0]) if need_dx else None, arrays[len(sources) :]
