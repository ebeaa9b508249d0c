"""``StringLookup``: strings to integer indices. Mirrors:
``keras/layers/preprocessing/string_lookup.py::StringLookup`` (Keras 2)."""

from __future__ import annotations

from typing import Any

from buildtrace.keras.layers.preprocessing.index_lookup import IndexLookup
from buildtrace.trace import traced


class StringLookup(IndexLookup):
    """Map strings to indices from a vocabulary given or adapted.

    Example:
        >>> import numpy as np
        >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
        >>> layer(np.array([["a", "c", "d"], ["d", "z", "b"]])).numpy()
        array([[1, 3, 4],
               [4, 0, 2]])
    """

    @traced
    def __init__(
        self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: Any = None,
        oov_token: str = "[UNK]", vocabulary: Any = None, idf_weights: Any = None,
        encoding: str = "utf-8", invert: bool = False, output_mode: str = "int",
        sparse: bool = False, pad_to_max_tokens: bool = False, **kwargs: Any,
    ) -> None:  # fmt: skip
        if kwargs.get("dtype") == "string":
            del kwargs["dtype"]
        self.encoding = encoding
        super().__init__(
            max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
            oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype="string",
            idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens, **kwargs,
        )  # fmt: skip

    def _token(self, value: Any) -> Any:
        # TensorFlow strings are bytes; buildtrace keys them as text.
        return value.decode(self.encoding) if isinstance(value, bytes) else str(value)

    def _sort_key(self, token: Any) -> Any:
        # Keras sorts tied tokens as TensorFlow strings: by their encoded bytes.
        return str(token).encode(self.encoding)

    def _oov_index(self, key: Any) -> int:
        raise NotImplementedError(
            "StringLookup with num_oov_indices > 1 hashes unknown strings with FarmHash, which "
            "buildtrace does not have. Use num_oov_indices=1."
        )

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "encoding": self.encoding}
        del config["vocabulary_dtype"]
        return config
