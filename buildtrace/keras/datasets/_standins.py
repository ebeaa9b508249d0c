"""Stand-ins for the datasets beyond MNIST: right shapes and dtypes, learnable, clearly fake.

Keras has no such thing. Each generator is seeded (the same stand-in every run) and
vectorised; each class has its own pattern (a template image, a preferred vocabulary, a
linear rule), so a model trained on a stand-in does learn, which keeps a tutorial's
curves meaningful while the real data cannot be fetched.
"""

from __future__ import annotations

import numpy as np

_SEED = 20240  # any fixed number: the stand-ins are the same on every run


def images(
    n: int, shape: tuple[int, ...], classes: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uint8 images: a blurred random template per class, plus noise."""
    rng = np.random.default_rng(_SEED + seed)
    templates = rng.random((classes, *shape))
    for axis in (1, 2):  # smooth the templates along height and width: blobs, not static
        templates = (templates + np.roll(templates, 1, axis) + np.roll(templates, -1, axis)) / 3
    templates = (templates - templates.min()) / (np.ptp(templates) or 1.0)
    bright = (templates * 170).astype(np.uint8)
    labels = rng.integers(0, classes, n).astype(np.uint8)
    out = np.empty((n, *shape), np.uint8)
    for start in range(0, n, 4096):  # in chunks: no huge float temporaries
        part = labels[start : start + 4096]
        noise = rng.integers(0, 86, (len(part), *shape), dtype=np.uint8)
        out[start : start + 4096] = bright[part] + noise
    return out, labels


def sequences(
    n: int, classes: int, vocabulary: int, lengths: tuple[int, int], seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` word-index sequences (an object array of lists) and int64 labels.

    Word indices are raw (1 = the most frequent word), as in Keras's files before
    ``load_data`` shifts them; each class draws a third of its words from its own range.
    """
    rng = np.random.default_rng(_SEED + seed)
    labels = rng.integers(0, classes, n).astype(np.int64)
    sizes = rng.integers(lengths[0], lengths[1], n)
    total = int(sizes.sum())
    # Zipf-like common words, shared by all classes...
    words = np.minimum(rng.zipf(1.3, total), vocabulary - 1).astype(np.int64)
    # ...and a third of them from a band of words typical of the sample's class.
    band = max(10, vocabulary // (4 * classes))
    owner = np.repeat(labels, sizes)
    typical = rng.random(total) < 0.33
    words[typical] = 50 + owner[typical] * band + rng.integers(0, band, int(typical.sum()))
    words = np.minimum(words, vocabulary - 1)
    cuts = np.cumsum(sizes)[:-1]
    out = np.empty(n, dtype=object)
    out[:] = [part.tolist() for part in np.split(words, cuts)]
    return out, labels


def regression(n: int, features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """float64 features of different scales and a noisy linear target (like house prices)."""
    rng = np.random.default_rng(_SEED + seed)
    scales = np.logspace(-1, 2.5, features)
    x = rng.random((n, features)) * scales
    weights = rng.normal(size=features) / scales
    y = 22.5 + 6.0 * (x @ weights) / np.sqrt(features) + rng.normal(0, 2.0, n)
    return x, np.clip(y, 5.0, 50.0)


def word_index(vocabulary: int) -> dict[str, int]:
    """A stand-in word index: ``{"word1": 1, "word2": 2, ...}``."""
    return {f"word{i}": i for i in range(1, vocabulary)}
