"""``IntegerLookup``: integer values (ids, codes) to contiguous indices. Mirrors:
``keras/layers/preprocessing/integer_lookup.py::IntegerLookup`` (Keras 2)."""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.layers.preprocessing.index_lookup import IndexLookup
from buildtrace.trace import traced


class IntegerLookup(IndexLookup):
    """Map integers to indices from a vocabulary given or adapted.

    Example:
        >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
        >>> layer(np.array([[12, 1138, 42], [42, 1000, 36]])).numpy()
        array([[1, 3, 4],
               [4, 0, 2]])
    """

    @traced
    def __init__(
        self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: Any = None,
        oov_token: Any = -1, vocabulary: Any = None, vocabulary_dtype: str = "int64",
        idf_weights: Any = None, invert: bool = False, output_mode: str = "int",
        sparse: bool = False, pad_to_max_tokens: bool = False, **kwargs: Any,
    ) -> None:  # fmt: skip
        if not np.issubdtype(np.dtype(vocabulary_dtype), np.integer):
            raise ValueError(
                f"`vocabulary_dtype` must be an integer dtype. Received: {vocabulary_dtype}"
            )
        if output_mode != "int" and kwargs.get("dtype") == "int64":
            del kwargs["dtype"]
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                "If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                f"Received: max_tokens={max_tokens}."
            )
        if num_oov_indices < 0:
            raise ValueError(
                "The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                f"Received num_oov_indices={num_oov_indices}."
            )
        super().__init__(
            max_tokens=max_tokens, num_oov_indices=num_oov_indices,
            mask_token=None if mask_token is None else int(mask_token),
            oov_token=None if oov_token is None else int(oov_token), vocabulary=vocabulary,
            vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights, invert=invert,
            output_mode=output_mode, sparse=sparse, pad_to_max_tokens=pad_to_max_tokens,
            **kwargs,
        )  # fmt: skip
