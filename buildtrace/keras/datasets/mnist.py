"""MNIST handwritten digits: ``keras.datasets.mnist.load_data`` on plain numpy.

Mirrors: keras/datasets/mnist.py of Keras 2 (tf-keras: tf_keras/datasets/mnist.py), which
calls keras/utils/data_utils.py::get_file to download ``mnist.npz`` into the Keras cache
(``~/.keras/datasets``), checks its sha256, and loads the four arrays from it.

Where buildtrace differs (all additions; a Keras script works unchanged):

- ``BUILDTRACE_MNIST_DIR=<folder>`` loads ``mnist.npz`` or the original IDX files from
  that folder instead of the cache.
- ``BUILDTRACE_MNIST_STANDIN=1`` skips MNIST and uses procedurally drawn stand-in
  digits (see ``standin.py``). The same stand-in is used, with ONE line on stderr saying
  so, when the download fails for network reasons; a *checksum* failure always raises.
- Downloads go to a temporary file and are renamed into place only once complete and
  verified, so an interrupted or corrupted download never leaves a bad cache file. The
  temporary file is removed however the download stops (an error, Ctrl-C, SIGTERM from a
  viewer that quits); one left by a process killed outright (SIGKILL) carries its pid in
  its name and is removed by the next download into that folder.
- An HTTP error says what the server said: a 404 is "not found at URL", not "offline".
"""

from __future__ import annotations

import glob
import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import BinaryIO, NamedTuple

import numpy as np
import numpy.typing as npt
import rich.console
import rich.progress

from buildtrace.keras.datasets import idx, standin
from buildtrace.trace import traced

# Where Keras 2 downloads MNIST from, and the sha256 it expects (tf_keras/datasets/mnist.py).
ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
ORIGIN = ORIGIN_FOLDER + "mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

# Short, so that an offline machine falls back in seconds rather than hanging. It bounds the
# connection and every single read; a slow but steady download is not cut off.
CONNECT_TIMEOUT = 10.0
STANDIN_ENV = "BUILDTRACE_MNIST_STANDIN"
DIR_ENV = "BUILDTRACE_MNIST_DIR"
# Sizes of the stand-in splits: MNIST's. (Tests shrink these to stay fast.)
STANDIN_SIZES = (60000, 10000)
_CHUNK_BYTES = 1 << 16

Split = tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]
Dataset = tuple[Split, Split]


class DownloadError(OSError):
    """The file could not be fetched: offline, refused, timed out, or cut off mid-way."""


class HttpStatusError(DownloadError):
    """The server answered, with an error status (404: nothing at that URL)."""

    def __init__(self, origin: str, status: int, reason: str = "") -> None:
        self.origin, self.status = origin, status
        said = f"HTTP {status} {reason}".strip()
        if status in (404, 410):
            message = f"not found at {origin} ({said})"
        else:
            message = f"URL fetch failure on {origin}: the server answered {said}"
        super().__init__(message)


class ChecksumError(ValueError):
    """The downloaded file is complete but its hash is wrong (corrupted or tampered with)."""


class MnistLoad(NamedTuple):
    """What ``load_data_or_standin`` returns: the data and where it came from."""

    data: Dataset
    source: str  # "keras-cache" (maybe just downloaded), "dir" or "standin"

    @property
    def is_standin(self) -> bool:
        """True when the data is buildtrace's drawn stand-in, not MNIST."""
        return self.source == "standin"


def _say(message: str) -> None:
    """Status messages go to stderr, so a script's own stdout stays clean."""
    print(message, file=sys.stderr, flush=True)


def keras_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> str:
    """The Keras cache root: ``cache_dir``, else ``$KERAS_HOME``, else ``~/.keras``.

    Mirrors: the ``cache_dir`` default of keras/utils/data_utils.py::get_file (Keras 2.x
    reads ``KERAS_HOME``; tf-keras's get_file always defaults to ``~/.keras``).
    """
    if cache_dir is None:
        cache_dir = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.expanduser(os.fspath(cache_dir))


def _digest(path: str, expected: str) -> str:
    """Hex digest of the file, by the algorithm that ``expected`` is written in."""
    # Like Keras's hash_algorithm="auto": 64 hex digits is sha256, anything else md5.
    hasher = hashlib.sha256() if len(expected) == 64 else hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK_BYTES), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


@contextmanager
def _progress(origin: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(n_bytes)`` callback that drives a progress display on stderr."""
    size = f" ({total / 1e6:.1f} MB)" if total else ""
    _say(f"Downloading data from {origin}{size}")
    if not sys.stderr.isatty():  # logs and CI: that one line is enough, a bar would spam
        yield lambda n: None
        return
    p = rich.progress
    columns = (p.BarColumn(), p.DownloadColumn(), p.TransferSpeedColumn(), p.TimeRemainingColumn())
    with p.Progress(*columns, console=rich.console.Console(stderr=True)) as bar:
        task = bar.add_task("download", total=total)
        yield lambda n: bar.advance(task, n)


def _open(origin: str, timeout: float) -> http.client.HTTPResponse:
    """Connect and get the response headers; any failure becomes a ``DownloadError``."""
    try:
        response: http.client.HTTPResponse = urllib.request.urlopen(origin, timeout=timeout)
    except urllib.error.HTTPError as err:  # the server is there: it said no
        raise HttpStatusError(origin, err.code, str(err.reason or "")) from err
    except urllib.error.URLError as err:  # offline, DNS failure, connection refused, ...
        raise DownloadError(f"URL fetch failure on {origin}: {err.reason}") from err
    except OSError as err:  # e.g. a timeout while waiting for the response headers
        raise DownloadError(f"URL fetch failure on {origin}: {err}") from err
    return response


def _copy(response: http.client.HTTPResponse, out: BinaryIO, origin: str) -> None:
    """Stream the body into ``out``; raise ``DownloadError`` if it is cut short."""
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    received = 0
    with _progress(origin, total) as advance:
        while True:
            try:
                chunk = response.read(_CHUNK_BYTES)
            except (OSError, http.client.HTTPException) as err:  # reset, timeout, ...
                raise DownloadError(f"Download of {origin} failed: {err}") from err
            if not chunk:
                break
            out.write(chunk)
            received += len(chunk)
            advance(len(chunk))
    # http.client quietly returns b"" when the server hangs up early: count the bytes.
    if total is not None and received != total:
        raise DownloadError(f"Download of {origin} interrupted: got {received} of {total} bytes")


def _download(origin: str, dest: str, file_hash: str | None, timeout: float) -> None:
    """Fetch ``origin`` into a temp file next to ``dest``, verify it, rename it into place."""
    # A unique name beside dest, so the final rename stays on one filesystem. (Not
    # tempfile.mkstemp: its 0600 permissions would stick to the cached file.) The pid in
    # it tells a later download whether the file's writer is still alive.
    _remove_stale_parts(dest)
    tmp_path = f"{dest}.{os.getpid()}-{uuid.uuid4().hex[:12]}.part"
    try:
        with open(tmp_path, "xb") as out, _open(origin, timeout) as response:
            _copy(response, out, origin)
        if file_hash is not None:
            actual = _digest(tmp_path, file_hash)
            if actual != file_hash:
                raise ChecksumError(
                    f"Incomplete or corrupted file detected: the hash of {origin} is "
                    f"{actual}, expected {file_hash}. Nothing was cached."
                )
        # Atomic on POSIX and Windows: readers see no file or the complete, verified one.
        os.replace(tmp_path, dest)
    finally:
        # Every failure, Ctrl-C included, lands here with the temp file still around.
        with suppress(FileNotFoundError):
            os.remove(tmp_path)


def _remove_stale_parts(dest: str) -> None:
    """Remove ``dest``'s temporary files whose writer is gone (killed outright, SIGKILL).

    A temporary file of a download still running in another process is left alone.
    """
    for part in glob.glob(glob.escape(dest) + ".*.part"):
        writer = os.path.basename(part)[len(os.path.basename(dest)) + 1 :].split("-", 1)[0]
        if writer.isdigit() and _alive(int(writer)):
            continue
        with suppress(OSError):
            os.remove(part)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except (OverflowError, ValueError):  # not a pid at all
        return False
    try:  # Linux: a killed process nobody has reaped yet is a zombie, not a writer
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _cache_path(fname: str, cache_subdir: str, cache_dir: str | os.PathLike[str] | None) -> str:
    """Where ``fname`` lives in the cache, creating the folder if needed."""
    datadir = os.path.join(keras_cache_dir(cache_dir), cache_subdir)
    with suppress(OSError):
        os.makedirs(datadir, exist_ok=True)
    if not os.access(datadir, os.W_OK) and not os.path.isfile(os.path.join(datadir, fname)):
        # Like Keras: a cache we cannot write to (read-only home) moves to the temp dir.
        datadir = os.path.join(tempfile.gettempdir(), ".keras", cache_subdir)
        os.makedirs(datadir, exist_ok=True)
    return os.path.join(datadir, fname)


def get_file(
    fname: str,
    origin: str,
    *,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    cache_dir: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
) -> str:
    """Return the path of ``fname`` in the Keras cache, downloading it if needed.

    Mirrors: keras/utils/data_utils.py::get_file (the ``fname``, ``origin``, ``file_hash``,
    ``cache_subdir`` and ``cache_dir`` arguments). Differs: no extraction, no md5_hash
    alias; downloads are atomic and never leave a partial file; errors are
    ``DownloadError`` (network) and ``ChecksumError`` (bad hash) instead of bare
    ``Exception``/``ValueError``; if the cache is not writable, the system temp dir's
    ``.keras`` is used (Keras uses ``/tmp/.keras``).

    Args:
        fname: File name inside the cache (an absolute path is used as is).
        origin: URL to download from when the file is missing or fails its hash check.
        file_hash: Expected sha256 (or md5) hex digest; None skips verification.
        cache_subdir: Subfolder of the cache root.
        cache_dir: Cache root; defaults to ``$KERAS_HOME`` or ``~/.keras``.
        timeout: Seconds to wait for the connection and for each read
            (default ``CONNECT_TIMEOUT``).

    Returns:
        Path to the verified file.

    Raises:
        DownloadError: The download failed or was cut off.
        ChecksumError: The downloaded file's hash does not match ``file_hash``.
    """
    fpath = _cache_path(fname, cache_subdir, cache_dir)
    if os.path.exists(fpath):
        if file_hash is None or _digest(fpath, file_hash) == file_hash:
            return fpath
        _say(
            f"A local file was found at {fpath}, but it seems to be incomplete or outdated "
            f"because its hash does not match {file_hash}, so we will re-download the data."
        )
    _download(origin, fpath, file_hash, CONNECT_TIMEOUT if timeout is None else timeout)
    return fpath


def _load_npz(path: str) -> Dataset:
    # allow_pickle=False (Keras passes True): the file holds plain uint8 arrays, and
    # refusing pickles means a tampered file cannot run code.
    with np.load(path, allow_pickle=False) as f:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(f.files)
        if missing:
            raise ValueError(f"{path}: not an MNIST .npz, missing arrays {sorted(missing)}")
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _load_from_dir(folder: str, path: str) -> Dataset:
    """Load from ``$BUILDTRACE_MNIST_DIR``: an ``mnist.npz`` or both IDX splits."""
    npz = os.path.join(folder, os.path.basename(path))
    if os.path.isfile(npz):
        return _load_npz(npz)
    splits = idx.load_idx_folder(folder)
    if "train" not in splits:
        names = " and ".join(f"{n}[.gz]" for n in idx.MNIST_FILES["train"])
        raise FileNotFoundError(
            f"{DIR_ENV}={folder} holds only the test split; load_data() needs {names} "
            f"as well (or set {STANDIN_ENV}=1, or call idx.load_idx_folder directly)"
        )
    return splits["train"], splits["test"]


def _standin(reason: str) -> Dataset:
    _say(
        f"buildtrace: {reason}; using buildtrace's built-in stand-in digits "
        "(procedurally drawn, NOT MNIST)."
    )
    return standin.load_standin(*STANDIN_SIZES)


def load_data_or_standin(
    path: str = "mnist.npz",
    *,
    origin: str | None = None,
    file_hash: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
    fallback: bool = True,
) -> MnistLoad:
    """Load MNIST like Keras, falling back to stand-in digits when offline.

    Mirrors: keras/datasets/mnist.py::load_data, plus buildtrace's offline fallback.
    Order: ``$BUILDTRACE_MNIST_STANDIN`` (forces the stand-in), ``$BUILDTRACE_MNIST_DIR``
    (npz or IDX folder), the Keras cache, then a download. If the download fails for
    network reasons, ONE line on stderr says so and the stand-in is returned.

    Args:
        path: File name in the cache (relative to ``~/.keras/datasets``), as in Keras.
        origin: Download URL; defaults to ``ORIGIN`` (Keras's).
        file_hash: Expected sha256; defaults to ``FILE_HASH`` (Keras's).
        cache_dir: Cache root; defaults to ``$KERAS_HOME`` or ``~/.keras``.
        timeout: Network timeout in seconds; defaults to ``CONNECT_TIMEOUT``.
        fallback: If False, a failed download raises ``DownloadError`` as Keras would.

    Returns:
        ``MnistLoad(data=((x_train, y_train), (x_test, y_test)), source=...)``.

    Raises:
        ChecksumError: The download completed but is corrupted (never falls back).
        DownloadError: The download failed and ``fallback`` is False.
        FileNotFoundError: ``$BUILDTRACE_MNIST_DIR`` holds no usable files.
    """
    if os.environ.get(STANDIN_ENV, "").strip().lower() in {"1", "true", "yes", "on"}:
        return MnistLoad(_standin(f"{STANDIN_ENV} is set"), "standin")
    folder = os.environ.get(DIR_ENV)
    if folder:
        return MnistLoad(_load_from_dir(folder, path), "dir")
    origin = ORIGIN if origin is None else origin
    file_hash = FILE_HASH if file_hash is None else file_hash
    offline = os.environ.get("BUILDTRACE_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}
    if offline and fallback and not os.path.exists(_cache_path(path, "datasets", cache_dir)):
        return MnistLoad(
            _standin("BUILDTRACE_OFFLINE is set, so MNIST is not downloaded"), "standin"
        )
    try:
        fpath = get_file(path, origin, file_hash=file_hash, cache_dir=cache_dir, timeout=timeout)
    except DownloadError as err:
        if not fallback:
            raise
        if isinstance(err, HttpStatusError):  # online: the server said no
            return MnistLoad(_standin(f"MNIST could not be downloaded: {err}"), "standin")
        return MnistLoad(_standin(f"MNIST is not available offline ({err})"), "standin")
    return MnistLoad(_load_npz(fpath), "keras-cache")


@traced(result=standin.dataset_fields)  # the trace says which data it was: MNIST or not
def load_data(
    path: str = "mnist.npz",
    *,
    origin: str | None = None,
    file_hash: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
    fallback: bool = True,
) -> Dataset:
    """Loads the MNIST dataset: ``(x_train, y_train), (x_test, y_test)``.

    Mirrors: keras/datasets/mnist.py::load_data. Same call, same return value: uint8
    images of shape (60000, 28, 28) and (10000, 28, 28), uint8 labels 0-9 of shape
    (60000,) and (10000,). Differs: when the download fails for network reasons, prints
    one line to stderr and returns buildtrace's stand-in digits (NOT MNIST) of the same
    shapes instead of raising; pass ``fallback=False`` to get Keras's behaviour. The
    keyword-only arguments are buildtrace additions; see ``load_data_or_standin``.

    Args:
        path: Where to cache the dataset locally (relative to ``~/.keras/datasets``).
        origin, file_hash, cache_dir, timeout: Overrides, as in ``load_data_or_standin``.
        fallback: Use the stand-in when the download fails for network reasons.

    Returns:
        Tuple of numpy arrays: ``(x_train, y_train), (x_test, y_test)``.
    """
    loaded = load_data_or_standin(
        path,
        origin=origin,
        file_hash=file_hash,
        cache_dir=cache_dir,
        timeout=timeout,
        fallback=fallback,
    )
    return loaded.data
