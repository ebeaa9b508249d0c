"""What a user relies on in ``ImageDataGenerator``'s random parts: shapes, dtypes, ranges,
flips that flip, shifts that move, fill modes that fill, and repeatable seeds."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from buildtrace.keras.preprocessing.image import (
    ImageDataGenerator,
    NumpyArrayIterator,
    apply_affine_transform,
)
from buildtrace.keras.unsupported import NotSupportedByBuildtrace
from buildtrace.keras.utils import Sequence


def _images(n: int = 6, h: int = 8, w: int = 10, c: int = 3) -> np.ndarray:
    return np.random.RandomState(0).uniform(0, 255, (n, h, w, c)).astype("float32")


def test_flow_batches_cover_the_data_with_keras_shapes_and_dtype() -> None:
    x, y = _images(7), np.arange(7)
    it = ImageDataGenerator(rotation_range=30, zoom_range=0.2).flow(x, y, batch_size=3)
    assert isinstance(it, Sequence) and len(it) == 3
    sizes, labels = [], []
    for i in range(len(it)):
        bx, by = it[i]
        assert bx.dtype == np.float32 and bx.shape[1:] == (8, 10, 3)
        sizes.append(len(bx))
        labels += by.tolist()
    assert sizes == [3, 3, 1]
    assert sorted(labels) == list(range(7))  # shuffled, each sample once per epoch


def test_flow_without_labels_gives_images_and_with_weights_three_parts() -> None:
    x = _images(4)
    assert ImageDataGenerator().flow(x, batch_size=2)[0].shape == (2, 8, 10, 3)
    parts = ImageDataGenerator().flow(x, np.arange(4), sample_weight=np.ones(4), batch_size=2)[0]
    assert len(parts) == 3


def test_next_walks_on_forever_in_new_orders() -> None:
    it = ImageDataGenerator().flow(_images(4), np.arange(4), batch_size=3, seed=1)
    sizes = [len(next(it)[1]) for _ in range(5)]
    assert sizes == [3, 1, 3, 1, 3]


def test_a_seed_repeats_the_augmented_batches() -> None:
    gen = ImageDataGenerator(rotation_range=40, width_shift_range=0.3, horizontal_flip=True)
    first = gen.flow(_images(), np.arange(6), batch_size=4, seed=5)[0][0]
    again = gen.flow(_images(), np.arange(6), batch_size=4, seed=5)[0][0]
    other = gen.flow(_images(), np.arange(6), batch_size=4, seed=6)[0][0]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_a_horizontal_flip_reverses_the_columns() -> None:
    x = _images(1)[0]
    gen = ImageDataGenerator(horizontal_flip=True)
    flipped = gen.apply_transform(x, {"flip_horizontal": True})
    np.testing.assert_array_equal(flipped, x[:, ::-1, :])
    flips = 0
    for seed in range(40):  # drawn half of the time
        out = gen.random_transform(x, seed=seed)
        assert np.array_equal(out, x) or np.array_equal(out, x[:, ::-1, :])
        flips += not np.array_equal(out, x)
    assert 8 < flips < 32


def test_a_shift_of_two_pixels_moves_the_content_and_fills_the_edge() -> None:
    x = np.zeros((6, 6, 1), dtype="float32")
    x[2, 2] = 1.0
    gen = ImageDataGenerator(fill_mode="constant", cval=-1.0)
    # As in Keras 2, `ty` (width_shift_range's draw) moves a channels-last image along its
    # rows and `tx` along its columns; the output reads the input at output + shift, so
    # the content moves back by the shift.
    moved = gen.apply_transform(x, {"ty": 2})
    assert moved[0, 2, 0] == 1.0 and moved.sum() == 1.0 - 2 * 6
    assert (moved[4:, :, 0] == -1.0).all()


@pytest.mark.parametrize(
    ("mode", "edge"),
    # SciPy's "wrap", which Keras uses, overlaps the last and first pixels: period n - 1.
    [("nearest", [4, 4]), ("constant", [9, 9]), ("reflect", [4, 3]), ("wrap", [1, 2])],
)
def test_fill_modes_fill_the_uncovered_pixels_as_keras_does(mode: str, edge: list[int]) -> None:
    row = np.arange(5, dtype="float32").reshape(1, 5, 1)  # 0 1 2 3 4
    out = apply_affine_transform(
        row, tx=2, row_axis=0, col_axis=1, channel_axis=2, fill_mode=mode, cval=9
    )
    assert out[0, :3, 0].tolist() == [2, 3, 4]  # the content, moved left by 2
    assert out[0, 3:, 0].tolist() == edge


def test_rotation_keeps_the_shape_and_the_value_range() -> None:
    x = _images(1)[0]
    out = ImageDataGenerator(rotation_range=90).random_transform(x, seed=0)
    assert out.shape == x.shape and out.dtype == x.dtype
    assert x.min() <= out.min() and out.max() <= x.max()
    assert not np.array_equal(out, x)


def test_brightness_and_channel_shift_stay_in_range() -> None:
    x = _images(1)[0]
    dark = ImageDataGenerator().apply_transform(x, {"brightness": 0.5})
    assert dark.mean() < x.mean() * 0.6 and dark.min() >= 0
    shifted = ImageDataGenerator().apply_transform(x, {"channel_shift_intensity": 50.0})
    assert shifted.max() <= x.max() and shifted.mean() > x.mean()


def test_featurewise_normalization_after_fit_gives_zero_mean_unit_std() -> None:
    x = _images(20) * np.array([1.0, 0.5, 0.1], dtype="float32")
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    assert gen.mean.shape == (1, 1, 3)
    out = np.stack([gen.standardize(img.copy()) for img in x])
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-4)


def test_featurewise_center_before_fit_warns_and_leaves_the_image() -> None:
    x = _images(1)[0]
    with pytest.warns(UserWarning, match="hasn't been fit"):
        out = ImageDataGenerator(featurewise_center=True).standardize(x.copy())
    np.testing.assert_array_equal(out, x)


def test_subset_splits_off_the_first_fraction_for_validation() -> None:
    x, y = _images(10), np.array([0, 1] * 5)
    gen = ImageDataGenerator(validation_split=0.2)
    val = gen.flow(x, y, batch_size=10, shuffle=False, subset="validation")
    train = gen.flow(x, y, batch_size=10, shuffle=False, subset="training")
    assert (val.n, train.n) == (2, 8)
    np.testing.assert_array_equal(val[0][0], x[:2])


def test_keras_argument_errors() -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match="rank 4"):
        NumpyArrayIterator(np.zeros((3, 4, 4)), None, ImageDataGenerator())
    with pytest.raises(ValueError, match="same length"):
        ImageDataGenerator().flow(_images(3), np.arange(2))
    with pytest.raises(NotSupportedByBuildtrace, match="flow_from_dataframe"):
        ImageDataGenerator().flow_from_dataframe(None)


def test_zca_whitening_decorrelates_the_pixels() -> None:
    rng = np.random.RandomState(0)
    base = rng.normal(size=(200, 1, 1, 1))
    x = (base + 0.3 * rng.normal(size=(200, 2, 2, 3))).astype("float32")  # correlated pixels
    with pytest.warns(UserWarning):
        gen = ImageDataGenerator(zca_whitening=True)
    gen.fit(x)
    white = np.stack([gen.standardize(img.copy()) for img in x]).reshape(200, -1)
    np.testing.assert_allclose(np.cov(white, rowvar=False, bias=True), np.eye(12), atol=0.05)


def test_save_to_dir_writes_each_augmented_image(tmp_path: Path) -> None:
    it = ImageDataGenerator(horizontal_flip=True).flow(
        _images(3), batch_size=2, save_to_dir=tmp_path, save_prefix="aug", save_format="png"
    )
    it[0]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and all(n.startswith("aug_") and n.endswith(".png") for n in names)


def test_an_odd_channel_count_warns_as_keras_does() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ImageDataGenerator().flow(np.zeros((2, 4, 4, 5)))
    assert any("5 channels" in str(w.message) for w in caught)
