"""What ``imdb.load_data`` and ``reuters.load_data`` do to the raw word-index sequences.

Mirrors the shared body of ``keras/datasets/imdb.py`` and ``reuters.py``: shift every
index by ``index_from``, prepend ``start_char``, drop sequences of ``maxlen`` words or
more, and replace words outside ``[skip_top, num_words)`` by ``oov_char`` (or drop them).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def shift(xs: Any, start_char: int | None, index_from: int) -> list[list[int]]:
    """Reserve the low indices: 0 padding, 1 start, 2 out-of-vocabulary."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def remove_long(
    maxlen: int, seqs: list[list[int]], labels: Any
) -> tuple[list[list[int]], list[Any]]:
    """Keep the sequences shorter than ``maxlen``. Mirrors ``_remove_long_seq``."""
    kept = [(x, y) for x, y in zip(seqs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_vocabulary(
    xs: list[list[int]], num_words: int | None, skip_top: int, oov_char: int | None
) -> list[list[int]]:
    """Words outside ``[skip_top, num_words)`` become ``oov_char`` (or are dropped)."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def as_objects(xs: list[list[int]]) -> np.ndarray:
    """An object array of lists, as Keras returns (never a 2-D array, even if all equal)."""
    out = np.empty(len(xs), dtype=object)
    out[:] = xs
    return out


def check_kwargs(kwargs: dict[str, Any], num_words: int | None) -> int | None:
    """Keras's legacy ``nb_words`` and its error for anything else."""
    if "nb_words" in kwargs:
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs}.")
    return num_words
