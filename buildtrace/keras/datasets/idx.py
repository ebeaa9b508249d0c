"""Reader for the IDX files that MNIST was originally published in.

Keras itself never reads IDX: ``keras.datasets.mnist.load_data`` downloads a ready-made
``mnist.npz``. buildtrace adds this reader so that a copy of the four original files
(``train-images-idx3-ubyte`` etc., optionally gzipped) can be used offline.

The IDX format is tiny. A file starts with a 4-byte *magic number*:

- bytes 0-1: always zero,
- byte 2: element type (0x08 = uint8, 0x09 = int8, 0x0B = int16, 0x0C = int32,
  0x0D = float32, 0x0E = float64),
- byte 3: number of dimensions.

Then one big-endian uint32 per dimension, then the elements in C order, big-endian.
MNIST's image files have magic 0x00000803 (2051: uint8, 3 dims) and its label files
0x00000801 (2049: uint8, 1 dim).
"""

from __future__ import annotations

import gzip
import os
import struct

import numpy as np
import numpy.typing as npt

# IDX element-type byte -> big-endian numpy dtype.
_IDX_DTYPES: dict[int, str] = {
    0x08: "u1",
    0x09: "i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
_GZIP_SIGNATURE = b"\x1f\x8b"

# split name -> (images file, labels file), as named on the original MNIST site.
MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

Split = tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, gunzipped if it is gzip data (judged by content, not by name)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == _GZIP_SIGNATURE:
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as err:  # truncated or corrupt gzip stream
            raise ValueError(f"{os.fspath(path)}: broken gzip data ({err})") from err
    return raw


def read_idx(path: str | os.PathLike[str], *, expected_magic: int | None = None) -> np.ndarray:
    """Read one IDX file (plain or ``.gz``) into a numpy array.

    Mirrors: nothing in Keras (Keras only ships ``mnist.npz``); buildtrace-only helper.

    Args:
        path: Path to the file. Gzip data is detected from its first bytes.
        expected_magic: If given, the file's magic number must equal it (for example
            ``IMAGES_MAGIC`` or ``LABELS_MAGIC``), so that swapped files are caught early.

    Returns:
        An array of the stored shape, in native byte order (``uint8`` for MNIST).

    Raises:
        ValueError: The file is not valid IDX: bad magic number, unknown element type,
            or a data size that does not match the header.
    """
    name = os.fspath(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"{name}: too short to be an IDX file ({len(data)} bytes)")
    zero, type_code, ndim = struct.unpack(">HBB", data[:4])
    magic = struct.unpack(">I", data[:4])[0]
    if zero != 0 or type_code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(f"{name}: not an IDX file (bad magic number 0x{magic:08X})")
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(
            f"{name}: magic number is 0x{magic:08X}, expected 0x{expected_magic:08X} "
            "(is this the right file, e.g. images vs labels?)"
        )
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise ValueError(f"{name}: header truncated ({len(data)} bytes)")
    shape = struct.unpack(f">{ndim}I", data[4:header_len])
    dtype = np.dtype(_IDX_DTYPES[type_code])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(data) - header_len
    if actual != expected:
        raise ValueError(
            f"{name}: header says shape {shape} ({expected} data bytes) "
            f"but the file holds {actual} data bytes"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_len).reshape(shape)
    # Convert to native byte order (and a writable copy): big-endian arrays surprise people.
    return array.astype(dtype.newbyteorder("="))


def _find(folder: str, base: str) -> str | None:
    """Path of ``base`` or ``base.gz`` in ``folder``, or None if neither exists."""
    for candidate in (base, base + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None


def _read_split(images_path: str, labels_path: str) -> Split:
    """Read and cross-check one images/labels pair."""
    images = read_idx(images_path, expected_magic=IMAGES_MAGIC)
    labels = read_idx(labels_path, expected_magic=LABELS_MAGIC)
    if images.shape[1:] != (28, 28):
        raise ValueError(f"{images_path}: images are {images.shape[1:]}, expected (28, 28)")
    if len(images) != len(labels):
        raise ValueError(
            f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"{labels_path}: labels must be 0-9, found {labels.max()}")
    return images, labels


def load_idx_folder(folder: str | os.PathLike[str]) -> dict[str, Split]:
    """Load whichever MNIST splits exist as IDX files in ``folder``.

    Mirrors: nothing in Keras; buildtrace-only. The arrays have the same layout as
    keras/datasets/mnist.py::load_data returns (uint8 images (n, 28, 28), uint8 labels).

    Args:
        folder: A folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte`` and/or ``t10k-labels-idx1-ubyte``, each plain or
            with a ``.gz`` suffix.

    Returns:
        A dict with key ``"train"`` and/or ``"test"``, each an ``(images, labels)`` pair.
        A folder with only the t10k pair gives ``{"test": ...}``.

    Raises:
        FileNotFoundError: No complete pair is present, or one file of a pair is present
            without its partner; the message names the missing files.
        ValueError: A file is not valid IDX or the pair does not match.
    """
    folder = os.fspath(folder)
    splits: dict[str, Split] = {}
    missing: list[str] = []
    for split, (images_name, labels_name) in MNIST_FILES.items():
        images_path, labels_path = _find(folder, images_name), _find(folder, labels_name)
        if images_path and labels_path:
            splits[split] = _read_split(images_path, labels_path)
        elif images_path or labels_path:
            # Half a pair is almost certainly a mistake (e.g. an interrupted copy): say so.
            absent = labels_name if images_path else images_name
            raise FileNotFoundError(
                f"{folder}: found the {split} {'images' if images_path else 'labels'} "
                f"but not {absent}[.gz]"
            )
        else:
            missing += [images_name, labels_name]
    if not splits:
        names = ", ".join(f"{m}[.gz]" for m in missing)
        raise FileNotFoundError(f"{folder}: no MNIST IDX files found (looked for {names})")
    return splits
