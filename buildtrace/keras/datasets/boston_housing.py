"""Boston housing prices: 13 features of 506 districts and their median house value.

Mirrors: ``keras/datasets/boston_housing.py`` of Keras 2 (the shuffle with seed 113,
the 80/20 split). Offline (or with ``BUILDTRACE_OFFLINE=1``) a labelled stand-in of the
same shapes (see ``_fetch.py``).
"""

from __future__ import annotations

import numpy as np

from buildtrace.keras.datasets import _fetch, _standins

FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(
    path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113,
    cache_dir: str | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:  # fmt: skip
    """``(x_train, y_train), (x_test, y_test)``: float64 (404, 13) / (404,), 102 test.

    Mirrors: ``keras/datasets/boston_housing.py::load_data``.
    """
    assert 0 <= test_split < 1
    fpath = _fetch.fetch("Boston housing", path, _fetch.ORIGIN_FOLDER + "boston_housing.npz",
                         file_hash=FILE_HASH, cache_dir=cache_dir)  # fmt: skip
    if fpath is None:
        x, y = _standins.regression(506, 13, seed=3)
    else:
        with np.load(fpath, allow_pickle=False) as f:
            x, y = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]), np.array(y[split:]))
