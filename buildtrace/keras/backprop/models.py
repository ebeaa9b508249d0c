"""Gradient of a model used as a layer (a ``Sequential`` inside a functional model).

Keras's tape sees straight through a nested model: its layers' ops are on the same
tape. buildtrace gets the same numbers by giving the inner model a tape of its own
(``engine/gradients.py::GradientTape``), run forward as one node of the outer model's
tape and asked for its gradients when the outer backward pass reaches it.
"""

from __future__ import annotations

from typing import Any

from buildtrace.keras.backprop import register
from buildtrace.keras.engine.functional import Functional


@register(Functional)
class ModelGradient:
    @staticmethod
    def forward(layer: Functional, inputs: Any, training: bool) -> tuple[Any, Any]:
        from buildtrace.keras.engine.gradients import GradientTape  # it imports backprop

        tape = GradientTape(layer)
        return tape.forward(inputs, training=training), tape

    @staticmethod
    def backward(
        layer: Functional, dy: Any, tape: Any, need_dx: bool, wrt_logits: bool
    ) -> tuple[Any, list[Any]]:
        grads, dx = tape.backward(dy if isinstance(dy, list) else [dy], need_dx=need_dx)
        return dx, grads
