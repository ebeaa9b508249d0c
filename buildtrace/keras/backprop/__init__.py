"""The backward pass: one home for every layer's and every loss's gradient.

Keras never writes a gradient by hand: TensorFlow's ``GradientTape`` records each op the
forward pass runs and differentiates them. buildtrace has no TensorFlow underneath, so each
trainable layer's vector-Jacobian product is written out once, here, and the tapes
(``engine/gradients.py`` for ``fit``, ``tf.GradientTape`` for hand-written loops) chain
them. Keeping them out of the layer files lets ``layers/core/dense.py`` read like Keras's
``Dense``: config, ``build``, ``call``, ``compute_output_shape``, ``get_config``.

A layer family registers its pair of functions with :func:`register`::

    @register(Embedding)
    class _EmbeddingGradient:
        @staticmethod
        def forward(layer, inputs, training):      # -> (outputs, cache)
            ...
        @staticmethod
        def backward(layer, dy, cache, need_dx, wrt_logits):   # -> (dx, [grads])
            ...

``grads`` are in the layer's ``trainable_weights`` order. ``wrt_logits`` means ``dy`` is
already ``dL/d(pre-activation)`` (the loss fused softmax or sigmoid with its
crossentropy, as Keras does from ``_keras_logits``).

The losses' gradients live here too (``losses.py``): a rule per Keras loss function, with
the fused softmax/sigmoid crossentropies that hand ``wrt_logits`` gradients to the output
layer.

Every built-in layer has a rule here, and so does a model used as a layer
(``models.py``). A layer registered nowhere (your own ``Layer`` subclass, a subclassed
``Model``, a ``TFOpLambda``) is differentiated the way TensorFlow differentiates
everything: ``Layer._forward`` runs its ``call`` on tensors under a private tape and
``Layer._backward`` asks that tape (``engine/gradients.py::autodiff_forward``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Layer class -> its gradient rule (an object with ``forward`` / ``backward`` and,
#: for layers with an activation, ``logits``).
_RULES: dict[type, Any] = {}


def register(layer_class: type) -> Callable[[Any], Any]:
    """Class decorator: make the decorated rule the gradient of ``layer_class``."""

    def decorate(rule: Any) -> Any:
        _RULES[layer_class] = rule
        return rule

    return decorate


def rule_for(layer: Any) -> Any | None:
    """The registered rule of ``layer``'s class or its nearest registered base class."""
    for cls in type(layer).__mro__:
        rule = _RULES.get(cls)
        if rule is not None:
            return rule
    return None


def forward(layer: Any, inputs: Any, training: bool = True, mask: Any = None) -> tuple[Any, Any]:
    """Run ``layer`` on ``inputs`` keeping what its backward pass needs: ``(outputs, cache)``.

    ``mask`` (the inputs' mask, as Keras passes it to a ``call`` that takes one) goes to
    the rules that declare ``takes_mask`` (the recurrent layers and their wrappers).
    """
    rule = rule_for(layer)
    if rule is None:  # differentiated through the tf ops its `call` runs
        return layer._forward(inputs, training=training)  # type: ignore[no-any-return]
    if mask is not None and getattr(rule, "takes_mask", False):
        return rule.forward(layer, inputs, training, mask=mask)  # type: ignore[no-any-return]
    return rule.forward(layer, inputs, training)  # type: ignore[no-any-return]


def backward(
    layer: Any, dy: Any, cache: Any, need_dx: bool = True, wrt_logits: bool = False
) -> tuple[Any, list[Any]]:
    """``dL/d(inputs)`` (None when not ``need_dx``) and one gradient per trainable weight."""
    rule = rule_for(layer)
    if rule is None:  # no logits to fuse with (see `has_logits`), so never `wrt_logits`
        return layer._backward(dy, cache, need_dx)  # type: ignore[no-any-return]
    return rule.backward(layer, dy, cache, need_dx, wrt_logits)  # type: ignore[no-any-return]


def logits(layer: Any, cache: Any) -> Any:
    """The pre-activation values a forward pass kept, or None if the layer has none."""
    getter = getattr(rule_for(layer), "logits", None)
    return getter(layer, cache) if getter is not None else None


def has_logits(layer: Any) -> bool:
    """Whether ``layer`` can hand a loss its pre-activation values."""
    return hasattr(rule_for(layer), "logits")
