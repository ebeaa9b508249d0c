"""The MNIST download of a script under the viewer: nothing partial left in the Keras cache.

A loopback HTTP server sends the first part of a file, then stalls, so the download is
under way when the viewer goes. Quitting (`q`) ends the script as Ctrl-C would, and the
download removes its partial file; a viewer killed outright (SIGKILL, so the script is
killed outright too) leaves one, which the next download removes. And an HTTP 404 says
"not found at URL", not "offline".
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_child_lifetime import START_TIMEOUT, Viewer, eventually

from buildtrace.keras.datasets import mnist

STALL = threading.Event()  # set at the end: the stalled transfers end


def _npz() -> bytes:
    buffer = io.BytesIO()
    arrays = {name: np.zeros((2, 28, 28) if name[0] == "x" else 2, np.uint8)
              for name in ("x_train", "y_train", "x_test", "y_test")}  # fmt: skip
    np.savez(buffer, **arrays)
    return buffer.getvalue()


GOOD = _npz()


class _Handler(BaseHTTPRequestHandler):
    """/good.npz; /stalled.npz promises 10 MB, sends 256 KB and waits; anything else: 404."""

    def do_GET(self) -> None:
        if self.path == "/good.npz":
            self.send_response(200)
            self.send_header("Content-Length", str(len(GOOD)))
            self.end_headers()
            self.wfile.write(GOOD)
        elif self.path == "/stalled.npz":
            self.send_response(200)
            self.send_header("Content-Length", str(10 << 20))
            self.end_headers()
            self.wfile.write(b"\0" * (256 << 10))
            self.wfile.flush()
            STALL.wait(120)
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    STALL.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def keras_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv(mnist.STANDIN_ENV, raising=False)
    monkeypatch.delenv(mnist.DIR_ENV, raising=False)
    monkeypatch.setattr(mnist, "STANDIN_SIZES", (20, 10))
    return tmp_path / "keras" / "datasets"


# ------------------------------------------------------------------ 404
def test_a_404_is_not_found_at_the_url_not_offline(
    keras_home: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{server}/moved-away.npz"
    with pytest.raises(mnist.HttpStatusError, match="not found at") as caught:
        mnist.load_data(origin=url, fallback=False)
    assert caught.value.status == 404 and url in str(caught.value)
    assert "offline" not in str(caught.value)
    mnist.load_data(origin=url)  # the class goes on with the stand-in, and says why
    line = capsys.readouterr().err.strip()
    assert f"not found at {url} (HTTP 404" in line and "offline" not in line
    assert "NOT MNIST" in line


# ------------------------------------------------------------------ the viewer goes
SCRIPT = """
    from buildtrace.keras.datasets import mnist
    mnist.ORIGIN = "{url}"
    from tensorflow import keras
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
"""


def parts(folder: Path) -> list[str]:
    return (
        [name for name in os.listdir(folder) if name.endswith(".part")] if folder.is_dir() else []
    )


def viewer_downloading(tmp_path: Path, server: str, keras_home: Path) -> Viewer:
    script = tmp_path / "downloads.py"
    script.write_text(textwrap.dedent(SCRIPT).format(url=f"{server}/stalled.npz"))
    temp = tmp_path / "tmp"
    temp.mkdir()
    viewer = Viewer(script, temp)
    eventually(
        lambda: (viewer.drain(), any((keras_home / p).stat().st_size for p in parts(keras_home)))[
            1
        ],
        START_TIMEOUT,
        lambda: f"no download began: {os.listdir(keras_home) if keras_home.is_dir() else []}",
    )
    return viewer


def test_quitting_during_the_download_leaves_no_partial_file(
    tmp_path: Path, server: str, keras_home: Path
) -> None:
    viewer = viewer_downloading(tmp_path, server, keras_home)
    try:
        os.write(viewer.fd, b"q")
        viewer.reap()
        assert viewer.reaped
        eventually(lambda: not parts(keras_home), 10, lambda: f"left: {parts(keras_home)}")
        assert os.listdir(keras_home) == []
    finally:
        viewer.close()


def test_a_partial_file_of_a_killed_download_goes_with_the_next_one(
    tmp_path: Path, server: str, keras_home: Path
) -> None:
    viewer = viewer_downloading(tmp_path, server, keras_home)
    try:
        os.kill(viewer.pid, signal.SIGKILL)  # the script is killed outright, in turn
        viewer.reap()
    finally:
        viewer.close()
    eventually(
        lambda: not any(str(tmp_path / "downloads.py") in _cmdline(p) for p in _pids()),
        15,
        lambda: "the script outlived its viewer",
    )
    assert len(parts(keras_home)) == 1  # nothing could remove it: its writer had no say
    path = mnist.get_file(
        "mnist.npz", f"{server}/good.npz", file_hash=hashlib.sha256(GOOD).hexdigest()
    )
    assert Path(path).read_bytes() == GOOD
    assert os.listdir(keras_home) == ["mnist.npz"]  # the stale part is gone


def test_a_running_download_keeps_its_partial_file(keras_home: Path, server: str) -> None:
    """Another process's download in progress is not taken for a stale one."""
    keras_home.mkdir(parents=True)
    running = keras_home / f"mnist.npz.{os.getppid()}-0123456789ab.part"
    running.write_bytes(b"in progress")
    mnist.get_file("mnist.npz", f"{server}/good.npz", file_hash=hashlib.sha256(GOOD).hexdigest())
    assert running.exists()


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""
