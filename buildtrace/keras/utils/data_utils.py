"""Files and batches: ``get_file`` (the Keras cache) and ``Sequence``.

Mirrors: ``keras/utils/data_utils.py`` of Keras 2. The download itself (atomic, checked,
with a progress bar) is the one MNIST uses (``buildtrace/keras/datasets/mnist.py``);
this module adds Keras's full ``get_file`` signature around it: ``fname`` taken from the
URL, ``md5_hash``, ``untar`` / ``extract`` of archives, and buildtrace's offline switch.
"""

from __future__ import annotations

import os
import tarfile
import urllib.parse
import zipfile
from typing import Any

from buildtrace.keras.datasets import mnist

#: Set to 1 to forbid downloads: datasets use the Keras cache or their labelled stand-ins.
OFFLINE_ENV = "BUILDTRACE_OFFLINE"

DownloadError = mnist.DownloadError
ChecksumError = mnist.ChecksumError


def offline() -> bool:
    """Whether ``$BUILDTRACE_OFFLINE`` forbids downloads (tests and classrooms set it)."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _extract_archive(path: str, into: str, archive_format: Any = "auto") -> bool:
    """Unpack a tar or zip file into ``into``; False if ``path`` is neither.

    Mirrors: ``keras/utils/data_utils.py::_extract_archive`` (with tarfile's ``data``
    filter, so an archive cannot write outside ``into``).
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else formats
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:
                archive.extractall(into, filter="data")
            return True
        if kind == "zip" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                archive.extractall(into)
            return True
    return False


def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: Any = "auto",
    cache_dir: str | os.PathLike[str] | None = None,
) -> str:
    """The path of ``fname`` in the Keras cache (``~/.keras/datasets``), downloaded if needed.

    Mirrors: ``keras/utils/data_utils.py::get_file`` (same arguments, same defaults). The
    hash algorithm follows the hash's length (64 hex digits: sha256, else md5), as Keras's
    ``"auto"`` does. Differs: downloads never leave a partial file; with
    ``$BUILDTRACE_OFFLINE`` set, a file missing from the cache raises ``DownloadError``
    at once instead of trying the network.

    Example:
        >>> get_file(origin=None)
        Traceback (most recent call last):
        ...
        ValueError: Please specify the "origin" argument (URL of the file to download).

    Raises:
        ValueError: no ``origin``, or no file name in it (Keras's messages).
        DownloadError: the download failed (or offline mode forbids it).
        ChecksumError: the downloaded file does not match its hash.
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash  # Keras's older argument name
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"Can't parse the file name from the origin provided: '{origin}'."
                "Please specify the `fname` as the input param."
            )
    untar_path = None
    if untar:
        # Keras keeps the archive as NAME.tar.gz and returns the folder NAME it unpacks.
        untar_path = mnist._cache_path(fname, cache_subdir, cache_dir)
        fname = fname if fname.endswith(".tar.gz") else f"{fname}.tar.gz"
    cached = mnist._cache_path(fname, cache_subdir, cache_dir)
    if offline() and not os.path.exists(cached):
        raise DownloadError(f"URL fetch failure on {origin}: {OFFLINE_ENV} is set")
    path = mnist.get_file(
        fname, origin, file_hash=file_hash, cache_subdir=cache_subdir, cache_dir=cache_dir
    )
    if untar_path is not None:
        if not os.path.exists(untar_path):
            _extract_archive(path, os.path.dirname(path), archive_format="tar")
        return untar_path
    if extract:
        _extract_archive(path, os.path.dirname(path), archive_format)
    return path


class Sequence:
    """Base class for a dataset given batch by batch: ``seq[i]`` is batch ``i``.

    Mirrors: ``keras/utils/data_utils.py::Sequence``. Implement ``__getitem__`` (returning
    ``(x, y)`` or ``(x, y, sample_weight)``) and ``__len__`` (the number of batches);
    ``fit`` calls ``on_epoch_end`` after every epoch.

    Example:
        >>> class Twice(Sequence):
        ...     def __len__(self): return 2
        ...     def __getitem__(self, i): return [i], [2 * i]
        >>> list(Twice())
        [([0], [0]), ([1], [2])]
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch (shuffle here if you like)."""

    def __iter__(self) -> Any:
        for index in range(len(self)):
            yield self[index]
