"""Gradients of the random layers: ``Dropout`` (and ``SpatialDropout1D/2D``) multiply by
the mask they drew, so the gradient is multiplied by the same mask; ``GaussianNoise``
adds noise, which passes the gradient unchanged."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.regularization.activity_regularization import (
    ActivityRegularization,
)
from buildtrace.keras.layers.regularization.dropout import Dropout
from buildtrace.keras.layers.regularization.gaussian_noise import GaussianNoise

Grads = tuple[np.ndarray | None, list[np.ndarray]]


@register(Dropout)
class DropoutGradient:
    @staticmethod
    def forward(layer: Dropout, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        if not training or layer.rate == 0:
            return inputs, None
        mask = layer._mask(inputs)
        return inputs * mask, mask

    @staticmethod
    def backward(
        layer: Dropout, dy: np.ndarray, mask: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return (dy if mask is None else dy * mask), []


@register(GaussianNoise)
class GaussianNoiseGradient:
    @staticmethod
    def forward(layer: GaussianNoise, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        return layer.call(inputs, training=training), None

    @staticmethod
    def backward(
        layer: GaussianNoise, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return dy, []


@register(ActivityRegularization)
class ActivityRegularizationGradient:
    """The layer passes its input on: so does its gradient (its penalty's gradient is
    added by the tape that runs a step with activity losses, see ``added_losses.py``)."""

    @staticmethod
    def forward(layer: ActivityRegularization, inputs: Any, training: bool) -> tuple[Any, Any]:
        return inputs, None

    @staticmethod
    def backward(
        layer: ActivityRegularization, dy: Any, cache: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        return dy, []
