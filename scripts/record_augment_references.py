"""Record what tf-keras 2.21's image preprocessing layers compute, where it is deterministic.

Run by hand with the real Keras 2 (TensorFlow 2.21 + tf-keras 2.21)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_augment_references.py

It writes ``tests/data/augment/configs.json`` (each layer's ``get_config`` keys and values,
in order) and ``tests/data/augment/augment_reference.npz``: one input batch of odd-sized
images and, under a name per case, what Keras returns for ``Resizing`` (bilinear, nearest,
``crop_to_aspect_ratio``, up and down), ``CenterCrop`` (crop and the upsizing path),
``RandomCrop`` at inference, the random layers with ``training=True`` at factor ranges of
width zero (the draw is forced: a known angle, zoom or shift), Keras's ``transform`` with
its rotation, zoom and translation matrices in every fill mode and interpolation, and
``tf.image.adjust_contrast`` (the deterministic half of ``RandomContrast``). The test
suite reads only that file; it never needs TensorFlow.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf
from tensorflow import keras
from tf_keras.src.layers.preprocessing import image_preprocessing as ip

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "augment"
layers = keras.layers


def images() -> np.ndarray:
    """Two 7 x 9 RGB images with a ramp and noise: every warp moves something visible."""
    rng = np.random.default_rng(7)
    ramp = np.add.outer(np.arange(7.0) * 20, np.arange(9.0) * 9)[None, :, :, None]
    return (ramp + rng.uniform(0, 40, (2, 7, 9, 3))).astype("float32")


def layer_cases(x: np.ndarray) -> dict[str, Any]:
    """Case name -> (layer, training) pairs run on ``x``."""
    return {
        "resizing_bilinear_4x5": (layers.Resizing(4, 5), None),
        "resizing_nearest_4x5": (layers.Resizing(4, 5, interpolation="nearest"), None),
        "resizing_up_12x10": (layers.Resizing(12, 10), None),
        "resizing_crop_aspect_4x4": (layers.Resizing(4, 4, crop_to_aspect_ratio=True), None),
        "resizing_crop_aspect_nearest_6x3": (
            layers.Resizing(6, 3, interpolation="nearest", crop_to_aspect_ratio=True),
            None,
        ),
        "center_crop_4x5": (layers.CenterCrop(4, 5), None),
        "center_crop_upsize_10x4": (layers.CenterCrop(10, 4), None),
        "random_crop_inference_4x5": (layers.RandomCrop(4, 5), False),
        "random_rotation_eighth": (layers.RandomRotation((0.125, 0.125)), True),
        "random_rotation_constant_nearest": (
            layers.RandomRotation(
                (-0.05, -0.05), fill_mode="constant", interpolation="nearest", fill_value=3.0
            ),
            True,
        ),
        "random_zoom_out_aspect": (layers.RandomZoom((0.2, 0.2)), True),
        "random_zoom_in_wrap": (
            layers.RandomZoom((-0.3, -0.3), (0.1, 0.1), fill_mode="wrap"),
            True,
        ),
        "random_translation_nearest": (
            layers.RandomTranslation((0.25, 0.25), (-0.3, -0.3), fill_mode="nearest"),
            True,
        ),
        "random_translation_constant": (
            layers.RandomTranslation((-0.2, -0.2), (0.5, 0.5), fill_mode="constant"),
            True,
        ),
    }


def transform_cases(x: np.ndarray) -> dict[str, np.ndarray]:
    """Keras's ``transform`` with its matrices, every fill mode and interpolation."""
    h, w = x.shape[1], x.shape[2]
    matrices = {
        "rotation": ip.get_rotation_matrix(tf.constant([0.7, -2.0]), h, w),
        "zoom": ip.get_zoom_matrix(tf.constant([[1.6, 0.7], [0.5, 1.3]]), h, w),
        "translation": ip.get_translation_matrix(tf.constant([[2.5, -1.25], [-4.0, 3.5]])),
    }
    out = {}
    for name, matrix in matrices.items():
        out[f"matrix_{name}"] = matrix.numpy()
        for mode in ("reflect", "wrap", "constant", "nearest"):
            for interpolation in ("bilinear", "nearest"):
                warped = ip.transform(
                    x, matrix, fill_mode=mode, fill_value=-1.0, interpolation=interpolation
                )
                out[f"transform_{name}_{mode}_{interpolation}"] = warped.numpy()
    return out


#: The constructor calls whose ``get_config`` (less the base Layer's keys) is recorded.
CONFIGS = {
    "Resizing": "layers.Resizing(4, 5, interpolation='nearest', crop_to_aspect_ratio=True)",
    "CenterCrop": "layers.CenterCrop(4, 5)",
    "RandomCrop": "layers.RandomCrop(4, 5, seed=3)",
    "RandomFlip": "layers.RandomFlip('horizontal', seed=3)",
    "RandomRotation": "layers.RandomRotation((-0.1, 0.2), fill_mode='constant', fill_value=1.0)",
    "RandomZoom": "layers.RandomZoom(0.1, (-0.2, 0.3), interpolation='nearest')",
    "RandomTranslation": "layers.RandomTranslation(0.1, 0.2, fill_mode='wrap', seed=5)",
    "RandomContrast": "layers.RandomContrast((0.1, 0.4))",
}
BASE_KEYS = ("name", "trainable", "dtype")


def configs() -> dict[str, Any]:
    """Each layer's own ``get_config`` entries, in Keras's order."""
    out = {}
    for name, call in CONFIGS.items():
        config = eval(call, {"layers": layers}).get_config()
        own = [[k, v] for k, v in config.items() if k not in BASE_KEYS]
        out[name] = {"call": call, "config": own}
    return out


def main() -> None:
    x = images()
    out: dict[str, np.ndarray] = {"images": x}
    for name, (layer, training) in layer_cases(x).items():
        result = layer(x) if training is None else layer(x, training=training)
        out[name] = np.asarray(result)
    for name in ("RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast"):
        layer = getattr(layers, name)(0.2) if name != "RandomFlip" else layers.RandomFlip()
        assert np.array_equal(np.asarray(layer(x, training=False)), x), name
    out.update(transform_cases(x))
    out["adjust_contrast_1_7"] = tf.image.adjust_contrast(x, 1.7).numpy()
    out["adjust_contrast_0_4"] = tf.image.adjust_contrast(x, 0.4).numpy()
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "augment_reference.npz", **out)
    (OUT / "configs.json").write_text(json.dumps(configs(), indent=1) + "\n")
    print(f"wrote {len(out)} arrays to {OUT / 'augment_reference.npz'}")


if __name__ == "__main__":
    main()
