"""``keras.preprocessing.text``: the ``Tokenizer`` of Keras 2's text tutorials.

Mirrors: ``keras/preprocessing/text.py`` of Keras 2 (from ``keras_preprocessing``):
``text_to_word_sequence``, ``one_hot``, ``hashing_trick`` and ``Tokenizer``. Words are
numbered from 1 by falling frequency (ties keep first-seen order); 0 is never a word, it is
what ``pad_sequences`` pads with.

Example:
    >>> t = Tokenizer(num_words=4)
    >>> t.fit_on_texts(["the cat sat", "the dog"])
    >>> t.word_index["the"], t.texts_to_sequences(["the dog sat"])
    (1, [[1, 3]])
"""

from __future__ import annotations

import json
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from hashlib import md5
from typing import Any

import numpy as np

from buildtrace.keras.unsupported import module_getattr

__all__ = ["Tokenizer", "hashing_trick", "one_hot", "text_to_word_sequence"]

_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(
    input_text: str, filters: str = _FILTERS, lower: bool = True, split: str = " "
) -> list[str]:
    """Lower-case, replace each ``filters`` character by ``split``, split, drop empties.

    Mirrors: ``keras_preprocessing/text.py::text_to_word_sequence``.
    """
    if lower:
        input_text = input_text.lower()
    table: dict[str, str | int | None] = {c: split for c in filters}
    input_text = input_text.translate(str.maketrans(table))
    return [word for word in input_text.split(split) if word]


def hashing_trick(
    text: str,
    n: int,
    hash_function: Callable[[str], int] | str | None = None,
    filters: str = _FILTERS,
    lower: bool = True,
    split: str = " ",
) -> list[int]:
    """Each word's hash into ``1..n-1`` (0 stays free for padding).

    Mirrors: ``keras_preprocessing/text.py::hashing_trick``; ``hash_function`` None is
    Python's ``hash`` (which changes between runs), ``"md5"`` a stable one.
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":

        def hash_function(w: str) -> int:
            return int(md5(w.encode()).hexdigest(), 16)

    assert callable(hash_function)
    seq = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [(hash_function(w) % (n - 1) + 1) for w in seq]


def one_hot(
    input_text: str, n: int, filters: str = _FILTERS, lower: bool = True, split: str = " "
) -> list[int]:
    """Word indices by hashing (despite its name, not a one-hot encoding).

    Mirrors: ``keras_preprocessing/text.py::one_hot`` (``hashing_trick`` with ``hash``).
    """
    return hashing_trick(
        input_text, n, hash_function=hash, filters=filters, lower=lower, split=split
    )


class Tokenizer:
    """Turns texts into sequences of word indices, or into one row of a matrix each.

    Mirrors: ``keras_preprocessing/text.py::Tokenizer``. ``num_words`` keeps only the
    ``num_words - 1`` most frequent words when converting (``word_index`` keeps all);
    ``oov_token`` gets index 1 and stands in for words left out.
    """

    def __init__(
        self,
        num_words: int | None = None,
        filters: str = _FILTERS,
        lower: bool = True,
        split: str = " ",
        char_level: bool = False,
        oov_token: str | None = None,
        analyzer: Callable[[str], list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        if "nb_words" in kwargs:  # Keras 1's name, still accepted by Keras 2
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: " + str(kwargs))
        self.word_counts: OrderedDict[str, int] = OrderedDict()
        self.word_docs: defaultdict[str, int] = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs: defaultdict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}
        self.analyzer = analyzer

    def _words(self, text: Any) -> list[str]:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        if self.analyzer is not None:
            return list(self.analyzer(text))
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts: Iterable[Any]) -> None:
        """Count words and documents, then number the words by falling count."""
        for text in texts:
            self.document_count += 1
            seq = self._words(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        # sorted() is stable: equally frequent words keep the order they were first seen in
        ranked = [w for w, _ in sorted(self.word_counts.items(), key=lambda x: x[1], reverse=True)]
        vocabulary = ([self.oov_token] if self.oov_token is not None else []) + ranked
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {c: w for w, c in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences: Iterable[Iterable[int]]) -> None:
        """Count documents per index (what ``tfidf`` needs) from sequences of indices."""
        for seq in sequences:
            self.document_count += 1
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences_generator(self, texts: Iterable[Any]) -> Iterator[list[int]]:
        """One list of word indices per text (unknown words dropped, or ``oov_token``'s)."""
        oov_index = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for text in texts:
            vect = []
            for w in self._words(text):
                i = self.word_index.get(w)
                if i is not None:
                    if self.num_words and i >= self.num_words:
                        if oov_index is not None:
                            vect.append(oov_index)
                    else:
                        vect.append(i)
                elif oov_index is not None:
                    vect.append(oov_index)
            yield vect

    def texts_to_sequences(self, texts: Iterable[Any]) -> list[list[int]]:
        """``list(texts_to_sequences_generator(texts))``."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> list[str]:
        """Indices back to space-joined words (words beyond ``num_words`` dropped or OOV)."""
        oov_index = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        texts = []
        for seq in sequences:
            words = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None and not (self.num_words and num >= self.num_words):
                    words.append(word)
                elif oov_index is not None:
                    words.append(self.index_word[oov_index])
            texts.append(" ".join(words))
        return texts

    def texts_to_matrix(self, texts: Iterable[Any], mode: str = "binary") -> np.ndarray:
        """``sequences_to_matrix(texts_to_sequences(texts), mode)``."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(
        self, sequences: Iterable[Iterable[int]], mode: str = "binary"
    ) -> np.ndarray:
        """One row per sequence, one column per index below ``num_words``.

        ``mode``: ``"binary"`` (1 where an index occurs), ``"count"``, ``"freq"`` (count
        over the sequence's length) or ``"tfidf"`` (``(1 + log count) * log(1 + documents /
        (1 + documents with the index))``). Indices at or beyond ``num_words`` are ignored.

        Raises:
            ValueError: no ``num_words`` and nothing fitted, ``tfidf`` before fitting, or
                an unknown mode (Keras's messages).
        """
        if not self.num_words:
            if not self.word_index:
                raise ValueError(
                    "Specify a dimension (`num_words` argument), or fit on some text data first."
                )
            num_words = len(self.word_index) + 1
        else:
            num_words = self.num_words
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        sequences = list(sequences)
        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            seq = list(seq)
            if not seq:
                continue
            counts: defaultdict[int, int] = defaultdict(int)
            for j in seq:
                if j >= num_words:
                    continue
                counts[j] += 1
            for j, c in list(counts.items()):
                if mode == "count":
                    x[i][j] = c
                elif mode == "freq":
                    x[i][j] = c / len(seq)
                elif mode == "binary":
                    x[i][j] = 1
                elif mode == "tfidf":
                    tf = 1 + np.log(c)
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i][j] = tf * idf
                else:
                    raise ValueError("Unknown vectorization mode:", mode)
        return x

    def get_config(self) -> dict[str, Any]:
        """The tokenizer's settings and counts, JSON-encoded where Keras encodes them."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs: Any) -> str:
        """``{"class_name": "Tokenizer", "config": get_config()}`` as JSON."""
        return json.dumps({"class_name": "Tokenizer", "config": self.get_config()}, **kwargs)


__getattr__ = module_getattr("keras.preprocessing.text")
