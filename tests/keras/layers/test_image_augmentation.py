"""What a user relies on from the random image layers, where the draws are random:
shapes and dtypes, the identity at inference, a flip that really flips, values that stay
in range, a seed that repeats, Keras's configs and messages, and ``fit`` through them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras import backend

layers = keras.layers
CONFIGS = json.loads((Path(__file__).parents[2] / "data" / "augment" / "configs.json").read_text())


def _images(n: int = 16, height: int = 6, width: int = 7) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.uniform(0, 255, (n, height, width, 3)).astype("float32")


RANDOM_LAYERS = {
    "flip": lambda seed=None: layers.RandomFlip(seed=seed),
    "rotation": lambda seed=None: layers.RandomRotation(0.2, seed=seed),
    "zoom": lambda seed=None: layers.RandomZoom(0.3, seed=seed),
    "translation": lambda seed=None: layers.RandomTranslation(0.2, 0.3, seed=seed),
    "contrast": lambda seed=None: layers.RandomContrast(0.5, seed=seed),
    "crop": lambda seed=None: layers.RandomCrop(4, 5, seed=seed),
}


@pytest.mark.parametrize("name", sorted(set(RANDOM_LAYERS) - {"crop"}))
def test_random_layers_are_the_identity_at_inference(name: str) -> None:
    x = _images()
    np.testing.assert_array_equal(RANDOM_LAYERS[name]()(x, training=False), x)


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS))
def test_random_layers_change_images_in_training_keep_dtype_and_repeat_with_a_seed(
    name: str,
) -> None:
    x = _images()
    first = np.asarray(RANDOM_LAYERS[name](seed=4)(x, training=True))
    again = np.asarray(RANDOM_LAYERS[name](seed=4)(x, training=True))
    others = [np.asarray(RANDOM_LAYERS[name](seed=s)(x, training=True)) for s in range(5, 9)]
    assert first.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    assert any(not np.array_equal(first, other) for other in others)
    if first.shape == x.shape:
        assert not np.array_equal(first, x)


@pytest.mark.parametrize(("mode", "axis"), [("horizontal", 2), ("vertical", 1)])
def test_random_flip_flips_each_image_or_leaves_it(mode: str, axis: int) -> None:
    x = _images(n=32)
    y = np.asarray(layers.RandomFlip(mode, seed=1)(x, training=True))
    flipped = [np.array_equal(y[i], np.flip(x[i], axis=axis - 1)) for i in range(len(x))]
    kept = [np.array_equal(y[i], x[i]) for i in range(len(x))]
    assert all(f or k for f, k in zip(flipped, kept))
    assert any(flipped) and any(kept)  # one draw per image, not one for the batch


def test_warps_with_reflect_stay_inside_the_input_range() -> None:
    x = _images()
    for layer in (
        layers.RandomRotation(0.5),
        layers.RandomZoom(0.5),
        layers.RandomTranslation(0.4, 0.4),
    ):
        y = np.asarray(layer(x, training=True))
        assert x.min() - 1e-3 <= y.min() and y.max() <= x.max() + 1e-3


def test_random_contrast_clips_to_pixel_range() -> None:
    y = np.asarray(layers.RandomContrast((0.0, 1.0), seed=2)(_images(), training=True))
    assert y.min() >= 0.0 and y.max() <= 255.0


def test_random_crop_in_training_cuts_one_window_for_the_batch() -> None:
    x = _images()
    y = np.asarray(layers.RandomCrop(4, 5, seed=3)(x, training=True))
    windows = [
        (top, left)
        for top in range(3)
        for left in range(3)
        if np.array_equal(y, x[:, top : top + 4, left : left + 5])
    ]
    assert len(windows) == 1


def test_an_unbatched_image_is_warped_as_a_batch_of_one() -> None:
    image = _images(n=1)[0]
    for layer in (layers.RandomRotation(0.2), layers.RandomFlip(), layers.RandomZoom(0.2)):
        assert layer(image, training=True).shape == image.shape


def test_called_without_training_the_layer_augments_as_keras_does() -> None:
    # Keras fills a missing `training` with `call`'s default, True.
    x = _images()
    assert not np.array_equal(layers.RandomRotation(0.3, seed=1)(x), x)


def test_output_shapes_in_a_functional_model() -> None:
    backend.clear_session()
    inputs = keras.Input(shape=(32, 40, 3))
    x = layers.RandomFlip("horizontal")(inputs)
    x = layers.RandomCrop(24, 30)(x)
    x = layers.Resizing(16, 16)(x)
    x = layers.CenterCrop(8, 12)(x)
    assert tuple(x.shape) == (None, 8, 12, 3)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_get_config_has_keras_entries_in_keras_order(name: str) -> None:
    layer = eval(CONFIGS[name]["call"], {"layers": layers})
    config = layer.get_config()
    own = [[k, v] for k, v in config.items() if k not in ("name", "trainable", "dtype")]
    assert json.loads(json.dumps(own)) == CONFIGS[name]["config"]
    assert type(layer).from_config(config).get_config() == config


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: layers.RandomFlip("sideways"),
            ValueError,
            "received an unknown mode argument sideways",
        ),
        (
            lambda: layers.RandomRotation(0.1, fill_mode="mirror"),
            NotImplementedError,
            "Unknown `fill_mode` mirror",
        ),
        (
            lambda: layers.RandomZoom(0.1, interpolation="bicubic"),
            NotImplementedError,
            "Unknown `interpolation` bicubic",
        ),
        (
            lambda: layers.RandomTranslation(1.5, 0.1),
            ValueError,
            "must have values between [-1, 1]",
        ),
        (lambda: layers.RandomRotation((0.2, 0.1)), ValueError, "Received: factor=(0.2, 0.1)"),
        (lambda: layers.RandomContrast(-0.1), ValueError, "cannot have negative values"),
        (
            lambda: layers.Resizing(2, 2, interpolation="cubic"),
            NotImplementedError,
            "Value not recognized",
        ),
    ],
)
def test_messages_are_keras(make: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=__import__("re").escape(message)):
        make()


def test_fit_trains_through_an_augmentation_block_and_predict_is_repeatable() -> None:
    backend.clear_session()
    x = _images(n=24, height=8, width=8)
    y = np.arange(24) % 2
    data_augmentation = keras.Sequential(
        [layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.1)]
    )
    model = keras.Sequential(
        [
            keras.Input(shape=(8, 8, 3)),
            data_augmentation,
            layers.Rescaling(1.0 / 255),
            layers.Conv2D(4, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(2),
        ]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))


def test_weights_before_a_warp_get_gradients_and_before_a_resize_a_clear_error() -> None:
    backend.clear_session()
    model = keras.Sequential(
        [
            keras.Input(shape=(12,)),
            layers.Dense(12),
            layers.Reshape((2, 2, 3)),
            layers.RandomRotation(0.2, seed=1),
        ]
    )
    model.compile("sgd", "mse")
    before = model.layers[0].get_weights()[0].copy()
    model.fit(np.ones((4, 12)), np.ones((4, 2, 2, 3)), verbose=0)
    assert not np.allclose(model.layers[0].get_weights()[0], before)
    resized = keras.Sequential(
        [
            keras.Input(shape=(12,)),
            layers.Dense(12),
            layers.Reshape((2, 2, 3)),
            layers.Resizing(4, 4),
        ]
    )
    resized.compile("sgd", "mse")
    with pytest.raises(NotImplementedError, match="put the resizing first"):
        resized.fit(np.ones((4, 12)), np.ones((4, 4, 4, 3)), verbose=0)


def test_a_block_with_input_shape_gives_the_outer_sequential_its_input() -> None:
    # The tutorials' shape: `input_shape` on the block's first layer, the block first.
    backend.clear_session()
    block = keras.Sequential([layers.RandomFlip("horizontal", input_shape=(8, 8, 3))])
    model = keras.Sequential([block, layers.Rescaling(1.0 / 255), layers.Flatten()])
    assert model.built
    assert tuple(model.inputs[0].shape) == (None, 8, 8, 3)
    assert model.inputs[0].name == f"{block.name}_input"
    assert tuple(model.output_shape) == (None, 192)
