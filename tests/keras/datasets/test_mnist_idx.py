"""The IDX reader, on small synthetic files written here (plain and gzipped)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from buildtrace.keras.datasets import idx


def _idx_bytes(array: np.ndarray, type_code: int = 0x08, big_endian_dtype: str = "u1") -> bytes:
    """Encode ``array`` as IDX by hand (independently of the reader under test)."""
    header = struct.pack(">HBB", 0, type_code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(big_endian_dtype).tobytes()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


IMAGES = np.arange(3 * 28 * 28, dtype=np.int64).reshape(3, 28, 28).astype(np.uint8)
LABELS = np.array([7, 0, 9], dtype=np.uint8)


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_read_uint8_plain_and_gz(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, _idx_bytes(IMAGES))
    array = idx.read_idx(path, expected_magic=idx.IMAGES_MAGIC)
    assert array.dtype == np.uint8 and array.shape == (3, 28, 28)
    np.testing.assert_array_equal(array, IMAGES)


def test_gzip_is_detected_by_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "labels-without-gz-suffix"
    path.write_bytes(gzip.compress(_idx_bytes(LABELS)))
    np.testing.assert_array_equal(idx.read_idx(path), LABELS)


@pytest.mark.parametrize(("code", "dtype"), [(0x0B, ">i2"), (0x0C, ">i4"), (0x0D, ">f4")])
def test_big_endian_types_come_back_native(tmp_path: Path, code: int, dtype: str) -> None:
    values = np.array([[1, -2, 300], [4, 5, -6]])
    array = idx.read_idx(_write(tmp_path / "f", _idx_bytes(values, code, dtype)))
    assert array.dtype.isnative
    np.testing.assert_array_equal(array, values)


def test_bad_magic(tmp_path: Path) -> None:
    path = _write(tmp_path / "x", b"PK\x03\x04" + bytes(20))  # e.g. a zip file
    with pytest.raises(ValueError, match="bad magic number 0x504B0304"):
        idx.read_idx(path)


def test_labels_file_where_images_expected(tmp_path: Path) -> None:
    path = _write(tmp_path / "x", _idx_bytes(LABELS))
    with pytest.raises(ValueError, match="expected 0x00000803"):
        idx.read_idx(path, expected_magic=idx.IMAGES_MAGIC)


@pytest.mark.parametrize("cut", [-1, 5])
def test_size_mismatch(tmp_path: Path, cut: int) -> None:
    data = _idx_bytes(IMAGES)
    data = data[:cut] if cut < 0 else data + bytes(cut)  # truncated, or trailing junk
    with pytest.raises(ValueError, match="data bytes"):
        idx.read_idx(_write(tmp_path / "x", data))


def test_too_short_and_broken_gzip(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too short"):
        idx.read_idx(_write(tmp_path / "a", b"\x00\x00"))
    with pytest.raises(ValueError, match="broken gzip"):
        idx.read_idx(_write(tmp_path / "b", gzip.compress(_idx_bytes(LABELS))[:-6]))


def _write_split(folder: Path, prefix: str, gz: bool) -> None:
    ext = ".gz" if gz else ""
    _write(folder / f"{prefix}-images-idx3-ubyte{ext}", _idx_bytes(IMAGES))
    _write(folder / f"{prefix}-labels-idx1-ubyte{ext}", _idx_bytes(LABELS))


def test_folder_with_only_the_t10k_pair(tmp_path: Path) -> None:
    _write_split(tmp_path, "t10k", gz=True)
    splits = idx.load_idx_folder(tmp_path)
    assert list(splits) == ["test"]
    np.testing.assert_array_equal(splits["test"][0], IMAGES)
    np.testing.assert_array_equal(splits["test"][1], LABELS)


def test_folder_with_both_splits(tmp_path: Path) -> None:
    _write_split(tmp_path, "train", gz=False)
    _write_split(tmp_path, "t10k", gz=True)
    assert sorted(idx.load_idx_folder(tmp_path)) == ["test", "train"]


def test_empty_folder_names_the_missing_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"t10k-images-idx3-ubyte\[\.gz\]"):
        idx.load_idx_folder(tmp_path)


def test_half_a_pair_names_the_partner(tmp_path: Path) -> None:
    _write(tmp_path / "train-images-idx3-ubyte", _idx_bytes(IMAGES))
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte"):
        idx.load_idx_folder(tmp_path)


def test_images_and_labels_must_agree(tmp_path: Path) -> None:
    _write(tmp_path / "t10k-images-idx3-ubyte", _idx_bytes(IMAGES))
    _write(tmp_path / "t10k-labels-idx1-ubyte", _idx_bytes(LABELS[:2]))
    with pytest.raises(ValueError, match=r"3 images but .* 2 labels"):
        idx.load_idx_folder(tmp_path)
