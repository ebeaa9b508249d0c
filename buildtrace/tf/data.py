"""``tf.data``: input pipelines a tutorial builds in a line, iterated by loops and ``fit``.

Mirrors: ``tensorflow/python/data/ops/dataset_ops.py::DatasetV2`` — the methods tutorials
chain (``from_tensor_slices``, ``shuffle``, ``batch``, ``map``, ``prefetch``, ``take``,
``repeat``...). A dataset is a recipe: each ``for`` over it runs the recipe afresh (a
shuffled dataset reshuffles every epoch, as ``reshuffle_each_iteration`` does). Elements
are tensors, in the structure the slices were given (a tuple, a dict...).

Example:
    >>> import numpy as np
    >>> ds = Dataset.from_tensor_slices((np.arange(5.0), np.arange(5))).batch(2)
    >>> [x.shape.as_list() for x, _ in ds]
    [[2], [2], [1]]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from buildtrace.tf import random as tf_random
from buildtrace.tf.tensors import Tensor, is_tensor, to_array
from buildtrace.tf.unsupported import Namespace, module_getattr, unsupported

#: ``tf.data.AUTOTUNE``: accepted wherever TensorFlow takes it, and means nothing here.
AUTOTUNE = -1


def _map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    if isinstance(structure, tuple | list):
        return type(structure)(_map_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: _map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)


def _leaves(structure: Any) -> list[Any]:
    if isinstance(structure, tuple | list):
        return [x for s in structure for x in _leaves(s)]
    if isinstance(structure, dict):
        return [x for k in structure for x in _leaves(structure[k])]
    return [structure]


def _row(x: Any, i: int) -> Tensor:
    return Tensor(to_array(x)[i])


def _as_tensor(x: Any) -> Any:
    return x if isinstance(x, Tensor) else Tensor(to_array(x))


class Dataset:
    """A sequence of elements, built from a recipe. Mirrors ``tf.data.Dataset``."""

    def __init__(self, make: Callable[[], Iterator[Any]], length: int | None) -> None:
        self._make = make
        self._length = length
        # Set on datasets made by from_tensor_slices (the arrays), and on their
        # full-buffer shuffle: `batch` then slices the arrays instead of stacking rows.
        self._slices: Any = None
        self._shuffled_slices: Any = None
        self._shuffle_rng: Any = None

    # ------------------------------------------------------------------ sources
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Dataset:
        """One element per row of ``tensors`` (a tuple/dict of arrays gives tuples/dicts).

        Raises:
            ValueError: the arrays have different numbers of rows (TensorFlow's message).
        """

        # A Python list is one tensor to tf.data, not a structure of them.
        structure = to_array(tensors) if isinstance(tensors, list) else tensors
        arrays = _map_structure(to_array, structure)
        sizes = {len(a) for a in _leaves(arrays)}
        if len(sizes) > 1:
            shapes = ", ".join(str(tuple(a.shape)) for a in _leaves(arrays))
            raise ValueError(
                "Dimensions "
                + " and ".join(str(len(a)) for a in _leaves(arrays))
                + f" in shapes {shapes} are not compatible: every component must have the "
                "same number of rows."
            )
        length = sizes.pop() if sizes else 0

        def make() -> Iterator[Any]:
            for i in range(length):
                yield _map_structure(functools.partial(_row, i=i), arrays)

        dataset = Dataset(make, length)
        dataset._slices = arrays
        return dataset

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> Dataset:
        """A dataset of exactly one element, ``tensors``."""
        element = _map_structure(_as_tensor, tensors)
        return Dataset(lambda: iter([element]), 1)

    @staticmethod
    def range(*args: int, **kwargs: Any) -> Dataset:
        """``0, 1, ..., n-1`` as int64 scalars. Mirrors ``Dataset.range``."""
        values = range(*args)
        return Dataset(lambda: (Tensor(np.int64(v)) for v in values), len(values))

    @staticmethod
    def zip(datasets: Any, name: str | None = None) -> Dataset:
        """Elements of several datasets side by side, as a tuple."""
        parts = tuple(datasets)
        lengths = [d._length for d in parts]
        known = [n for n in lengths if n is not None]
        return Dataset(lambda: zip(*(iter(d) for d in parts)), min(known) if known else None)

    # ---------------------------------------------------------- transformations
    def batch(self, batch_size: int, drop_remainder: bool = False, **kwargs: Any) -> Dataset:
        """Group consecutive elements into batches (the last one may be smaller)."""
        size = int(batch_size)
        if self._slices is not None or self._shuffled_slices is not None:
            return self._batch_slices(size, drop_remainder)

        def make() -> Iterator[Any]:
            bunch: list[Any] = []
            for element in self:
                bunch.append(element)
                if len(bunch) == size:
                    yield _stack(bunch)
                    bunch = []
            if bunch and not drop_remainder:
                yield _stack(bunch)

        length = None
        if self._length is not None:
            length = self._length // size if drop_remainder else -(-self._length // size)
        return Dataset(make, length)

    def _batch_slices(self, size: int, drop_remainder: bool) -> Dataset:
        """``batch`` straight from the arrays: each batch is one slice (or one gather)."""
        arrays = self._slices if self._slices is not None else self._shuffled_slices
        length = self._length or 0
        rng_for_this_pass = self._shuffle_rng

        def make() -> Iterator[Any]:
            order = None if rng_for_this_pass is None else rng_for_this_pass().permutation(length)
            stop = length - length % size if drop_remainder else length
            for start in range(0, stop, size):
                index: Any = (
                    slice(start, start + size) if order is None else order[start : start + size]
                )
                yield _map_structure(lambda a: Tensor(a[index]), arrays)  # noqa: B023

        batches = length // size if drop_remainder else -(-length // size)
        return Dataset(make, batches)

    def unbatch(self) -> Dataset:
        """Split batches back into elements."""

        def make() -> Iterator[Any]:
            for element in self:
                rows = len(_leaves(element)[0])
                for i in range(rows):
                    yield _map_structure(functools.partial(_row, i=i), element)

        return Dataset(make, None)

    def shuffle(
        self, buffer_size: int, seed: int | None = None, reshuffle_each_iteration: bool = True,
        name: str | None = None,
    ) -> Dataset:  # fmt: skip
        """Elements in a random order, drawn from a buffer of ``buffer_size``.

        Mirrors ``Dataset.shuffle``: the buffer fills with the first elements, and each
        output is a random pick from it, replaced by the next element.
        """
        size = max(int(buffer_size), 1)
        seeded = np.random.default_rng(seed) if seed is not None else None

        def rng_for_this_pass() -> np.random.Generator:
            if seed is not None and not reshuffle_each_iteration:
                return np.random.default_rng(seed)  # the same order every pass
            return seeded if seeded is not None else tf_random.generator()

        def make() -> Iterator[Any]:
            rng = rng_for_this_pass()
            if self._slices is not None and size >= len(self):
                # The whole dataset fits in the buffer: a permutation is the same draw,
                # and the rows stay arrays (no per-row tensors).
                yield from _slices_in_order(self._slices, rng.permutation(len(self)))
                return
            buffer: list[Any] = []
            for element in self:
                buffer.append(element)
                if len(buffer) >= size:
                    yield _pop_random(buffer, rng)
            while buffer:
                yield _pop_random(buffer, rng)

        shuffled = Dataset(make, self._length)
        shuffled._shuffled_slices = self._slices if size >= (self._length or 0) else None
        shuffled._shuffle_rng = rng_for_this_pass
        return shuffled

    def map(
        self, map_func: Callable[..., Any], num_parallel_calls: Any = None, **kwargs: Any
    ) -> Dataset:
        """``map_func`` applied to every element (a tuple element is passed as arguments)."""

        def make() -> Iterator[Any]:
            for element in self:
                out = map_func(*element) if isinstance(element, tuple) else map_func(element)
                yield _map_structure(_as_tensor, out)

        return Dataset(make, self._length)

    def filter(self, predicate: Callable[..., Any], name: str | None = None) -> Dataset:
        """Only the elements for which ``predicate`` is true."""

        def make() -> Iterator[Any]:
            for element in self:
                keep = predicate(*element) if isinstance(element, tuple) else predicate(element)
                if bool(to_array(keep)):
                    yield element

        return Dataset(make, None)

    def take(self, count: int, name: str | None = None) -> Dataset:
        """The first ``count`` elements (all of them for ``-1``)."""
        n = int(count)
        if n < 0:
            return self

        def make() -> Iterator[Any]:
            for i, element in enumerate(self):
                if i >= n:
                    return
                yield element

        return Dataset(make, None if self._length is None else min(n, self._length))

    def skip(self, count: int, name: str | None = None) -> Dataset:
        """All but the first ``count`` elements."""
        n = int(count)

        def make() -> Iterator[Any]:
            for i, element in enumerate(self):
                if i >= n:
                    yield element

        return Dataset(make, None if self._length is None else max(self._length - n, 0))

    def repeat(self, count: int | None = None, name: str | None = None) -> Dataset:
        """The dataset ``count`` times over (forever without ``count``)."""

        def make() -> Iterator[Any]:
            done = 0
            while count is None or count < 0 or done < count:
                yield from self
                done += 1

        length = (
            None if count is None or count < 0 or self._length is None else self._length * count
        )
        return Dataset(make, length)

    def prefetch(self, buffer_size: Any = None, name: str | None = None) -> Dataset:
        """The same elements (prefetching overlaps work in TensorFlow; nothing to overlap here)."""
        return self

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """The same elements (they are in memory already)."""
        return self

    def with_options(self, options: Any, name: str | None = None) -> Dataset:
        """The same dataset (options tune TensorFlow's runtime)."""
        return self

    # ----------------------------------------------------------------- reading
    def __iter__(self) -> Iterator[Any]:
        return self._make()

    def as_numpy_iterator(self) -> Iterator[Any]:
        """The elements as numpy arrays."""
        for element in self:
            yield _map_structure(to_array, element)

    def cardinality(self) -> Tensor:
        """The number of elements, or -2 when unknown (TensorFlow's ``UNKNOWN``)."""
        return Tensor(np.int64(-2 if self._length is None else self._length))

    def __len__(self) -> int:
        if self._length is None:
            raise TypeError("The dataset length is unknown.")
        return self._length

    @property
    def element_spec(self) -> Any:
        """The structure of one element (shape and dtype of each part)."""
        first = next(iter(self))
        return _map_structure(lambda t: (t.shape, t.dtype), first)

    def __repr__(self) -> str:
        return f"<Dataset length={self._length}>"


class TextLineDataset(Dataset):
    """The lines of text files, one string element each. Mirrors ``tf.data.TextLineDataset``.

    Each file is read afresh on each pass, line by line, without the line endings
    (``\n`` or ``\r\n``); a last line without an ending is kept.
    """

    def __init__(
        self,
        filenames: Any,
        compression_type: str | None = None,
        buffer_size: int | None = None,
        num_parallel_reads: int | None = None,
        name: str | None = None,
    ) -> None:
        if compression_type not in (None, ""):
            raise unsupported(f"tf.data.TextLineDataset(compression_type={compression_type!r})")
        paths = [filenames] if isinstance(filenames, str | Tensor) else list(filenames)
        files = [str(to_array(p).item()) if is_tensor(p) else str(p) for p in paths]

        def make() -> Iterator[Any]:
            for path in files:
                with open(path, encoding="utf-8", newline="") as f:
                    for line in f.read().splitlines():
                        yield Tensor(np.array(line))

        super().__init__(make, None)


def _pop_random(buffer: list[Any], rng: np.random.Generator) -> Any:
    """Take a random element out of ``buffer`` in O(1): swap it with the last, pop."""
    i = int(rng.integers(len(buffer)))
    buffer[i], buffer[-1] = buffer[-1], buffer[i]
    return buffer.pop()


def _slices_in_order(arrays: Any, order: np.ndarray) -> Iterator[Any]:
    for i in order:
        yield _map_structure(functools.partial(_row, i=int(i)), arrays)


def _stack(elements: list[Any]) -> Any:
    first = elements[0]
    if isinstance(first, tuple | list):
        return type(first)(_stack([e[i] for e in elements]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _stack([e[k] for e in elements]) for k in first}
    return Tensor(np.stack([to_array(e) for e in elements]))


def is_dataset(x: Any) -> bool:
    """Whether ``x`` is a :class:`Dataset` (``fit`` takes one as its ``x``)."""
    return isinstance(x, Dataset)


experimental = Namespace(
    "tf.data.experimental", "Mirrors `tf.data.experimental`.", {"AUTOTUNE": AUTOTUNE}
)

__all__ = ["AUTOTUNE", "Dataset", "TextLineDataset", "experimental", "is_dataset", "is_tensor"]

__getattr__ = module_getattr("tf.data")
