"""Gradients of the image preprocessing layers that have no ``Rescaling``-like formula:
resizing, cropping and the random augmentations.

None of them has weights, and in a model they sit first, on the data, so ``fit`` asks
them for no input gradient (``need_dx`` is false): the rule only has to run the forward
pass and hand back no gradients, as ``Rescaling``'s does. Keras differentiates them
through TensorFlow's ops; buildtrace does where it is a plain copy (the identity at
inference, a crop, a flip it remembers), and says so where it is not (a warp, a resize
or a contrast change with weights before the layer).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.backprop import register
from buildtrace.keras.layers.preprocessing import image_preprocessing as ip

Grads = tuple[np.ndarray | None, list[np.ndarray]]


@register(ip.Resizing)
@register(ip.CenterCrop)
@register(ip.RandomCrop)
@register(ip.RandomFlip)
@register(ip.RandomContrast)
@register(ip.RandomTranslation)
@register(ip.RandomRotation)
@register(ip.RandomZoom)
class ImagePreprocessingGradient:
    @staticmethod
    def forward(layer: Any, inputs: np.ndarray, training: bool) -> tuple[np.ndarray, Any]:
        kwargs = {"training": training} if layer._expects_training_arg else {}
        outputs = layer.call(inputs, **kwargs)
        # Unchanged (a random layer at inference): the gradient passes straight through.
        return outputs, outputs is inputs

    @staticmethod
    def backward(layer: Any, dy: np.ndarray, identity: Any, need_dx: bool, wrt_logits: bool) -> Grads:
        if not need_dx:
            return None, []
        if identity:
            return dy, []
        raise NotImplementedError(
            f"buildtrace has no gradient through {type(layer).__name__} ({layer.name}) when it "
            "changes its input: put the augmentation first in the model, on the data, as the "
            "image tutorials do."
        )
