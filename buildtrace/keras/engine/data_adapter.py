"""From arrays to batches: what ``fit``, ``evaluate`` and ``predict`` iterate over.

Mirrors, much simplified: ``keras/engine/data_adapter.py`` (``DataHandler``,
``TensorLikeDataAdapter``, ``KerasSequenceAdapter``, ``train_validation_split``,
``unpack_x_y_sample_weight``, ``_make_class_weight_map_fn``). numpy arrays, lists and
dicts of them (several inputs or outputs), ``keras.utils.Sequence`` objects, Python
generators of batches (``GeneratorDataAdapter``) and batched ``tf.data`` datasets (read
once into arrays) are supported.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.tf.data import Dataset

Data = tuple[Any, ...]


def _as_arrays(x: Any) -> Any:
    """numpy arrays; floats become float32 as Keras's data adapter makes them."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {key: _as_arrays(value) for key, value in x.items()}
    if isinstance(x, list | tuple):
        return [_as_arrays(v) for v in x]
    array = np.asarray(x)
    if array.dtype.kind == "f" and array.dtype != np.float32:
        array = array.astype(np.float32)
    return array


def conform_to_reference_input(value: Any, dtype: Any) -> Any:
    """A batch of numpy data as the dtype of the model input it feeds.

    Mirrors: ``Functional._conform_to_reference_input``: Keras casts an input whose dtype
    differs from its ``keras.Input``'s (bool or int data into a float32 input) before any
    layer sees it, so a layer's forward and backward passes work on float32. Tensors of
    a hand-written loop pass unchanged (a cast would cut them off the tape).
    """
    if type(value) is np.ndarray and value.dtype != dtype and value.dtype.kind in "biuf":
        return value.astype(dtype)
    return value


def _first(x: Any) -> Any:
    if isinstance(x, dict):
        return _first(next(iter(x.values())))
    if isinstance(x, list):
        return _first(x[0])
    return x


def first_array(x: Any) -> Any:
    """The first input array of ``x`` (a list or dict of inputs gives its first), for the
    batch size: ``len`` of a list of two inputs is 2, not the number of samples."""
    while isinstance(x, list | tuple | dict):
        x = next(iter(x.values())) if isinstance(x, dict) else x[0]
    return x


def _num_samples(x: Any) -> int:
    return int(_first(x).shape[0])


def _take(x: Any, index: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, dict):
        return {key: _take(value, index) for key, value in x.items()}
    if isinstance(x, list):
        return [_take(v, index) for v in x]
    return x[index]


def is_sequence(x: Any) -> bool:
    """True for a ``keras.utils.Sequence`` (batches by index)."""
    from buildtrace.keras.utils.data_utils import Sequence

    return isinstance(x, Sequence)


def is_generator(x: Any) -> bool:
    """True for a Python generator or any other iterator of batches (not a ``Sequence``).

    Mirrors: ``GeneratorDataAdapter.can_handle``: Keras 1's ``fit_generator`` data, an
    endless ``while True: yield x, y`` loop, or ``iter(...)`` of a list of batches.
    """
    return isinstance(x, Iterator) and not is_sequence(x)


def unpack_x_y_sample_weight(data: Any) -> Data:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` -> the three parts."""
    if isinstance(data, tuple):
        if len(data) == 1:
            return data[0], None, None
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data[0], data[1], data[2]
        raise ValueError(
            "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
            f"found: {data}"
        )
    return data, None, None


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> tuple[Any, ...]:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``: what a ``train_step`` receives.

    Mirrors: ``data_adapter.pack_x_y_sample_weight``, so that a custom ``train_step``
    that writes ``x, y = data`` works as in Keras.
    """
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def train_validation_split(arrays: Data, validation_split: float) -> tuple[Data, Data]:
    """Split off the *last* ``validation_split`` of the samples, unshuffled, as Keras does."""
    x, y, sample_weight = arrays
    if is_sequence(x):
        raise ValueError(
            "`validation_split` is only supported for Tensors or NumPy arrays, "
            f"found following types in the input: {[type(x)]}"
        )
    if not 0 < validation_split < 1:
        raise ValueError(
            "`validation_split` must be between 0 and 1. "
            f"Received: validation_split={validation_split}"
        )
    x, y, sample_weight = _as_arrays(x), _as_arrays(y), _as_arrays(sample_weight)
    n = _num_samples(x)
    split_at = math.floor(n * (1.0 - validation_split))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a "
            f"validation and training set as specified by `validation_split={validation_split}`."
            " Either provide more data, or a different value for the `validation_split` "
            "argument."
        )
    head, tail = slice(0, split_at), slice(split_at, n)
    return (
        (_take(x, head), _take(y, head), _take(sample_weight, head)),
        (_take(x, tail), _take(y, tail), _take(sample_weight, tail)),
    )


def class_weights_to_sample_weights(class_weight: dict[int, float]) -> Any:
    """A function ``(y, sample_weight) -> sample_weight`` weighting each sample by its class.

    Mirrors: ``data_adapter._make_class_weight_map_fn``: the class of a sample is its
    label, or the argmax of a one-hot row; the weights multiply any ``sample_weight``.

    Raises:
        ValueError: the keys are not the classes ``0..n-1`` (Keras's message).
    """
    keys = sorted(class_weight)
    if keys != list(range(len(keys))):
        raise ValueError(
            "Expected `class_weight` to be a dict with keys from 0 to one less than the "
            f"number of classes, found {class_weight}"
        )
    table = np.asarray([class_weight[k] for k in keys], np.float32)

    def apply(y: Any, sample_weight: Any) -> Any:
        if isinstance(y, dict | list):
            raise ValueError("`class_weight` is only supported for Models with a single output.")
        labels = np.asarray(y)
        if labels.ndim == 2 and labels.shape[1] > 1:
            labels = np.argmax(labels, axis=1)
        elif labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        weights = table[labels.astype(np.int64)]
        return weights if sample_weight is None else weights * sample_weight

    return apply


class DataHandler:
    """Batches of ``(x, y, sample_weight)`` for each epoch.

    Mirrors: ``keras/engine/data_adapter.py::DataHandler``.

    Args:
        x, y, sample_weight: numpy arrays (or lists/dicts of them) with the same first
            dimension; or ``x`` a ``keras.utils.Sequence`` and ``y`` None.
        batch_size: samples per batch (Keras's default: 32); the last batch may be smaller.
        steps_per_epoch: batches per epoch; batches then continue where the previous
            epoch stopped, cycling through the data, as in Keras.
        initial_epoch, epochs: the epochs to run.
        shuffle: a new random order of the samples on every pass.
        class_weight: ``{class: weight}``, turned into per-sample weights batch by batch.
    """

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps_per_epoch: int | None = None,
        initial_epoch: int = 0,
        epochs: int = 1,
        shuffle: bool = False,
        class_weight: dict[int, float] | None = None,
    ) -> None:
        if isinstance(x, Dataset):
            x, y, sample_weight, batch_size = _from_dataset(x, steps_per_epoch)
        # Set when a generator ran out before `steps_per_epoch * epochs` batches: training
        # then stops after the epoch it ran out in, with Keras's warning. (A dict the
        # generator of batches can hold: holding the handler itself would be a cycle.)
        self._status = {"insufficient_data": False}
        if is_generator(x) and steps_per_epoch is None:
            # No step count: Keras runs the first epoch until the generator is exhausted.
            # buildtrace reads it out first, so that the epoch's length is known up front.
            batches = list(x)
            if not batches:
                raise ValueError("Expected input data to be non-empty.")
            x, steps_per_epoch = iter(batches), len(batches)
        # Where ready-made batches come from: a Sequence (by index) or a generator (in turn).
        self._source = x if is_sequence(x) or is_generator(x) else None
        if self._source is not None:
            if y is not None or sample_weight is not None:
                raise ValueError(
                    "`y` argument is not supported when using "
                    + ("`keras.utils.Sequence`" if is_sequence(x) else "python generators")
                    + " as input."
                )
            self.x = self.y = self.sample_weight = None
            self.num_samples = 0
            self.batch_size = 0
            # A generator's size is the step count (given, or counted just above).
            size = len(x) if is_sequence(x) else int(steps_per_epoch or 0)
        else:
            self.x, self.y = _as_arrays(x), _as_arrays(y)
            self.sample_weight = _as_arrays(sample_weight)
            self.num_samples = _num_samples(self.x)
            for name, value in (("y", self.y), ("sample_weight", self.sample_weight)):
                if value is not None and _num_samples(value) != self.num_samples:
                    raise ValueError(
                        "Data cardinality is ambiguous:\n"
                        f"  x sizes: {self.num_samples}\n  {name} sizes: {_num_samples(value)}\n"
                        "Make sure all arrays contain the same number of samples."
                    )
            if batch_size is not None and batch_size <= 0:
                raise ValueError(f"Expected `batch_size` to be positive, received: {batch_size}")
            self.batch_size = batch_size or 32
            size = math.ceil(self.num_samples / self.batch_size)
        self._user_steps = steps_per_epoch
        self.inferred_steps = steps_per_epoch or size
        self.initial_epoch, self.epochs, self.shuffle = initial_epoch, epochs, shuffle
        self._class_weight_fn = (
            class_weights_to_sample_weights(class_weight) if class_weight else None
        )
        self._stream: Iterator[Data] | None = None

    def enumerate_epochs(self) -> Iterator[tuple[int, Iterator[Data]]]:
        """``(epoch, batches)`` for each epoch; ``batches`` yields ``inferred_steps`` items."""
        for epoch in range(self.initial_epoch, self.epochs):
            if self._stream is None or self._user_steps is None:
                self._stream = self._new_stream()
            stream = self._stream
            batches: Iterator[Data] = itertools.islice(stream, self.inferred_steps)
            if self._class_weight_fn is not None:
                batches = _weighted(batches, self._class_weight_fn)
            yield epoch, batches
            if self._status["insufficient_data"]:
                break
            if self._source is not None and is_sequence(self._source):
                self._source.on_epoch_end()  # Keras calls it after every epoch

    def _new_stream(self) -> Iterator[Data]:
        source = self._source
        if source is not None and is_generator(source):
            wanted = self.inferred_steps * (self.epochs - self.initial_epoch)
            return _generator_batches(source, self._status, wanted)
        if source is not None:
            return _sequence_batches(source, self.shuffle)
        return _batches(self.x, self.y, self.sample_weight, self.batch_size, self.shuffle)


def _weighted(batches: Iterator[Data], weigh: Any) -> Iterator[Data]:
    for batch in batches:
        x, y, sample_weight = unpack_x_y_sample_weight(batch)
        yield pack_x_y_sample_weight(x, y, weigh(y, sample_weight))


def _batch_as_arrays(batch: Any) -> Data:
    """A ready-made batch (from a ``Sequence`` or a generator) with its parts as arrays."""
    x, y, sample_weight = unpack_x_y_sample_weight(batch)
    return pack_x_y_sample_weight(_as_arrays(x), _as_arrays(y), _as_arrays(sample_weight))


def _sequence_batches(sequence: Any, shuffle: bool) -> Iterator[Data]:
    """A ``Sequence``'s batches, cycled (a shuffled order of indices with ``shuffle``)."""
    while True:
        size = len(sequence)
        order = backend.rng().permutation(size) if shuffle else range(size)
        for index in order:
            yield _batch_as_arrays(sequence[int(index)])


def _generator_batches(
    generator: Iterator[Any], status: dict[str, bool], wanted: int
) -> Iterator[Data]:
    """A generator's batches as arrays, in the order it yields them (never shuffled).

    When it runs out early, Keras logs its warning and stops after the current epoch
    (``DataHandler.catch_stop_iteration``): a plain generator cannot be rewound.
    """
    for batch in generator:
        yield _batch_as_arrays(batch)
    # Reached only when a batch was asked for and there was none (``islice`` never asks
    # for more than the epoch's steps): the data ran out before the last epoch ended.
    status["insufficient_data"] = True
    logging.getLogger("buildtrace.keras").warning(
        "Your input ran out of data; interrupting training. Make sure that your dataset or "
        "generator can generate at least `steps_per_epoch * epochs` batches (in this case, "
        "%d batches). You may need to use the repeat() function when building your dataset.",
        wanted,
    )


def _from_dataset(dataset: Dataset, steps: int | None) -> tuple[Any, Any, Any, int]:
    """A batched ``tf.data`` pipeline as arrays and its batch size, read once.

    Keras iterates the dataset itself; buildtrace reads its batches (the first ``steps``
    of an endless one) and joins them, so that ``fit``'s loop stays the one for arrays.
    """
    batches = [unpack_x_y_sample_weight(b) for b, _ in zip(dataset, range(steps or 2**62))]
    if not batches:
        raise ValueError("Expected input data to be non-empty.")

    def joined(part: int) -> Any:
        first = batches[0][part]
        if first is None:
            return None
        if isinstance(first, dict):  # inputs by name (the endpoint-layer pattern's data)
            return {
                key: np.concatenate([np.asarray(b[part][key]) for b in batches]) for key in first
            }
        if isinstance(first, list | tuple):
            return [
                np.concatenate([np.asarray(b[part][i]) for b in batches]) for i in range(len(first))
            ]
        return np.concatenate([np.asarray(b[part]) for b in batches])

    return joined(0), joined(1), joined(2), _num_samples(_as_arrays(batches[0][0]))


def _batches(x: Any, y: Any, sample_weight: Any, batch_size: int, shuffle: bool) -> Iterator[Data]:
    """An endless stream of batches, reshuffled on every pass through the data.

    A function rather than a ``DataHandler`` method: a generator that held the handler
    while the handler holds it would be a reference cycle, and each ``fit`` would leave
    its handler (and a batch or two of data) for the garbage collector to find.
    """
    num_samples = _num_samples(x)
    while True:
        order = backend.rng().permutation(num_samples) if shuffle else None
        for start in range(0, num_samples, batch_size):
            # Unshuffled batches are slices: views, no copy.
            index: Any = (
                order[start : start + batch_size]
                if order is not None
                else slice(start, start + batch_size)
            )
            yield pack_x_y_sample_weight(
                _take(x, index), _take(y, index), _take(sample_weight, index)
            )
