"""keras.datasets.mnist.load_data: cache, download, failure handling and offline fallback.

Every test runs against a local HTTP server on 127.0.0.1 (or a closed port), never the
internet, with KERAS_HOME pointed at a temporary folder.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import socket
import struct
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pytest

from buildtrace.keras import datasets
from buildtrace.keras.datasets import mnist

RNG = np.random.default_rng(0)
# A tiny stand-in for mnist.npz with the same four keys and dtypes.
SMALL = {
    "x_train": RNG.integers(0, 256, (12, 28, 28), dtype=np.uint8),
    "y_train": RNG.integers(0, 10, 12).astype(np.uint8),
    "x_test": RNG.integers(0, 256, (5, 28, 28), dtype=np.uint8),
    "y_test": RNG.integers(0, 10, 5).astype(np.uint8),
}


def _npz_bytes(arrays: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


GOOD = _npz_bytes(SMALL)
GOOD_HASH = hashlib.sha256(GOOD).hexdigest()
CORRUPT = GOOD[:100] + bytes([GOOD[100] ^ 0xFF]) + GOOD[101:]  # same size, one byte flipped


class _Handler(BaseHTTPRequestHandler):
    """Serves /good.npz, /corrupt.npz, and /truncated.npz (promises more than it sends)."""

    requests: list[str] = []  # noqa: RUF012 - shared log of paths, read by the tests

    def do_GET(self) -> None:
        _Handler.requests.append(self.path)
        body = {"/good.npz": GOOD, "/corrupt.npz": CORRUPT, "/truncated.npz": GOOD}.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/truncated.npz":
            body = body[: len(body) // 2]  # then the connection closes: a dropped transfer
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port_url() -> str:
    """A URL on a port nothing listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist.npz"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """KERAS_HOME in tmp; no env overrides; default origin unreachable; small stand-in."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv(mnist.STANDIN_ENV, raising=False)
    monkeypatch.delenv(mnist.DIR_ENV, raising=False)
    monkeypatch.setattr(mnist, "ORIGIN", _closed_port_url())  # never the real internet
    monkeypatch.setattr(mnist, "STANDIN_SIZES", (200, 50))  # keep the fallback fast
    return tmp_path / "keras" / "datasets"


def _assert_small(data: mnist.Dataset) -> None:
    (x_train, y_train), (x_test, y_test) = data
    for got, key in [(x_train, "x_train"), (y_train, "y_train")]:
        np.testing.assert_array_equal(got, SMALL[key])
    for got, key in [(x_test, "x_test"), (y_test, "y_test")]:
        np.testing.assert_array_equal(got, SMALL[key])


def test_constants_are_keras_2s() -> None:
    # From tf_keras/datasets/mnist.py (Keras 2); a typo here would break every real download.
    assert mnist.ORIGIN == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    assert mnist.FILE_HASH == "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    assert datasets.mnist is mnist


def test_download_then_cache_hit(
    cache: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _assert_small(mnist.load_data(origin=f"{server}/good.npz", file_hash=GOOD_HASH))
    assert os.listdir(cache) == ["mnist.npz"]  # no temp file left behind
    umask = os.umask(0o022)
    os.umask(umask)
    assert (cache / "mnist.npz").stat().st_mode & 0o777 == 0o666 & ~umask  # like a plain file
    assert "Downloading data from" in capsys.readouterr().err
    # Second call: served from the cache, so an unreachable origin does not matter.
    count = len(_Handler.requests)
    loaded = mnist.load_data_or_standin(file_hash=GOOD_HASH, fallback=False)
    _assert_small(loaded.data)
    assert loaded.source == "keras-cache" and not loaded.is_standin
    assert len(_Handler.requests) == count
    assert capsys.readouterr().err == ""


def test_cache_hit_needs_no_network(cache: Path) -> None:
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(GOOD)
    _assert_small(mnist.load_data(file_hash=GOOD_HASH, fallback=False))


def test_explicit_cache_dir_and_path(tmp_path: Path, server: str, cache: Path) -> None:
    data = mnist.load_data(
        "my.npz", origin=f"{server}/good.npz", file_hash=GOOD_HASH, cache_dir=tmp_path / "c"
    )
    _assert_small(data)
    assert (tmp_path / "c" / "datasets" / "my.npz").read_bytes() == GOOD
    assert not cache.exists()  # KERAS_HOME was not used


def test_stale_cache_file_is_replaced(
    cache: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(b"an old, broken download")
    _assert_small(mnist.load_data(origin=f"{server}/good.npz", file_hash=GOOD_HASH))
    assert "hash does not match" in capsys.readouterr().err
    assert (cache / "mnist.npz").read_bytes() == GOOD


@pytest.mark.parametrize("fallback", [True, False])
def test_corrupted_download_raises_and_caches_nothing(
    cache: Path, server: str, fallback: bool
) -> None:
    # A checksum failure always raises, even with the offline fallback enabled.
    with pytest.raises(mnist.ChecksumError, match="corrupted"):
        mnist.load_data(origin=f"{server}/corrupt.npz", file_hash=GOOD_HASH, fallback=fallback)
    assert os.listdir(cache) == []


def test_interrupted_transfer_raises_and_caches_nothing(cache: Path, server: str) -> None:
    with pytest.raises(mnist.DownloadError, match="interrupted"):
        mnist.load_data(origin=f"{server}/truncated.npz", file_hash=GOOD_HASH, fallback=False)
    assert os.listdir(cache) == []


def test_http_error_is_a_download_error(cache: Path, server: str) -> None:
    with pytest.raises(mnist.DownloadError, match="HTTP 404"):
        mnist.get_file("mnist.npz", f"{server}/missing.npz")
    assert os.listdir(cache) == []


def test_ctrl_c_during_download_leaves_nothing(
    cache: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted_copy(response: object, out: BinaryIO, origin: str) -> None:
        out.write(b"first part of the file")
        raise KeyboardInterrupt

    monkeypatch.setattr(mnist, "_copy", interrupted_copy)
    with pytest.raises(KeyboardInterrupt):
        mnist.load_data(origin=f"{server}/good.npz", file_hash=GOOD_HASH)
    assert os.listdir(cache) == []


def test_progress_bar_on_a_terminal(
    cache: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # take the rich-bar branch
    path = mnist.get_file("mnist.npz", f"{server}/good.npz", file_hash=GOOD_HASH)
    assert Path(path).read_bytes() == GOOD


def test_offline_falls_back_to_standin_with_one_line(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (200, 28, 28) and y_train.shape == (200,)
    assert x_test.shape == (50, 28, 28) and y_test.shape == (50,)
    assert x_train.dtype == y_train.dtype == np.uint8
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("buildtrace: MNIST is not available offline")
    assert "stand-in digits (procedurally drawn, NOT MNIST)" in lines[0]
    assert os.listdir(cache) == []


def test_offline_without_fallback_raises_like_keras(cache: Path) -> None:
    with pytest.raises(mnist.DownloadError, match="URL fetch failure"):
        mnist.load_data(fallback=False)


def test_interrupted_transfer_falls_back_when_allowed(cache: Path, server: str) -> None:
    loaded = mnist.load_data_or_standin(origin=f"{server}/truncated.npz", file_hash=GOOD_HASH)
    assert loaded.is_standin


def test_standin_env_var_skips_the_network(
    cache: Path, server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(mnist.STANDIN_ENV, "1")
    count = len(_Handler.requests)
    loaded = mnist.load_data_or_standin(origin=f"{server}/good.npz", file_hash=GOOD_HASH)
    assert loaded.is_standin and len(_Handler.requests) == count
    assert len(capsys.readouterr().err.splitlines()) == 1


def _write_idx(path: Path, array: np.ndarray, gz: bool) -> None:
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(data) if gz else data)


def test_mnist_dir_env_with_idx_files(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "idx"
    folder.mkdir()
    _write_idx(folder / "t10k-images-idx3-ubyte.gz", SMALL["x_test"], gz=True)
    _write_idx(folder / "t10k-labels-idx1-ubyte.gz", SMALL["y_test"], gz=True)
    monkeypatch.setenv(mnist.DIR_ENV, str(folder))
    with pytest.raises(FileNotFoundError, match="only the test split"):
        mnist.load_data()
    _write_idx(folder / "train-images-idx3-ubyte", SMALL["x_train"], gz=False)
    _write_idx(folder / "train-labels-idx1-ubyte", SMALL["y_train"], gz=False)
    loaded = mnist.load_data_or_standin()
    assert loaded.source == "dir"
    _assert_small(loaded.data)


def test_mnist_dir_env_with_npz(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mnist.npz").write_bytes(GOOD)
    monkeypatch.setenv(mnist.DIR_ENV, str(tmp_path))
    _assert_small(mnist.load_data())


def test_npz_without_mnist_keys_is_rejected(cache: Path) -> None:
    cache.mkdir(parents=True)
    other = _npz_bytes({"x": np.zeros(3)})
    (cache / "mnist.npz").write_bytes(other)
    with pytest.raises(ValueError, match="missing arrays"):
        mnist.load_data(file_hash=hashlib.sha256(other).hexdigest())


def test_cache_root_is_keras_home_else_home_dot_keras(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert mnist.keras_cache_dir() == str(tmp_path / "kh")
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert mnist.keras_cache_dir() == str(tmp_path / ".keras")
    assert mnist.keras_cache_dir("~/elsewhere") == str(tmp_path / "elsewhere")
