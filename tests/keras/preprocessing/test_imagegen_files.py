"""Images as files: ``load_img``/``save_img``, the folder iterators' options, and
``image_dataset_from_directory``'s arguments, as scripts use them."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PIL")

from buildtrace.keras.preprocessing.image import ImageDataGenerator, img_to_array
from buildtrace.keras.unsupported import NotSupportedByBuildtrace
from buildtrace.keras.utils import image_dataset_from_directory, load_img, save_img


def _folder(root: Path, counts: dict[str, int], size: tuple[int, int] = (6, 8)) -> Path:
    rng = np.random.RandomState(0)
    for label, count in counts.items():
        (root / label).mkdir(parents=True)
        for i in range(count):
            pixels = rng.randint(0, 256, (*size, 3)).astype("float32")
            save_img(root / label / f"{i}.png", pixels, scale=False)
    return root


def test_save_then_load_gives_the_same_pixels(tmp_path: Path) -> None:
    pixels = np.random.RandomState(1).randint(0, 256, (5, 7, 3)).astype("float32")
    save_img(tmp_path / "a.png", pixels, scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(tmp_path / "a.png")), pixels)
    with open(tmp_path / "a.png", "rb") as f:
        from_bytes = load_img(io.BytesIO(f.read()), color_mode="grayscale")
    assert img_to_array(from_bytes).shape == (5, 7, 1)


def test_load_img_resizes_to_height_width(tmp_path: Path) -> None:
    save_img(tmp_path / "a.png", np.zeros((10, 20, 3)))
    assert load_img(tmp_path / "a.png", target_size=(4, 6)).size == (6, 4)  # PIL: width first
    kept = load_img(tmp_path / "a.png", target_size=(4, 4), keep_aspect_ratio=True)
    assert kept.size == (4, 4)
    with pytest.raises(ValueError, match="Invalid interpolation method"):
        load_img(tmp_path / "a.png", target_size=(4, 6), interpolation="cubic")
    with pytest.raises(TypeError, match="path should be path-like"):
        load_img(42)


def test_directory_iterator_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _folder(tmp_path / "data", {"a": 2, "b": 3, "c": 1})
    gen = ImageDataGenerator()
    only = gen.flow_from_directory(root, target_size=(6, 8), classes=["c", "a"], shuffle=False)
    assert only.class_indices == {"c": 0, "a": 1}
    assert only.filenames == ["c/0.png", "a/0.png", "a/1.png"]
    x, y = only[0]
    np.testing.assert_array_equal(y, [[1, 0], [0, 1], [0, 1]])
    same = gen.flow_from_directory(root, target_size=(6, 8), class_mode="input", shuffle=False)
    x, y = same[0]
    np.testing.assert_array_equal(x, y)
    assert "Found 6 images belonging to 3 classes." in capsys.readouterr().out
    with pytest.raises(ValueError, match="Invalid class_mode"):
        gen.flow_from_directory(root, class_mode="other")
    with pytest.raises(ValueError, match="Invalid color mode"):
        gen.flow_from_directory(root, color_mode="cmyk")


def test_image_dataset_without_labels_and_with_a_label_list(tmp_path: Path) -> None:
    root = _folder(tmp_path / "data", {"a": 2, "b": 2})
    images_only = image_dataset_from_directory(
        root, labels=None, image_size=(3, 4), batch_size=3, shuffle=False
    )
    shapes = [tuple(batch.shape) for batch in images_only]
    assert shapes == [(3, 3, 4, 3), (1, 3, 4, 3)]
    labelled = image_dataset_from_directory(
        root, labels=[5, 6, 7, 8], image_size=(3, 4), shuffle=False
    )
    ((_, labels),) = list(labelled)
    assert labels.numpy().tolist() == [5, 6, 7, 8]


def test_image_dataset_argument_errors(tmp_path: Path) -> None:
    root = _folder(tmp_path / "data", {"a": 1, "b": 1, "c": 1})
    with pytest.raises(ValueError, match="you must provide a `seed`"):
        image_dataset_from_directory(root, validation_split=0.5, subset="training")
    with pytest.raises(ValueError, match="exactly 2 class_names"):
        image_dataset_from_directory(root, label_mode="binary")
    with pytest.raises(ValueError, match="`validation_split` must be set"):
        image_dataset_from_directory(root, subset="training")
    with pytest.raises(ValueError, match="did not match the names of the subdirectories"):
        image_dataset_from_directory(root, class_names=["a", "x", "c"])
    with pytest.raises(TypeError, match="Unknown keywords"):
        image_dataset_from_directory(root, colour_mode="rgb")
    with pytest.raises(NotImplementedError, match="Value not recognized for `interpolation`"):
        image_dataset_from_directory(root, interpolation="cubic")
    with pytest.raises(NotSupportedByBuildtrace, match="lanczos5"):
        image_dataset_from_directory(root, interpolation="lanczos5")


def test_subset_both_gives_training_and_validation(tmp_path: Path) -> None:
    root = _folder(tmp_path / "data", {"a": 5, "b": 5})
    train, val = image_dataset_from_directory(
        root, validation_split=0.2, subset="both", seed=3, image_size=(3, 3)
    )
    assert len(train.file_paths) == 8 and len(val.file_paths) == 2
    assert not set(train.file_paths) & set(val.file_paths)
