"""Tests of cs231n_layers.idx: the IDX format, gzip-compressed or plain.

Pure file-format tests: no download, no checksum table, no data folder.
"""
import re

import numpy as np
import pytest

from _data_fixtures import RECOMPRESSED, gzip_bytes, idx_bytes, tamper
from cs231n_layers.idx import parse_idx, read_content, read_idx


def _write(folder, name, raw, compress=False):
    path = folder / name
    path.write_bytes(gzip_bytes(raw) if compress else raw)
    return path


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_read_idx_round_trip(tmp_path, compress):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, size=5, dtype=np.uint8)
    for name, array in (("images", images), ("labels", labels)):
        path = _write(tmp_path, name, idx_bytes(array), compress)
        out = read_idx(path)
        assert out.dtype == np.uint8 and out.shape == array.shape
        np.testing.assert_array_equal(out, array)
        assert out.flags.writeable
    assert read_idx(str(tmp_path / "labels")).shape == (5,)


@pytest.mark.parametrize("variant", sorted(RECOMPRESSED))
def test_read_content_ignores_the_gzip_header_and_leaves_the_file(tmp_path, variant):
    raw = idx_bytes(np.arange(30, dtype=np.uint8).reshape(2, 3, 5))
    body = RECOMPRESSED[variant](raw)
    path = tmp_path / "whatever.name"       # the name says nothing about gzip
    path.write_bytes(body)
    assert read_content(path) == raw
    assert path.read_bytes() == body
    np.testing.assert_array_equal(read_idx(path), parse_idx(raw, path))


def test_parse_idx_names_the_given_path():
    raw = idx_bytes(np.zeros(4, np.uint8))
    with pytest.raises(ValueError,
                       match=r"^somewhere/labels\.idx: payload holds 3 bytes"):
        parse_idx(raw[:-1], "somewhere/labels.idx")


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("name, raw, pattern", [
    ("bad-magic", b"\x00\x00\x08\x02" + idx_bytes(np.zeros(4, np.uint8))[4:],
     r"bad-magic: bad IDX magic number 2050 \(0x00000802\); expected 2049"),
    ("short", b"\x00\x00", r"short: 2 bytes is too short for an IDX header"),
    ("empty", b"", r"empty: 0 bytes is too short"),
    ("cut.idx", idx_bytes(np.ones((3, 28, 28), np.uint8))[:-1],
     r"cut\.idx: payload holds 2351 bytes but the header announces 2352 "
     r"\(shape \(3, 28, 28\)\): truncated"),
    ("long.idx", idx_bytes(np.ones(7, np.uint8)) + b"\x00",
     r"long\.idx: payload holds 8 bytes but .* announces 7 .*trailing bytes"),
    # Magic 2051 announces three dimensions but the header stops after one.
    ("dims.idx", idx_bytes(np.ones((3, 28, 28), np.uint8))[:8],
     r"dims\.idx: IDX header cut short: magic 2051 announces 3 dimension"),
    ("zero.idx", idx_bytes(np.ones((3, 28, 28), np.uint8))[:8]
     + (0).to_bytes(4, "big") + (28).to_bytes(4, "big"),
     r"zero\.idx: image dimensions 0x28 must be positive"),
])
def test_read_idx_malformed_content(tmp_path, compress, name, raw, pattern):
    path = _write(tmp_path, name, raw, compress)
    with pytest.raises(ValueError, match=re.escape(str(tmp_path)) + "/" + pattern):
        read_idx(path)


@pytest.mark.parametrize("name, damage", [
    ("cut.gz", lambda good: good[: len(good) // 2]),
    ("junk.gz", lambda good: b"\x1f\x8b" + b"\xff" * 50),
    ("crc.gz", lambda good: good[:-8] + tamper(good[-8:-4]) + good[-4:]),
    ("trailing-junk.gz", lambda good: good + b"not gzip"),
])
def test_read_idx_corrupt_gzip_names_the_file(tmp_path, name, damage):
    good = gzip_bytes(idx_bytes(np.ones(100, np.uint8)))
    path = _write(tmp_path, name, damage(good))
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: corrupt or "
                                         rf"incomplete gzip data \("):
        read_content(path)
    with pytest.raises(ValueError, match="corrupt or incomplete gzip data"):
        read_idx(path)


def test_read_idx_bad_arguments(tmp_path):
    with pytest.raises(TypeError,
                       match=r"read_idx: path must be a str or a path, got int 42"):
        read_idx(42)
    with pytest.raises(FileNotFoundError, match="missing"):
        read_idx(tmp_path / "missing")
    with pytest.raises(IsADirectoryError):
        read_idx(tmp_path)
