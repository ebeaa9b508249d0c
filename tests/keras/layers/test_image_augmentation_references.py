"""The image preprocessing layers against tf-keras 2.21, where Keras is deterministic.

The numbers in ``tests/data/augment/augment_reference.npz`` were recorded from the real
tf-keras 2.21 by ``scripts/record_augment_references.py``: the resizes and crops, the
random layers at factor ranges of width zero (the draw is forced), Keras's ``transform``
with its three matrices in every fill mode and interpolation, and ``adjust_contrast``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace.keras import layers
from buildtrace.keras.layers.preprocessing import image_preprocessing as ip

REFERENCE = np.load(Path(__file__).parents[2] / "data" / "augment" / "augment_reference.npz")
X = REFERENCE["images"]

LAYERS: dict[str, tuple[Any, Any]] = {
    "resizing_bilinear_4x5": (lambda: layers.Resizing(4, 5), None),
    "resizing_nearest_4x5": (lambda: layers.Resizing(4, 5, interpolation="nearest"), None),
    "resizing_up_12x10": (lambda: layers.Resizing(12, 10), None),
    "resizing_crop_aspect_4x4": (lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True), None),
    "resizing_crop_aspect_nearest_6x3": (
        lambda: layers.Resizing(6, 3, interpolation="nearest", crop_to_aspect_ratio=True),
        None,
    ),
    "center_crop_4x5": (lambda: layers.CenterCrop(4, 5), None),
    "center_crop_upsize_10x4": (lambda: layers.CenterCrop(10, 4), None),
    "random_crop_inference_4x5": (lambda: layers.RandomCrop(4, 5), False),
    "random_rotation_eighth": (lambda: layers.RandomRotation((0.125, 0.125)), True),
    "random_rotation_constant_nearest": (
        lambda: layers.RandomRotation(
            (-0.05, -0.05), fill_mode="constant", interpolation="nearest", fill_value=3.0
        ),
        True,
    ),
    "random_zoom_out_aspect": (lambda: layers.RandomZoom((0.2, 0.2)), True),
    "random_zoom_in_wrap": (
        lambda: layers.RandomZoom((-0.3, -0.3), (0.1, 0.1), fill_mode="wrap"),
        True,
    ),
    "random_translation_nearest": (
        lambda: layers.RandomTranslation((0.25, 0.25), (-0.3, -0.3), fill_mode="nearest"),
        True,
    ),
    "random_translation_constant": (
        lambda: layers.RandomTranslation((-0.2, -0.2), (0.5, 0.5), fill_mode="constant"),
        True,
    ),
}


@pytest.mark.parametrize("case", sorted(LAYERS))
def test_layer_matches_tf_keras(case: str) -> None:
    make, training = LAYERS[case]
    layer = make()
    result = layer(X) if training is None else layer(X, training=training)
    expected = REFERENCE[case]
    assert result.shape == expected.shape
    np.testing.assert_allclose(np.asarray(result), expected, atol=1e-4, rtol=1e-5)


MATRICES = {
    "rotation": lambda h, w: ip.get_rotation_matrix([0.7, -2.0], h, w),
    "zoom": lambda h, w: ip.get_zoom_matrix([[1.6, 0.7], [0.5, 1.3]], h, w),
    "translation": lambda h, w: ip.get_translation_matrix([[2.5, -1.25], [-4.0, 3.5]]),
}


@pytest.mark.parametrize("matrix", sorted(MATRICES))
def test_transform_matrices_match_tf_keras(matrix: str) -> None:
    built = MATRICES[matrix](X.shape[1], X.shape[2])
    np.testing.assert_allclose(built, REFERENCE[f"matrix_{matrix}"], atol=1e-5)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("matrix", sorted(MATRICES))
def test_transform_matches_tf_keras(matrix: str, fill_mode: str, interpolation: str) -> None:
    warped = ip.transform(
        X,
        REFERENCE[f"matrix_{matrix}"],
        fill_mode=fill_mode,
        fill_value=-1.0,
        interpolation=interpolation,
    )
    expected = REFERENCE[f"transform_{matrix}_{fill_mode}_{interpolation}"]
    np.testing.assert_allclose(warped, expected, atol=1e-4, rtol=1e-5)


@pytest.mark.parametrize(
    ("name", "factor"), [("adjust_contrast_1_7", 1.7), ("adjust_contrast_0_4", 0.4)]
)
def test_adjust_contrast_matches_tf(name: str, factor: float) -> None:
    np.testing.assert_allclose(ip.adjust_contrast(X, factor), REFERENCE[name], atol=1e-4)
