"""The gradient rules of the image layers are the true gradients: each of these layers,
for the draw it made, is linear in its input, so its backward pass must be its adjoint:
``sum(forward(x) * r) == sum(x * backward(r))`` for any ``x`` and ``r``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras import backprop
from buildtrace.keras.backprop import rules  # noqa: F401 - registers the rules

layers = keras.layers

LINEAR: dict[str, Any] = {
    "flip": lambda: layers.RandomFlip(seed=2),
    "crop": lambda: layers.RandomCrop(3, 4, seed=2),
    "center_crop": lambda: layers.CenterCrop(3, 4),
    "rotation_reflect": lambda: layers.RandomRotation(0.3, seed=2),
    "rotation_constant_nearest": lambda: layers.RandomRotation(
        0.3, fill_mode="constant", interpolation="nearest", fill_value=2.0, seed=2
    ),
    "zoom_wrap": lambda: layers.RandomZoom(0.4, (-0.3, 0.2), fill_mode="wrap", seed=2),
    "translation_nearest": lambda: layers.RandomTranslation(0.3, 0.3, fill_mode="nearest", seed=2),
    "contrast": lambda: layers.RandomContrast(0.5, seed=2),
}


@pytest.mark.parametrize("name", sorted(LINEAR))
@pytest.mark.parametrize("batched", [True, False])
def test_backward_is_the_adjoint_of_forward(name: str, batched: bool) -> None:
    rng = np.random.default_rng(1)
    shape = (4, 5, 6, 2) if batched else (5, 6, 2)
    # Pixels well inside 0..255, so that RandomContrast's clip stays out of the way.
    x = rng.uniform(100, 150, shape).astype(np.float32)
    layer = LINEAR[name]()
    y, cache = backprop.forward(layer, x, training=True)
    r = rng.normal(size=np.shape(y)).astype(np.float32)
    dx, grads = backprop.backward(layer, r, cache, need_dx=True)
    assert grads == [] and dx.shape == x.shape
    # A constant fill adds a constant: the map is affine, its linear part is checked.
    lhs = float(np.sum((np.asarray(y) - _offset(layer, x, cache)) * r))
    np.testing.assert_allclose(lhs, float(np.sum(x * dx)), rtol=1e-4)


def _offset(layer: Any, x: np.ndarray, cache: Any) -> Any:
    """The part of the output that does not depend on ``x`` (a warp's ``fill_value``)."""
    if getattr(layer, "fill_mode", None) != "constant":
        return 0.0
    return layer._warp(np.zeros_like(x), cache)


def test_at_inference_the_gradient_passes_unchanged() -> None:
    layer = layers.RandomRotation(0.3)
    x = np.ones((2, 4, 4, 1), np.float32)
    y, cache = backprop.forward(layer, x, training=False)
    assert y is x
    dy = np.arange(32, dtype=np.float32).reshape(x.shape)
    np.testing.assert_array_equal(backprop.backward(layer, dy, cache, need_dx=True)[0], dy)


def test_the_first_layer_is_asked_for_no_input_gradient() -> None:
    layer = layers.Resizing(2, 2)
    y, cache = backprop.forward(layer, np.ones((1, 4, 4, 1), np.float32), training=True)
    assert backprop.backward(layer, np.ones_like(y), cache, need_dx=False) == (None, [])
    with pytest.raises(NotImplementedError, match="put the resizing first"):
        backprop.backward(layer, np.ones_like(y), cache, need_dx=True)
