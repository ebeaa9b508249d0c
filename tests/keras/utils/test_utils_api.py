"""``keras.utils``: to_categorical, normalize, pad_sequences, get_file, plot_model, Sequence.

The expected values were recorded from tf-keras 2.21 by
``scripts/record_utils_reference.py`` into ``tests/data/keras2/utils_reference.json``.
"""

from __future__ import annotations

import http.server
import inspect
import json
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from buildtrace import keras
from buildtrace.keras.utils import data_utils

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "data" / "keras2" / "utils_reference.json").read_text()
)


@pytest.mark.parametrize("case", sorted(REFERENCE["to_categorical"]))
def test_to_categorical_matches_keras(case: str) -> None:
    expected = REFERENCE["to_categorical"][case]
    result = keras.utils.to_categorical(expected["y"], expected["num_classes"])
    assert list(result.shape) == expected["shape"]
    assert str(result.dtype) == expected["dtype"]
    assert result.tolist() == expected["values"]


@given(st.lists(st.integers(0, 9), min_size=1, max_size=30))
def test_to_categorical_rows_are_one_hot_and_invert_with_argmax(labels: list[int]) -> None:
    one_hot = keras.utils.to_categorical(np.array(labels).reshape(-1, 1), num_classes=10)
    assert one_hot.shape == (len(labels), 10)
    assert (one_hot.sum(axis=1) == 1).all()
    assert one_hot.argmax(axis=1).tolist() == labels


def test_to_categorical_label_out_of_range_raises_like_keras() -> None:
    with pytest.raises(IndexError, match="index 5 is out of bounds"):
        keras.utils.to_categorical([0, 5], 3)


def test_normalize_matches_keras() -> None:
    facts = REFERENCE["normalize"]
    x = np.array(facts["x"])
    np.testing.assert_allclose(keras.utils.normalize(x), facts["axis_-1"])
    np.testing.assert_allclose(keras.utils.normalize(x, axis=0, order=1), facts["axis_0_order_1"])


def test_pad_sequences_matches_keras() -> None:
    facts = REFERENCE["pad_sequences"]
    seqs = facts["sequences"]
    assert keras.utils.pad_sequences(seqs).tolist() == facts["default"]
    post = keras.utils.pad_sequences(seqs, maxlen=3, padding="post", truncating="post")
    assert post.tolist() == facts["maxlen3_post_post"]
    assert keras.utils.pad_sequences(seqs, maxlen=2, value=9).tolist() == facts["maxlen2_value9"]


@pytest.mark.parametrize("name", sorted(REFERENCE["signatures"]))
def test_signatures_are_keras_signatures(name: str) -> None:
    # Names, order and defaults as Keras's (our annotations aside).
    params = inspect.signature(getattr(keras.utils, name)).parameters.values()
    plain = [p.replace(annotation=inspect.Parameter.empty) for p in params]
    assert f"({', '.join(map(str, plain))})" == REFERENCE["signatures"][name]


def test_set_random_seed_gives_the_same_weights_twice() -> None:
    def weights() -> Any:
        keras.utils.set_random_seed(3)
        layer = keras.layers.Dense(4)
        layer.build((None, 5))
        return layer.kernel.numpy() if hasattr(layer.kernel, "numpy") else layer.kernel.value

    np.testing.assert_array_equal(weights(), weights())


# ------------------------------------------------------------------ get_file
@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on localhost serving a folder."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def test_get_file_takes_the_name_from_the_url_and_caches_it(
    served: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(data_utils.OFFLINE_ENV, raising=False)
    url, root = served
    (root / "words.txt").write_text("hello")
    import hashlib

    digest = hashlib.sha256(b"hello").hexdigest()
    path = keras.utils.get_file(origin=f"{url}/words.txt", file_hash=digest, cache_dir=tmp_path)
    assert Path(path) == tmp_path / "datasets" / "words.txt"
    assert Path(path).read_text() == "hello"
    (root / "words.txt").unlink()  # the second call must not need the server
    assert keras.utils.get_file("words.txt", f"{url}/words.txt", cache_dir=tmp_path) == path


def test_get_file_untar_returns_the_unpacked_folder(
    served: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(data_utils.OFFLINE_ENV, raising=False)
    url, root = served
    inner = tmp_path / "src" / "flowers"
    inner.mkdir(parents=True)
    (inner / "a.txt").write_text("petal")
    with tarfile.open(root / "flowers.tgz", "w:gz") as archive:
        archive.add(inner, arcname="flowers")
    path = keras.utils.get_file("flowers", origin=f"{url}/flowers.tgz", untar=True,
                                cache_dir=tmp_path / "cache")  # fmt: skip
    assert Path(path) == tmp_path / "cache" / "datasets" / "flowers"
    assert (Path(path) / "a.txt").read_text() == "petal"


def test_get_file_offline_never_touches_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data_utils.OFFLINE_ENV, "1")
    # A port nobody listens on would take a connect attempt; offline must not even try.
    with pytest.raises(data_utils.DownloadError, match="BUILDTRACE_OFFLINE"):
        keras.utils.get_file("x.npz", "http://192.0.2.1/x.npz", cache_dir=tmp_path)


def test_get_file_without_origin_says_so() -> None:
    with pytest.raises(ValueError, match='specify the "origin" argument'):
        keras.utils.get_file("x")


# ------------------------------------------------------------------ plot_model
def test_plot_model_draws_with_the_topology_renderer(tmp_path: Path) -> None:
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,), name="hidden")])
    written = keras.utils.plot_model(model, to_file=tmp_path / "m.dot", show_shapes=True)
    text = Path(written.path).read_text()
    assert "hidden" in text and "digraph" in text


def test_plot_model_of_an_unbuilt_model_raises_keras_error(tmp_path: Path) -> None:
    model = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="has not yet been built"):
        keras.utils.plot_model(model, to_file=tmp_path / "m.png")


def test_keras_utils_does_not_import_render_at_module_level() -> None:
    import ast

    source = Path(keras.utils.vis_utils.__file__).read_text()
    top_level = [n for n in ast.parse(source).body if isinstance(n, ast.ImportFrom | ast.Import)]
    assert all("render" not in ast.dump(n) for n in top_level)


# ------------------------------------------------------------------ Sequence
class Halves(keras.utils.Sequence):
    def __init__(self) -> None:
        self.x = np.arange(12, dtype="float32").reshape(6, 2)
        self.y = (self.x.sum(axis=1, keepdims=True) > 10).astype("float32")
        self.epochs_ended = 0

    def __len__(self) -> int:
        return 3

    def __getitem__(self, index: int) -> Any:
        return self.x[2 * index : 2 * index + 2], self.y[2 * index : 2 * index + 2]

    def on_epoch_end(self) -> None:
        self.epochs_ended += 1


def test_fit_accepts_a_sequence_and_calls_on_epoch_end() -> None:
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(2,))])
    model.compile("sgd", "binary_crossentropy")
    data = Halves()
    history = model.fit(data, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert data.epochs_ended == 2
