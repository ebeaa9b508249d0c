"""fashion_mnist, cifar10, imdb, reuters, boston_housing: Keras's shapes, offline stand-ins.

Offline (``BUILDTRACE_OFFLINE=1``) no download is tried; each dataset says so in one line
and returns a labelled stand-in with the real dataset's shapes and dtypes. The sequence
options of ``imdb``/``reuters`` are checked on a small file in Keras's layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import keras
from buildtrace.keras.datasets import _fetch


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BUILDTRACE_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))


@pytest.mark.parametrize(
    ("name", "shapes", "dtypes"),
    [
        ("fashion_mnist", [(60000, 28, 28), (60000,), (10000, 28, 28), (10000,)], ["uint8"] * 4),
        ("cifar10", [(50000, 32, 32, 3), (50000, 1), (10000, 32, 32, 3), (10000, 1)],
         ["uint8"] * 4),
        ("boston_housing", [(404, 13), (404,), (102, 13), (102,)], ["float64"] * 4),
        ("reuters", [(8982,), (8982,), (2246,), (2246,)], ["object", "int64"] * 2),
    ],
)  # fmt: skip
def test_offline_stand_ins_have_keras_shapes(
    name: str, shapes: list[Any], dtypes: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    arrays = [x_train, y_train, x_test, y_test]
    assert [a.shape for a in arrays] == shapes
    assert [str(a.dtype) for a in arrays] == dtypes
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "stand-in" in err and "NOT" in err


def test_imdb_stand_in_and_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    (x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=500, maxlen=60)
    assert x_train.dtype == object and y_train.dtype == np.int64
    assert all(seq[0] == 1 and len(seq) < 60 for seq in x_train[:50])
    assert max(max(seq) for seq in x_train) < 500
    assert set(np.unique(y_train)) == {0, 1}
    index = keras.datasets.imdb.get_word_index()
    assert index["word1"] == 1
    assert "NOT IMDB" in capsys.readouterr().err


def _fake_raw(tmp_path: Path) -> str:
    path = tmp_path / "raw.npz"
    xs = np.empty(4, dtype=object)
    xs[:] = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], [11]]
    np.savez(
        path, x_train=xs, y_train=np.array([0, 1, 0, 1]), x_test=xs, y_test=np.array([1, 0, 1, 0])
    )
    return str(path)


def test_imdb_sequence_options_follow_keras(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    raw = _fake_raw(tmp_path)
    monkeypatch.setattr(_fetch, "fetch", lambda *a, **k: raw)
    (x_train, y_train), _ = keras.datasets.imdb.load_data(seed=0)
    # Keras's order after RandomState(0).shuffle, each index + 3, start mark 1 in front.
    order = np.arange(4)
    np.random.RandomState(0).shuffle(order)
    raw_lists = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], [11]]
    shifted = [[1] + [w + 3 for w in raw_lists[i]] for i in order]
    # Keras's own off-by-one: without num_words, the largest index itself becomes oov (2).
    top = max(max(s) for s in shifted)
    assert [list(s) for s in x_train] == [[2 if w == top else w for w in s] for s in shifted]
    assert y_train.tolist() == [[0, 1, 0, 1][i] for i in order]
    (short, _), _ = keras.datasets.imdb.load_data(seed=0, maxlen=4, num_words=8, oov_char=2)
    assert all(len(s) < 4 for s in short)
    assert all(w < 8 or w == 2 for s in short for w in s)
    with pytest.raises(ValueError, match="no sequence was kept"):
        keras.datasets.imdb.load_data(maxlen=1)
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        keras.datasets.imdb.load_data(colour="blue")


def test_reuters_labels_and_split() -> None:
    assert len(keras.datasets.reuters.get_label_names()) == 46
    (x_train, _), (x_test, _) = keras.datasets.reuters.load_data(test_split=0.5, num_words=100)
    assert len(x_train) == len(x_test) == 11228 // 2


def test_mnist_offline_skips_the_download(capsys: pytest.CaptureFixture[str]) -> None:
    from buildtrace.keras.datasets import mnist

    monkeypatch_sizes = (20, 10)
    original = mnist.STANDIN_SIZES
    mnist.STANDIN_SIZES = monkeypatch_sizes
    try:
        (x_train, _), _ = keras.datasets.mnist.load_data()
    finally:
        mnist.STANDIN_SIZES = original
    assert x_train.shape == (20, 28, 28)
    assert "BUILDTRACE_OFFLINE" in capsys.readouterr().err
