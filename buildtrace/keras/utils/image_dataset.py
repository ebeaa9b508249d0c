"""``image_dataset_from_directory``: a folder of images per class as a ``tf.data`` dataset.

Mirrors: ``keras/utils/image_dataset.py`` and the parts of ``keras/utils/dataset_utils.py``
it uses (``index_directory``, ``get_training_or_validation_split``,
``check_validation_split_arg``) of Keras 2. The dataset is buildtrace's ``tf.data``
stand-in; images are read with Pillow when the dataset is iterated, and resized like
``tf.image.resize``. Differs: ``"bilinear"`` and ``"nearest"`` resizing only, and the
shuffle of the batches is buildtrace's (the files' order before it is Keras's).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from buildtrace.keras.utils import image_utils
from buildtrace.tf.data import Dataset
from buildtrace.tf.tensors import Tensor

__all__ = ["image_dataset_from_directory"]

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}
_MODES = {channels: mode for mode, channels in _CHANNELS.items()}


def index_directory(
    directory: str,
    labels: Any,
    formats: tuple[str, ...],
    class_names: Any = None,
    shuffle: bool = True,
    seed: int | None = None,
    follow_links: bool = False,
) -> tuple[list[str], Any, list[str]]:
    """Every image's path and label, and the class names (the sorted subfolders).

    Mirrors: ``keras/utils/dataset_utils.py::index_directory``: prints Keras's
    ``Found N files belonging to K classes.``; with ``shuffle``, paths and labels are
    shuffled by ``np.random.RandomState(seed)``, as in Keras (the same order, seed for seed).
    """
    if labels != "inferred":
        subdirs = [""]
        class_names = subdirs
    else:
        subdirs = [
            s for s in sorted(os.listdir(directory))
            if os.path.isdir(os.path.join(directory, s)) and not s.startswith(".")
        ]  # fmt: skip
        if not class_names:
            class_names = subdirs
        elif set(class_names) != set(subdirs):
            raise ValueError(
                "The `class_names` passed did not match the names of the subdirectories of "
                f"the target directory. Expected: {subdirs}, but received: {class_names}"
            )
    class_indices = {name: i for i, name in enumerate(class_names)}
    filenames: list[str] = []
    found_labels: list[int] = []
    for subdir in subdirs:
        folder = os.path.join(directory, subdir)
        for root, _, files in sorted(os.walk(folder, followlinks=follow_links), key=lambda w: w[0]):
            for fname in sorted(files):
                if fname.lower().endswith(formats):
                    found_labels.append(class_indices[os.path.basename(folder)] if subdir else 0)
                    path = os.path.join(root, fname)
                    filenames.append(os.path.join(subdir, os.path.relpath(path, folder)))
    if labels not in ("inferred", None):
        if len(labels) != len(filenames):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in the target "
                f"directory. len(labels) is {len(labels)} while we found {len(filenames)} "
                f"files in directory {directory}."
            )
        class_names = sorted(set(labels))
        labels = np.asarray(labels)
    elif labels == "inferred":
        labels = np.asarray(found_labels, dtype="int32")
    if labels is None:
        print(f"Found {len(filenames)} files.")
    else:
        print(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        seed = np.random.randint(1_000_000) if seed is None else seed
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, list(class_names)


def get_training_or_validation_split(
    samples: list[str], labels: Any, validation_split: float | None, subset: str | None
) -> tuple[list[str], Any]:
    """The last ``validation_split`` of the files for validation, the rest for training.

    Mirrors: ``keras/utils/dataset_utils.py::get_training_or_validation_split`` (and its
    ``Using N files for training.`` line).
    """
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - num_val} files for training.")
        part = slice(None, -num_val)
    elif subset == "validation":
        print(f"Using {num_val} files for validation.")
        part = slice(-num_val, None)
    else:
        raise ValueError(f'`subset` must be either "training" or "validation", received: {subset}')
    return samples[part], None if labels is None else labels[part]


def check_validation_split_arg(
    validation_split: float | None, subset: str | None, shuffle: bool, seed: int | None
) -> None:
    """Keras's checks of ``validation_split`` and ``subset``, with its messages."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(
            f"`validation_split` must be between 0 and 1, received: {validation_split}"
        )
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(
            f'`subset` must be either "training", "validation" or "both", received: {subset}'
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` "
            "argument, to make sure that there is no overlap between the training and "
            "validation subset."
        )


def load_image(path: str, image_size: Any, num_channels: int, interpolation: str,
               crop_to_aspect_ratio: bool = False) -> Any:  # fmt: skip
    """One image file as a float32 array of ``image_size`` and ``num_channels``.

    Mirrors: ``keras/utils/image_dataset.py::load_image`` (decode, then ``smart_resize``
    or ``tf.image.resize``).
    """
    img = image_utils.load_img(
        path, color_mode="rgb" if num_channels == 1 else _MODES[num_channels]
    )
    array = image_utils.img_to_array(img, data_format="channels_last", dtype="float32")
    if num_channels == 1:
        array = _decoder_gray(img, array, png=path.lower().endswith(".png"))
    img.close()
    if crop_to_aspect_ratio:
        return np.asarray(image_utils.smart_resize(array, image_size, interpolation))
    return image_utils.resize_images(array, image_size, interpolation)


def _decoder_gray(img: Any, rgb: np.ndarray, png: bool) -> Any:
    """One gray channel, as TensorFlow's image decoder makes it from a colour file.

    A PNG goes through libpng's conversion (fixed-point weights 9797, 19234 and 3737 out
    of 32768 for red, green and blue, truncated), which gives other values than Pillow's
    ``"L"``; other formats use Pillow's, which rounds as libjpeg does.
    """
    if not png:
        return image_utils.img_to_array(img.convert("L"), dtype="float32")
    channels = rgb.astype(np.int64)
    weighted = 9797 * channels[..., 0] + 19234 * channels[..., 1] + 3737 * channels[..., 2]
    return (weighted >> 15).astype(np.float32)[..., None]


def _labels_row(labels: Any, label_mode: str, num_classes: int, i: int) -> Tensor:
    """One label in ``label_mode``'s form (Keras's ``labels_to_dataset``)."""
    if label_mode == "binary":
        return Tensor(np.asarray([labels[i]], dtype=np.float32))
    if label_mode == "categorical":
        return Tensor(np.eye(num_classes, dtype=np.float32)[labels[i]])
    return Tensor(np.asarray(labels[i]))


def paths_and_labels_to_dataset(image_paths: list[str], image_size: Any, num_channels: int,
                                labels: Any, label_mode: str | None, num_classes: int,
                                interpolation: str,
                                crop_to_aspect_ratio: bool = False) -> Dataset:  # fmt: skip
    """A dataset of ``image`` or ``(image, label)`` elements, read file by file.

    Mirrors: ``keras/utils/image_dataset.py::paths_and_labels_to_dataset``.
    """
    args = (image_size, num_channels, interpolation, crop_to_aspect_ratio)

    def make() -> Iterator[Any]:
        for i, path in enumerate(image_paths):
            image = Tensor(load_image(path, *args))
            if label_mode:
                yield image, _labels_row(labels, label_mode, num_classes, i)
            else:
                yield image

    return Dataset(make, len(image_paths))


def image_dataset_from_directory(directory: Any, labels: Any = "inferred",
                                 label_mode: str | None = "int", class_names: Any = None,
                                 color_mode: str = "rgb", batch_size: int | None = 32,
                                 image_size: Any = (256, 256), shuffle: bool = True,
                                 seed: int | None = None, validation_split: float | None = None,
                                 subset: str | None = None, interpolation: str = "bilinear",
                                 follow_links: bool = False, crop_to_aspect_ratio: bool = False,
                                 **kwargs: Any) -> Any:  # fmt: skip
    """The images of a folder (a subfolder per class) as a batched dataset.

    Mirrors: ``keras/utils/image_dataset.py::image_dataset_from_directory``: elements are
    ``(images, labels)`` batches (float32 images of ``image_size``; labels ``int``,
    ``categorical`` or ``binary``), and the dataset carries ``class_names`` and
    ``file_paths``. ``subset="both"`` returns the training and validation datasets.

    Raises:
        ValueError: Keras's checks of the arguments, or no images found.
        TypeError: an unknown keyword argument.
    """
    directory = os.fspath(directory)
    if "smart_resize" in kwargs:
        crop_to_aspect_ratio = kwargs.pop("smart_resize")
    if kwargs:
        raise TypeError(f"Unknown keywords argument(s): {tuple(kwargs.keys())}")
    _check_labels(labels, label_mode, class_names)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if color_mode not in _CHANNELS:
        raise ValueError(
            '`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
            f"Received: color_mode={color_mode}"
        )
    interpolation = image_utils.get_interpolation(interpolation)
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    seed = np.random.randint(1_000_000) if seed is None else seed
    image_paths, labels, class_names = index_directory(
        directory, labels, formats=ALLOWLIST_FORMATS, class_names=class_names,
        shuffle=shuffle, seed=seed, follow_links=follow_links,
    )  # fmt: skip
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f"Received: class_names={class_names}"
        )
    subsets = ["training", "validation"] if subset == "both" else [subset]
    datasets = []
    for part in subsets:
        paths, part_labels = get_training_or_validation_split(
            image_paths, labels, validation_split, part
        )
        if not paths:
            which = f"{part} images" if subset == "both" else "images"
            raise ValueError(
                f"No {which} found in directory {directory}. Allowed formats: {ALLOWLIST_FORMATS}"
            )
        dataset = paths_and_labels_to_dataset(
            paths, image_size, _CHANNELS[color_mode], part_labels, label_mode,
            len(class_names), interpolation, crop_to_aspect_ratio,
        )  # fmt: skip
        # Keras shuffles a lone subset, and of "both" only the training part.
        shuffled = shuffle and not (subset == "both" and part == "validation")
        if batch_size is not None:
            if shuffled:
                dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
            dataset = dataset.batch(batch_size)
        elif shuffled:
            dataset = dataset.shuffle(buffer_size=1024, seed=seed)
        dataset = dataset.prefetch()
        dataset.class_names = class_names  # type: ignore[attr-defined]
        dataset.file_paths = paths  # type: ignore[attr-defined]
        datasets.append(dataset)
    return datasets if subset == "both" else datasets[0]


def _check_labels(labels: Any, label_mode: str | None, class_names: Any) -> None:
    """Keras's checks of ``labels`` and ``label_mode``, with its messages."""
    if labels not in ("inferred", None):
        if not isinstance(labels, list | tuple):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same size "
                "as the number of image files in the target directory. If you wish to infer "
                'the labels from the subdirectory names in the target directory, pass `labels="'
                'inferred"`. If you wish to get a dataset that only contains images (no '
                f"labels), pass `labels=None`. Received: labels={labels}"
            )
        if class_names:
            raise ValueError(
                'You can only pass `class_names` if `labels="inferred"`. '
                f"Received: labels={labels}, and class_names={class_names}"
            )
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode}"
        )
