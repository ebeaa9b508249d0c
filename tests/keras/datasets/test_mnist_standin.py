"""The procedurally drawn stand-in digits: MNIST-like shapes, deterministic, learnable."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from buildtrace.keras.datasets import standin


def _flat(x: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    return x.reshape(len(x), -1).astype(np.float32) / 255.0


def test_full_size_splits_look_like_mnist() -> None:
    (x_train, y_train), (x_test, y_test) = standin.load_standin()
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert set(np.unique(y_test)) == set(range(10))
    assert np.bincount(y_train).min() > 5000  # roughly balanced, like MNIST
    # Black background, bright strokes: MNIST has ~19% non-zero pixels, max 255.
    assert 0.1 < (x_test > 0).mean() < 0.35
    assert x_test.max() == 255
    assert (x_test[:, 0, :] == 0).mean() > 0.95  # borders are mostly empty


def test_deterministic_given_a_seed() -> None:
    x1, y1 = standin.make_digits(300, seed=7)
    x2, y2 = standin.make_digits(300, seed=7)
    x3, _ = standin.make_digits(300, seed=8)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)


def test_classes_look_different() -> None:
    (x, y), (x_test, y_test) = standin.load_standin(3000, 1000, seed=1)
    centroids = np.stack([_flat(x[y == d]).mean(axis=0) for d in range(10)])
    # No two class-average images are near-identical...
    distances = np.linalg.norm(centroids[:, None] - centroids[None], axis=2)
    assert distances[~np.eye(10, dtype=bool)].min() > 1.0
    # ...and a nearest-class-average classifier already does far better than chance (10%).
    d2 = ((_flat(x_test)[:, None, :] - centroids[None]) ** 2).sum(axis=2)
    assert (d2.argmin(axis=1) == y_test).mean() > 0.6


def test_learnable_but_not_trivial_by_softmax_regression() -> None:
    (x, y), (x_test, y_test) = standin.load_standin(10000, 2000, seed=0)
    features, weights, bias = _flat(x), np.zeros((784, 10), np.float32), np.zeros(10, np.float32)
    for start in range(0, len(features), 32):  # one pass of minibatch SGD
        xb, yb = features[start : start + 32], y[start : start + 32]
        logits = xb @ weights + bias
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        probs[np.arange(len(yb)), yb] -= 1.0  # gradient of cross-entropy w.r.t. logits
        weights -= 0.5 * xb.T @ probs / len(yb)
        bias -= 0.5 * probs.mean(axis=0)
    accuracy = ((_flat(x_test) @ weights + bias).argmax(axis=1) == y_test).mean()
    # Held-out split drawn by other "writers". The same single pass on real MNIST (the
    # t10k set's first 8,000 images, tested on its last 2,000) reaches 0.909; near-100%
    # would mean the stand-in were easier than MNIST, near-chance that it teaches nothing.
    assert 0.8 < accuracy < 0.95
