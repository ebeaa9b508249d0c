"""Gradients of the merge layers: ``Add``, ``Subtract``, ``Multiply``, ``Average``,
``Maximum``, ``Minimum`` and ``Concatenate``.

Each merge runs its inputs through ``_Merge.call``'s rank alignment (axes inserted after
the batch axis, as Keras's ``_reshape_required`` does) and then numpy broadcasting; the
gradient of each input is summed back down over every broadcast axis and reshaped to the
input's own shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.merging.add import Add
from buildtrace.keras.layers.merging.average import Average
from buildtrace.keras.layers.merging.base_merge import (
    _Merge,
    expand_to_same_rank,
    unbroadcast,
)
from buildtrace.keras.layers.merging.concatenate import Concatenate
from buildtrace.keras.layers.merging.maximum import Maximum
from buildtrace.keras.layers.merging.minimum import Minimum
from buildtrace.keras.layers.merging.multiply import Multiply
from buildtrace.keras.layers.merging.subtract import Subtract

Grads = tuple[list[np.ndarray] | None, list[np.ndarray]]


def _aligned(layer: _Merge, inputs: list[np.ndarray]) -> list[np.ndarray]:
    return expand_to_same_rank(inputs) if getattr(layer, "_reshape_required", False) else inputs


def _back_to(grads: list[np.ndarray], aligned: list[np.ndarray], originals: list[Any]) -> Any:
    """Each gradient summed over its input's broadcast axes, in the input's own shape."""
    return [
        unbroadcast(g, x.shape).reshape(shape) for g, x, shape in zip(grads, aligned, originals)
    ]


@register(_Merge)
class MergeGradient:
    """The element-wise merges (the rule of the nearest registered class is used)."""

    @staticmethod
    def forward(layer: _Merge, inputs: Any, training: bool) -> tuple[np.ndarray, Any]:
        inputs = list(inputs)
        aligned = _aligned(layer, inputs)
        output = layer._merge_function(aligned)
        return output, ([x.shape for x in inputs], aligned, output)

    @staticmethod
    def backward(
        layer: _Merge, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        shapes, aligned, output = cache
        n = len(aligned)
        if isinstance(layer, Add):
            grads = [dy] * n
        elif isinstance(layer, Subtract):
            grads = [dy, -dy]
        elif isinstance(layer, Average):
            grads = [dy / np.asarray(n, dy.dtype)] * n
        elif isinstance(layer, Multiply):
            grads = []
            for i in range(n):
                others = np.ones_like(output)
                for j, x in enumerate(aligned):
                    if j != i:
                        others = others * x
                grads.append(dy * others)
        elif isinstance(layer, Maximum | Minimum):
            grads = _chained_extreme_grads(layer, dy, aligned)
        else:
            raise NotImplementedError(
                f"buildtrace has no gradient for layer {layer.name} ({type(layer).__name__}), "
                "so a model containing it cannot be trained."
            )
        return _back_to(grads, aligned, shapes), []


def _chained_extreme_grads(
    layer: _Merge, dy: np.ndarray, inputs: list[np.ndarray]
) -> list[np.ndarray]:
    """``maximum(maximum(a, b), c)`` backwards, as TensorFlow's ``Maximum`` gradient.

    TensorFlow routes a tie to the first argument (``x >= y`` for maximum, ``x <= y`` for
    minimum); the chain is undone from its last step to its first.
    """
    pick = np.greater_equal if isinstance(layer, Maximum) else np.less_equal
    running = [inputs[0]]
    for x in inputs[1:]:
        running.append(
            np.maximum(running[-1], x) if pick is np.greater_equal else np.minimum(running[-1], x)
        )
    grads: list[np.ndarray] = [np.zeros(())] * len(inputs)
    carried = dy
    for i in range(len(inputs) - 1, 0, -1):
        first = pick(running[i - 1], inputs[i])
        grads[i] = carried * ~first
        carried = carried * first
    grads[0] = carried
    return grads


@register(Concatenate)
class ConcatenateGradient:
    """``Concatenate``: the output gradient split back at the inputs' boundaries."""

    @staticmethod
    def forward(layer: Concatenate, inputs: Any, training: bool) -> tuple[np.ndarray, Any]:
        inputs = list(inputs)
        return layer._merge_function(inputs), [x.shape[layer.axis] for x in inputs]

    @staticmethod
    def backward(
        layer: Concatenate, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        bounds = np.cumsum(cache)[:-1]
        return list(np.split(dy, bounds, axis=layer.axis)), []
