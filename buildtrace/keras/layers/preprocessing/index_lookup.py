"""``IndexLookup``: the vocabulary machinery behind ``StringLookup`` and ``IntegerLookup``.

Mirrors: ``keras/layers/preprocessing/index_lookup.py::IndexLookup`` (Keras 2). A token's
index is its place in the vocabulary, after the reserved indices: the mask token (index
0, when there is one and the output is ``int``), then ``num_oov_indices`` out-of-vocabulary
indices. ``adapt`` counts the tokens; the vocabulary is the most frequent first, ties
broken by the token's sort order, high to low (Keras's ``np.lexsort(...)[::-1]``).

Left out: ``output_mode="tf_idf"``, ``sparse=True``, and several OOV indices for strings
(Keras hashes them with FarmHash); each says so when asked for. The lookup table is a
Python dict; Keras's ``StaticHashTable`` is not a weight either.
"""

from __future__ import annotations

import collections
import os
from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.engine.base_preprocessing_layer import PreprocessingLayer
from buildtrace.keras.layers.preprocessing import preprocessing_utils as utils
from buildtrace.trace import traced

MODES = (utils.INT, utils.ONE_HOT, utils.MULTI_HOT, utils.COUNT)


class IndexLookup(PreprocessingLayer):
    """Tokens to indices (or back, with ``invert=True``). Use ``StringLookup`` or
    ``IntegerLookup``, which fix the vocabulary's dtype."""

    def __init__(
        self, max_tokens: int | None, num_oov_indices: int, mask_token: Any, oov_token: Any,
        vocabulary_dtype: str, vocabulary: Any = None, idf_weights: Any = None,
        invert: bool = False, output_mode: str = "int", sparse: bool = False,
        pad_to_max_tokens: bool = False, vocabulary_size: int | None = None,
        has_input_vocabulary: bool | None = None, has_static_table: Any = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        # The last three are what a saved config adds (the size of an adapted vocabulary,
        # whose tokens are in the file's assets).
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"If pad_to_max_tokens is True, must set `max_tokens`. Received: "
                f"max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                "`num_oov_indices` must be greater than or equal to 0. Received: "
                f"num_oov_indices={num_oov_indices}"
            )
        output_mode = utils.MULTI_HOT if output_mode == "binary" else output_mode
        if output_mode in ("tf_idf", "tf-idf") or idf_weights is not None:
            raise NotImplementedError(
                f"`{type(self).__name__}(output_mode='tf_idf')` is not supported by buildtrace."
            )
        utils.validate_string_arg(output_mode, MODES, type(self).__name__, "output_mode")
        if invert and output_mode != utils.INT:
            raise ValueError(
                "`output_mode` must be `'int'` when `invert` is true. "
                f"Received: output_mode={output_mode}"
            )
        utils.check_not_sparse(sparse, type(self).__name__)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self._frozen_vocab_size = vocabulary_size
        self.input_vocabulary = vocabulary
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = (
            vocabulary is not None if has_input_vocabulary is None else has_input_vocabulary
        )
        kwargs.setdefault("dtype", "int64" if output_mode == utils.INT else backend.floatx())
        super().__init__(**kwargs)
        # token -> index (or index -> token when inverted), without the reserved ones.
        self._table: dict[Any, Any] = {}
        self._token_counts: collections.Counter[Any] = collections.Counter()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary)

    # ------------------------------------------------------------------ the vocabulary
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == utils.INT else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def _token(self, value: Any) -> Any:
        """One token as the table keys it (``str`` or ``int``)."""
        return int(value)

    def vocabulary_size(self) -> int:
        """The vocabulary's size, mask and OOV indices included."""
        return len(self._table) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        """The vocabulary in index order: a token's index is its place in this list."""
        by_index = {v: k for k, v in self._table.items()} if not self.invert else self._table
        vocab = [by_index.get(i, self.oov_token) for i in range(self.vocabulary_size())]
        if self.mask_token is not None and self.output_mode == utils.INT:
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[self._token_start_index() :]

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary directly (a list, an array, or a file with one per line)."""
        if isinstance(vocabulary, str) and os.path.exists(vocabulary):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = f.read().split("\n")
        elif isinstance(vocabulary, str):
            raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
        tokens = [self._token(t) for t in utils.listify_tensors(np.asarray(vocabulary))]
        if not tokens:
            raise ValueError(f"Cannot set an empty vocabulary, you passed {vocabulary}.")
        start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * (
            self.num_oov_indices
        )
        if tokens[:start] == special:
            tokens = tokens[start:]
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please uniquify your "
                f"dataset. The repeated terms are {repeated}"
            )
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(
                "Found reserved mask token at unexpected location in `vocabulary`. Note that "
                "passed `vocabulary` does not need to include the OOV and mask tokens. Either "
                "remove all mask and OOV tokens, or include them only at the start of the "
                f"vocabulary in precisely this order: {special}. "
                f"Received: mask_token={self.mask_token}"
            )
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Passed "
                f"vocab size is {start + len(tokens)}, max vocab size is {self.max_tokens}."
            )
        self._set_tokens(tokens)

    def _set_tokens(self, tokens: list[Any]) -> None:
        indices = range(self._token_start_index(), self._token_start_index() + len(tokens))
        pairs = zip(indices, tokens) if self.invert else zip(tokens, indices)
        self._table = dict(pairs)
        self._record_vocabulary_size()

    def _record_vocabulary_size(self) -> None:
        size = self.vocabulary_size()
        frozen = self._frozen_vocab_size
        fixed = self.output_mode != utils.INT and not self.pad_to_max_tokens
        if fixed and frozen is not None and size != frozen:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "the vocabulary size cannot be changed after the layer is called. Old "
                f"vocab size is {frozen}, new vocab size is {size}"
            )
        self._frozen_vocab_size = size

    def save_assets(self, dir_path: str) -> None:
        """An adapted vocabulary, one token a line, in ``vocabulary.txt`` (as Keras)."""
        if self.input_vocabulary:
            return
        vocabulary = self.get_vocabulary(include_special_tokens=True)
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in vocabulary))

    def load_assets(self, dir_path: str) -> None:
        """Set the vocabulary ``save_assets`` wrote."""
        if self.input_vocabulary:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        self.set_vocabulary([self._token(line) for line in lines])

    # ------------------------------------------------------------------ adapt
    @traced
    def update_state(self, data: Any) -> None:
        """Count every token of the batch."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt {type(self).__name__} layer after setting a static vocabulary "
                "via init argument or `set_vocabulary`."
            )
        flat = np.asarray(data).reshape(-1)
        self._token_counts.update(self._token(t) for t in flat.tolist())

    @traced
    def finalize_state(self) -> None:
        """The vocabulary: most frequent first, ties by token from high to low."""
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = {t: n for t, n in self._token_counts.items()
                  if t != self.mask_token and t != self.oov_token}  # fmt: skip
        tokens = sorted(counts, key=lambda t: (counts[t], self._sort_key(t)), reverse=True)
        if self.max_tokens:
            tokens = tokens[: self.max_tokens - self._token_start_index()]
        self._set_tokens(tokens)
        self.reset_state()

    def _sort_key(self, token: Any) -> Any:
        return token

    def reset_state(self) -> None:
        if self._has_input_vocabulary:
            return
        self._token_counts = collections.Counter()

    # ------------------------------------------------------------------ call
    @traced
    def call(self, inputs: Any) -> np.ndarray:
        fixed = self.output_mode != utils.INT and not self.pad_to_max_tokens
        if fixed and self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data."
            )
        x = np.asarray(inputs)
        lookups = self._lookup(x.reshape(-1)).reshape(x.shape)
        if self.output_mode == utils.INT or self.invert:
            return lookups
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        return utils.encode_categorical_inputs(lookups, self.output_mode, depth or 0, self.dtype)

    def _lookup(self, flat: np.ndarray) -> np.ndarray:
        if self.invert:  # indices back to tokens
            keys = [int(t) for t in flat.tolist()]
            values = [self.mask_token if (k == 0 and self.mask_token is not None)
                      else self._table.get(k, self.oov_token) for k in keys]  # fmt: skip
            return np.array(values, dtype=object if self.vocabulary_dtype == "string" else None)
        keys = [self._token(t) for t in flat.tolist()]
        default = self._oov_start_index() if self.num_oov_indices == 1 else -1
        found = [self._table.get(k, default) for k in keys]
        if self.mask_token is not None:
            mask_value = 0 if self.output_mode == utils.INT else np.iinfo(np.int64).max
            found = [mask_value if k == self.mask_token else v for k, v in zip(keys, found)]
        if self.num_oov_indices == 0 and -1 in found:
            oov = [k for k, v in zip(keys, found) if v == -1]
            raise ValueError(
                "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV "
                f"values {oov}, consider setting `num_oov_indices=1`."
            )
        if self.num_oov_indices > 1:
            found = [self._oov_index(k) if v == -1 else v for k, v in zip(keys, found)]
        return np.array(found, dtype=np.int64)

    def _oov_index(self, key: Any) -> int:
        """Several OOV indices: integers go to ``key mod num_oov_indices`` (Keras's rule)."""
        return int(key) % self.num_oov_indices + self._oov_start_index()

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self.output_mode == utils.INT:
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        batch, *_ = tuple(input_shape)
        return (batch, depth)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": utils.listify_tensors(self.input_idf_weights),
            "vocabulary": utils.listify_tensors(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
        }
