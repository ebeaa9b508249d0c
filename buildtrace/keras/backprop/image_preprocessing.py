"""Gradients of the image preprocessing layers (``Rescaling``'s is with the element-wise
maps in ``activation.py``).

None of these layers has weights, and in the tutorials they sit first, on the data, where
``fit`` asks them for no input gradient: then the rule only runs the forward pass and
keeps what its backward pass would need. Inside an augmentation block (a ``Sequential``
used as a layer) or after layers with weights, the input gradient is asked for, and it is
exact where TensorFlow's is simple: the identity at inference, a crop (``dy`` put back in
its window), a flip (flipped back), a warp (each output pixel's ``dy`` sent back to the
input pixels it read, ``image_projective_transform_grad``) and a contrast change. The
resizes have none here: buildtrace says so rather than guess.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.preprocessing import image_preprocessing as ip
from buildtrace.tf import image_ops

Grads = tuple[np.ndarray | None, list[np.ndarray]]


def _no_gradient(layer: Any) -> NotImplementedError:
    return NotImplementedError(
        f"buildtrace has no gradient through the resize of {type(layer).__name__} "
        f"({layer.name}): put the resizing first in the model, on the data, as the image "
        "tutorials do."
    )


def _uncrop(dy: np.ndarray, input_shape: tuple[int, ...], top: int, left: int) -> np.ndarray:
    """``dy`` of a crop put back in its window of a zero input gradient."""
    dx = np.zeros(input_shape, dtype=dy.dtype)
    dx[..., top : top + dy.shape[ip.H_AXIS], left : left + dy.shape[ip.W_AXIS], :] = dy
    return dx


@register(ip.Resizing)
class ResizingGradient:
    @staticmethod
    def forward(layer: ip.Resizing, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        return layer.call(inputs), None

    @staticmethod
    def backward(layer: Any, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        if need_dx:
            raise _no_gradient(layer)
        return None, []


@register(ip.CenterCrop)
class CenterCropGradient:
    @staticmethod
    def forward(layer: ip.CenterCrop, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        x = np.asarray(inputs)
        h_diff, w_diff = x.shape[ip.H_AXIS] - layer.height, x.shape[ip.W_AXIS] - layer.width
        corner = (int(h_diff / 2), int(w_diff / 2)) if h_diff >= 0 and w_diff >= 0 else None
        return layer.call(x), (x.shape, corner)

    @staticmethod
    def backward(layer: Any, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        shape, corner = cache
        if not need_dx:
            return None, []
        if corner is None:
            raise _no_gradient(layer)
        return _uncrop(dy, shape, *corner), []


@register(ip.RandomCrop)
class RandomCropGradient:
    @staticmethod
    def forward(layer: ip.RandomCrop, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        x = np.asarray(inputs)
        window = layer._window(x, training)
        if window is None:
            return layer.call(x, training=False), (x.shape, None)
        top, left = window
        return x[..., top : top + layer.height, left : left + layer.width, :], (x.shape, window)

    @staticmethod
    def backward(layer: Any, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        shape, window = cache
        if not need_dx:
            return None, []
        if window is None:
            raise _no_gradient(layer)
        return _uncrop(dy, shape, *window), []


@register(ip.RandomFlip)
class RandomFlipGradient:
    @staticmethod
    def forward(layer: ip.RandomFlip, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        if not ip.training_mode(training):
            return inputs, []
        flips = layer._draw_flips(inputs)
        return layer._apply_flips(inputs, flips), flips

    @staticmethod
    def backward(layer: Any, dy: np.ndarray, flips: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        # Flipping twice is the identity, so the gradient is flipped back the same way.
        return (ip.RandomFlip._apply_flips(dy, flips[::-1]) if need_dx else None), []


@register(ip.RandomContrast)
class RandomContrastGradient:
    @staticmethod
    def forward(layer: ip.RandomContrast, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        if not ip.training_mode(training):
            return inputs, None
        factor = layer._draw_factor()
        adjusted = ip.adjust_contrast(inputs, factor)
        kept = (adjusted > 0) & (adjusted < 255)  # the clip passes no gradient
        return np.clip(adjusted, 0, 255).astype(inputs.dtype), (factor, kept)

    @staticmethod
    def backward(layer: Any, dy: np.ndarray, cache: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        if not need_dx or cache is None:
            return (dy if need_dx else None), []
        factor, kept = cache
        g = dy * kept
        # y = (x - mean) * f + mean: every pixel also moves its channel's mean.
        mean_g = g.mean(axis=(ip.H_AXIS, ip.W_AXIS), keepdims=True)
        return (factor * g + (1 - factor) * mean_g).astype(dy.dtype), []


@register(ip.RandomTranslation)
@register(ip.RandomRotation)
@register(ip.RandomZoom)
class RandomWarpGradient:
    @staticmethod
    def forward(layer: Any, inputs: np.ndarray, training: bool) -> tuple[Any, Any]:
        if not ip.training_mode(training):
            return inputs, None
        matrices = layer._draw_transforms(inputs)
        return layer._warp(inputs, matrices), matrices

    @staticmethod
    def backward(
        layer: Any, dy: np.ndarray, matrices: Any, need_dx: bool, wrt_logits: bool
    ) -> Grads:
        if not need_dx or matrices is None:
            return (dy if need_dx else None), []
        batched = dy[None] if dy.ndim == 3 else dy
        dx = image_ops.image_projective_transform_grad(
            batched,
            batched.shape,
            matrices,
            fill_mode=layer.fill_mode.upper(),
            interpolation=layer.interpolation.upper(),
        )
        return (dx[0] if dy.ndim == 3 else dx).astype(dy.dtype), []
