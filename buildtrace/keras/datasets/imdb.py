"""IMDB movie reviews: word-index sequences labelled positive (1) or negative (0).

Mirrors: ``keras/datasets/imdb.py`` of Keras 2 (``load_data`` with ``num_words``,
``skip_top``, ``maxlen``, ``start_char``, ``oov_char``, ``index_from``; and
``get_word_index``). Offline (or with ``BUILDTRACE_OFFLINE=1``) a labelled stand-in of
the same shapes (see ``_fetch.py``), with shorter reviews.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from buildtrace.keras.datasets import _fetch, _sequences, _standins

FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"
VOCABULARY = 88587  # the largest word index in IMDB, plus one


def _raw(path: str, cache_dir: str | None) -> tuple[Any, Any, Any, Any]:
    fpath = _fetch.fetch("IMDB", path, _fetch.ORIGIN_FOLDER + "imdb.npz", file_hash=FILE_HASH,
                         cache_dir=cache_dir)  # fmt: skip
    if fpath is None:
        x, y = _standins.sequences(50000, 2, VOCABULARY, (10, 90), seed=4)
        return x[:25000], y[:25000], x[25000:], y[25000:]
    # Keras's checked file holds object arrays of lists: they need pickle, as in Keras.
    with np.load(fpath, allow_pickle=True) as f:
        return f["x_train"], f["y_train"], f["x_test"], f["y_test"]


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    cache_dir: str | None = None,
    **kwargs: Any,
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """``(x_train, y_train), (x_test, y_test)``: 25000 reviews each (lists of word indices).

    Mirrors: ``keras/datasets/imdb.py::load_data``.

    Raises:
        ValueError: ``maxlen`` filtered out every review (Keras's message).
    """
    num_words = _sequences.check_kwargs(kwargs, num_words)
    x_train, labels_train, x_test, labels_test = _raw(path, cache_dir)
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]
    train = _sequences.shift(x_train, start_char, index_from)
    test = _sequences.shift(x_test, start_char, index_from)
    if maxlen:
        train, labels_train = _sequences.remove_long(maxlen, train, labels_train)
        test, labels_test = _sequences.remove_long(maxlen, test, labels_test)
        if not train or not test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was "
                "kept. Increase maxlen."
            )
    xs = _sequences.limit_vocabulary(train + test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(train)
    return (_sequences.as_objects(xs[:idx]), labels[:idx]), (
        _sequences.as_objects(xs[idx:]),
        labels[idx:],
    )


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """Word -> index (1 is the most frequent word). Mirrors ``imdb.get_word_index``."""
    fpath = _fetch.fetch("the IMDB word index", path,
                         _fetch.ORIGIN_FOLDER + "imdb_word_index.json",
                         file_hash=WORD_INDEX_HASH)  # fmt: skip
    if fpath is None:
        return _standins.word_index(VOCABULARY)
    with open(fpath) as f:
        index: dict[str, int] = json.load(f)
    return index
