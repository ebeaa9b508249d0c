"""``pad_sequences``: lists of word indices -> one rectangular array.

Mirrors: ``keras/utils/data_utils.py::pad_sequences`` of Keras 2 (also exported as
``keras.preprocessing.sequence.pad_sequences``), the step every IMDB and Reuters
tutorial takes before an ``Embedding``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def pad_sequences(
    sequences: Any,
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """Pad (or cut) every sequence to ``maxlen`` (default: the longest one).

    Mirrors: ``keras/utils/data_utils.py::pad_sequences``: ``"pre"`` pads or cuts at the
    start, ``"post"`` at the end.

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2).tolist()
        [[2, 3], [0, 4]]

    Raises:
        ValueError: an unknown ``padding``/``truncating`` value (Keras's message).
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths = [len(s) for s in sequences]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    sample_shape: tuple[int, ...] = ()
    for seq in sequences:
        if len(seq):
            sample_shape = np.asarray(seq).shape[1:]
            break
    out = np.full((len(sequences), maxlen, *sample_shape), value, dtype=dtype)
    for index, seq in enumerate(sequences):
        if not len(seq):
            continue
        if truncating == "pre":
            trunc = np.asarray(seq[-maxlen:], dtype=dtype) if maxlen else seq[:0]
        elif truncating == "post":
            trunc = np.asarray(seq[:maxlen], dtype=dtype)
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        if padding == "post":
            out[index, : len(trunc)] = trunc
        elif padding == "pre":
            out[index, maxlen - len(trunc) :] = trunc
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return out
