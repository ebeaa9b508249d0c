"""Reuters newswires: word-index sequences labelled with one of 46 topics.

Mirrors: ``keras/datasets/reuters.py`` of Keras 2 (``load_data`` with ``test_split``
and the same sequence options as IMDB; ``get_word_index``; ``get_label_names``).
Offline (or with ``BUILDTRACE_OFFLINE=1``) a labelled stand-in of the same shapes.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from buildtrace.keras.datasets import _fetch, _sequences, _standins

FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
VOCABULARY = 30982
SAMPLES = 11228
LABELS = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    cache_dir: str | None = None,
    **kwargs: Any,
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """``(x_train, y_train), (x_test, y_test)``: 8982 and 2246 newswires, int64 topics 0-45.

    Mirrors: ``keras/datasets/reuters.py::load_data``.
    """
    num_words = _sequences.check_kwargs(kwargs, num_words)
    fpath = _fetch.fetch("Reuters", path, _fetch.ORIGIN_FOLDER + "reuters.npz",
                         file_hash=FILE_HASH, cache_dir=cache_dir)  # fmt: skip
    if fpath is None:
        xs_raw, labels = _standins.sequences(SAMPLES, len(LABELS), VOCABULARY, (15, 120), seed=5)
    else:
        with np.load(fpath, allow_pickle=True) as f:  # Keras's checked file (object arrays)
            xs_raw, labels = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs_raw))
    rng.shuffle(indices)
    xs_raw, labels = xs_raw[indices], labels[indices]
    xs = _sequences.shift(xs_raw, start_char, index_from)
    kept_labels: Any = labels
    if maxlen:
        xs, kept_labels = _sequences.remove_long(maxlen, xs, labels)
    xs = _sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return (_sequences.as_objects(xs[:idx]), np.array(kept_labels[:idx])), (
        _sequences.as_objects(xs[idx:]),
        np.array(kept_labels[idx:]),
    )


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """Word -> index. Mirrors ``reuters.get_word_index``."""
    fpath = _fetch.fetch("the Reuters word index", path,
                         _fetch.ORIGIN_FOLDER + "reuters_word_index.json",
                         file_hash=WORD_INDEX_HASH)  # fmt: skip
    if fpath is None:
        return _standins.word_index(VOCABULARY)
    with open(fpath) as f:
        index: dict[str, int] = json.load(f)
    return index


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, by label. Mirrors ``reuters.get_label_names``."""
    return LABELS
