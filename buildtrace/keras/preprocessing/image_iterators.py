"""The batches an ``ImageDataGenerator`` hands to ``fit``: from arrays or from folders.

Mirrors: ``keras/preprocessing/image.py`` of Keras 2 (``Iterator``,
``NumpyArrayIterator``, ``BatchFromFilesMixin``, ``DirectoryIterator``). An iterator is
a ``keras.utils.Sequence`` (``fit`` asks it for batch ``i``) and also an endless Python
iterator (``next(it)``, ``for x, y in it``), as in Keras. Shuffling and the seed use
numpy's global generator, as Keras's do.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator as PyIterator
from typing import Any, ClassVar

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.utils import image_utils
from buildtrace.keras.utils.data_utils import Sequence

__all__ = ["BatchFromFilesMixin", "DirectoryIterator", "Iterator", "NumpyArrayIterator"]


class Iterator(Sequence):
    """Batches of ``n`` samples, in a new order each epoch if ``shuffle``.

    Mirrors: ``keras/preprocessing/image.py::Iterator``. A subclass says how to make the
    batch of some sample indices (``_get_batches_of_transformed_samples``). ``it[i]``
    gives batch ``i`` of this epoch's order; ``next(it)`` walks on forever, a new order
    at every pass. With a ``seed``, numpy is reseeded with ``seed`` plus the number of
    batches seen before each batch, so a run repeats exactly.
    """

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: int | None) -> None:
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array: np.ndarray | None = None
        self.index_generator = self._flow_index()

    def _set_index_array(self) -> None:
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __getitem__(self, idx: int) -> Any:
        if idx >= len(self):
            raise ValueError(
                f"Asked to retrieve element {idx}, but the Sequence has length {len(self)}"
            )
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        assert self.index_array is not None
        batch = self.index_array[self.batch_size * idx : self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(batch)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size  # the last batch may be short

    def on_epoch_end(self) -> None:
        """A new order of the samples for the next epoch (``fit`` calls it)."""
        self._set_index_array()

    def reset(self) -> None:
        """Start the ``next()`` walk again from the first batch."""
        self.batch_index = 0

    def _flow_index(self) -> PyIterator[np.ndarray]:
        """The endless walk of ``next()``: batch after batch, a new order at every pass."""
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            assert self.index_array is not None
            current = 0 if self.n == 0 else (self.batch_index * self.batch_size) % self.n
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current : current + self.batch_size]

    def __iter__(self) -> Any:  # `for x, y in generator.flow(...)` walks with next()
        return self

    def __next__(self) -> Any:
        return self.next()

    def next(self) -> Any:
        """The next batch. Mirrors ``Iterator.next`` (the name Keras 1 scripts call)."""
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        raise NotImplementedError


class NumpyArrayIterator(Iterator):
    """Batches of an image array (and its labels), each image randomly transformed.

    Mirrors: ``keras/preprocessing/image.py::NumpyArrayIterator``: a batch is ``x``
    alone, ``(x, y)`` or ``(x, y, sample_weight)``; ``x`` may be ``(images, [other
    arrays])``, the others passed through untransformed. ``subset`` takes the first
    ``validation_split`` of the samples for ``"validation"``, the rest for ``"training"``.

    Raises:
        ValueError: lengths that differ, images not of rank 4, or a subset that leaves
            the two parts with different classes (Keras's messages).
    """

    def __init__(self, x: Any, y: Any, image_data_generator: Any, batch_size: int = 32,
                 shuffle: bool = False, sample_weight: Any = None, seed: int | None = None,
                 data_format: str | None = None, save_to_dir: Any = None, save_prefix: str = "",
                 save_format: str = "png", subset: str | None = None,
                 ignore_class_split: bool = False, dtype: str | None = None) -> None:  # fmt: skip
        data_format = data_format or backend.image_data_format()
        self.dtype = dtype or backend.floatx()
        x_misc: list[Any] = []
        if isinstance(x, tuple | list):
            x_misc = (
                [np.asarray(xx) for xx in x[1]] if isinstance(x[1], list) else [np.asarray(x[1])]
            )
            x = x[0]
            for xx in x_misc:
                if len(x) != len(xx):
                    raise ValueError(
                        "All of the arrays in `x` should have the same length. Found a pair "
                        f"with: len(x[0]) = {len(x)}, len(x[?]) = {len(xx)}"
                    )
        if y is not None and len(x) != len(y):
            raise ValueError(
                "`x` (images tensor) and `y` (labels) should have the same length. Found: "
                f"x.shape = {np.asarray(x).shape}, y.shape = {np.asarray(y).shape}"
            )
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(
                "`x` (images tensor) and `sample_weight` should have the same length. Found: "
                f"x.shape = {np.asarray(x).shape}, "
                f"sample_weight.shape = {np.asarray(sample_weight).shape}"
            )
        if subset is not None:
            x, y, x_misc = _subset(x, y, x_misc, subset, image_data_generator, ignore_class_split)
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError(
                "Input data in `NumpyArrayIterator` should have rank 4. You passed an array "
                f"with shape {self.x.shape}"
            )
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in {1, 3, 4}:
            warnings.warn(
                f'NumpyArrayIterator is set to use the data format convention "{data_format}" '
                f"(channels on axis {channels_axis}), i.e. expected either 1, 3, or 4 channels "
                f"on axis {channels_axis}. However, it was passed an array with shape "
                f"{self.x.shape} ({self.x.shape[channels_axis]} channels).",
                stacklevel=2,
            )
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        """Each sample drawn a transform, transformed, standardized; then the labels."""
        batch_x = np.zeros((len(index_array), *self.x.shape[1:]), dtype=self.dtype)
        generator = self.image_data_generator
        for i, j in enumerate(index_array):
            x = self.x[j]
            params = generator.get_random_transform(x.shape)
            x = generator.apply_transform(x.astype(self.dtype), params)
            batch_x[i] = generator.standardize(x)
        if self.save_to_dir:
            save_batch(self, batch_x, index_array, 10_000)
        misc = [xx[index_array] for xx in self.x_misc]
        inputs = [batch_x, *misc] if misc else batch_x
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]


def save_batch(iterator: Any, batch_x: np.ndarray, index_array: np.ndarray, bound: int) -> None:
    """Write a batch's images into ``save_to_dir``, named as Keras names them.

    Mirrors: the ``save_to_dir`` step of Keras's iterators: ``prefix_index_hash.format``,
    the hash a random number below ``bound`` (Keras's two iterators use different ones).
    """
    for i, j in enumerate(index_array):
        img = image_utils.array_to_img(batch_x[i], iterator.data_format, scale=True)
        name = f"{iterator.save_prefix}_{j}_{np.random.randint(bound)}.{iterator.save_format}"
        img.save(os.path.join(iterator.save_to_dir, name))


def _subset(x: Any, y: Any, x_misc: list[Any], subset: str, generator: Any,
            ignore_class_split: bool) -> tuple[Any, Any, list[Any]]:  # fmt: skip
    """The ``validation`` (first) or ``training`` (rest) part of the arrays."""
    if subset not in {"training", "validation"}:
        raise ValueError(f"Invalid subset name: {subset}; expected 'training' or 'validation'.")
    split = int(len(x) * generator._validation_split)
    if (
        y is not None
        and not ignore_class_split
        and not np.array_equal(np.unique(y[:split]), np.unique(y[split:]))
    ):
        raise ValueError(
            "Training and validation subsets have different number of classes after the "
            "split. If your numpy arrays are sorted by the label, you might want to shuffle them."
        )
    part = slice(None, split) if subset == "validation" else slice(split, None)
    return x[part], None if y is None else y[part], [np.asarray(xx[part]) for xx in x_misc]


def _iter_valid_files(directory: str, formats: tuple[str, ...], follow_links: bool) -> Any:
    """``(folder, file name)`` of every image under ``directory``, sorted, recursively."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda w: w[0]):
        for fname in sorted(files):
            if fname.lower().endswith(".tiff"):
                warnings.warn(
                    'Using ".tiff" files with multiple bands will cause distortion. '
                    "Please verify your output.",
                    stacklevel=2,
                )
            if fname.lower().endswith(formats):
                yield root, fname


def list_valid_filenames_in_directory(
    directory: str,
    white_list_formats: tuple[str, ...],
    split: tuple[float, float] | None,
    class_indices: dict[str, int],
    follow_links: bool,
) -> tuple[list[int], list[str]]:
    """The class index and the path (relative to the parent) of each image of one class.

    Mirrors: ``keras/preprocessing/image.py::_list_valid_filenames_in_directory``: with a
    ``split`` (fractions), only that slice of the class's sorted files.
    """
    dirname = os.path.basename(directory)
    files = list(_iter_valid_files(directory, white_list_formats, follow_links))
    if split:
        files = files[int(split[0] * len(files)) : int(split[1] * len(files))]
    classes, filenames = [], []
    for root, fname in files:
        classes.append(class_indices[dirname])
        filenames.append(
            os.path.join(dirname, os.path.relpath(os.path.join(root, fname), directory))
        )
    return classes, filenames


class BatchFromFilesMixin:
    """Batches of image files: loaded, resized, transformed, standardized, labelled.

    Mirrors: ``keras/preprocessing/image.py::BatchFromFilesMixin`` (what
    ``DirectoryIterator`` and Keras's ``DataFrameIterator`` share).
    """

    image_data_generator: Any
    dtype: str
    class_mode: str | None
    classes: Any
    class_indices: dict[str, int]
    data_format: str
    _filepaths: list[str]

    def set_processing_attrs(self, image_data_generator: Any, target_size: Any, color_mode: str,
                             data_format: str, save_to_dir: Any, save_prefix: str,
                             save_format: str, subset: str | None, interpolation: str,
                             keep_aspect_ratio: bool) -> None:  # fmt: skip
        """The image shape of ``color_mode``, and the ``subset``'s slice of the files."""
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = {"rgba": 4, "rgb": 3, "grayscale": 1}.get(color_mode)
        if channels is None:
            raise ValueError(
                f'Invalid color mode: {color_mode}; expected "rgb", "rgba", or "grayscale".'
            )
        self.color_mode = color_mode
        self.data_format = data_format
        self.image_shape = (
            (*self.target_size, channels)
            if data_format == "channels_last"
            else (channels, *self.target_size)
        )
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.interpolation = interpolation
        self.split: tuple[float, float] | None = None
        if subset is not None:
            validation_split = image_data_generator._validation_split
            if subset == "validation":
                self.split = (0, validation_split)
            elif subset == "training":
                self.split = (validation_split, 1)
            else:
                raise ValueError(
                    f'Invalid subset name: {subset};expected "training" or "validation"'
                )
        self.subset = subset

    @property
    def filepaths(self) -> list[str]:
        """The full path of every image, in sample order."""
        return self._filepaths

    @property
    def labels(self) -> Any:
        """The class index of every image, in sample order."""
        return self.classes

    @property
    def sample_weight(self) -> Any:
        return None

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        batch_x = np.zeros((len(index_array), *self.image_shape), dtype=self.dtype)
        generator = self.image_data_generator
        for i, j in enumerate(index_array):
            img = image_utils.load_img(
                self.filepaths[j], color_mode=self.color_mode, target_size=self.target_size,
                interpolation=self.interpolation, keep_aspect_ratio=self.keep_aspect_ratio,
            )  # fmt: skip
            x = image_utils.img_to_array(img, data_format=self.data_format)
            img.close()
            if generator:
                params = generator.get_random_transform(x.shape)
                x = generator.standardize(generator.apply_transform(x, params))
            batch_x[i] = x
        if self.save_to_dir:
            save_batch(self, batch_x, index_array, 10_000_000)
        return self._with_labels(batch_x, index_array)

    def _with_labels(self, batch_x: np.ndarray, index_array: np.ndarray) -> Any:
        """The batch with its labels in ``class_mode``'s form (Keras's encodings)."""
        if self.class_mode == "input":
            batch_y = batch_x.copy()
        elif self.class_mode in {"binary", "sparse"}:
            batch_y = np.asarray(self.classes)[index_array].astype(self.dtype)
        elif self.class_mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            batch_y[np.arange(len(batch_x)), np.asarray(self.classes)[index_array]] = 1.0
        else:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]


class DirectoryIterator(BatchFromFilesMixin, Iterator):
    """Batches of the images in a folder with one subfolder per class.

    Mirrors: ``keras/preprocessing/image.py::DirectoryIterator``: the classes are the
    subfolders, sorted (or ``classes``), ``class_indices`` maps each to its index, and it
    prints Keras's ``Found N images belonging to K classes.``; ``classes`` then holds
    every image's class index, ``filenames`` their paths relative to ``directory``.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     for name in ("cats", "dogs"):
        ...         os.mkdir(os.path.join(folder, name))
        ...     print(DirectoryIterator(folder, None).class_indices)
        Found 0 images belonging to 2 classes.
        {'cats': 0, 'dogs': 1}

    Raises:
        ValueError: an unknown ``class_mode``, ``color_mode`` or ``subset``.
    """

    allowed_class_modes: ClassVar[set[str | None]] = {
        "categorical",
        "binary",
        "sparse",
        "input",
        None,
    }

    def __init__(self, directory: Any, image_data_generator: Any,
                 target_size: Any = (256, 256), color_mode: str = "rgb", classes: Any = None,
                 class_mode: str | None = "categorical", batch_size: int = 32,
                 shuffle: bool = True, seed: int | None = None, data_format: str | None = None,
                 save_to_dir: Any = None, save_prefix: str = "", save_format: str = "png",
                 follow_links: bool = False, subset: str | None = None,
                 interpolation: str = "nearest", keep_aspect_ratio: bool = False,
                 dtype: str | None = None) -> None:  # fmt: skip
        data_format = data_format or backend.image_data_format()
        self.set_processing_attrs(
            image_data_generator, target_size, color_mode, data_format, save_to_dir,
            save_prefix, save_format, subset, interpolation, keep_aspect_ratio,
        )  # fmt: skip
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ValueError(
                f"Invalid class_mode: {class_mode}; expected one of: {self.allowed_class_modes}"
            )
        self.class_mode = class_mode
        self.dtype = dtype or backend.floatx()
        if not classes:
            classes = [
                sub for sub in sorted(os.listdir(directory))
                if os.path.isdir(os.path.join(directory, sub))
            ]  # fmt: skip
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        self.filenames: list[str] = []
        labels: list[int] = []
        for sub in classes:
            sub_labels, sub_files = list_valid_filenames_in_directory(
                os.path.join(directory, sub), self.white_list_formats, self.split,
                self.class_indices, follow_links,
            )  # fmt: skip
            labels += sub_labels
            self.filenames += sub_files
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)
