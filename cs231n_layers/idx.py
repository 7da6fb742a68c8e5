"""The IDX file format of MNIST and Fashion-MNIST, gzip-compressed or plain.

An IDX file is a big-endian header followed by the values:

========  ==========================================================
bytes     meaning
========  ==========================================================
0-3       magic number: 2049 for a vector (labels), 2051 for a stack
          of images
4-7       N, the number of items
8-15      rows and columns (images only)
16-...    the values, one unsigned byte each, row by row
========  ==========================================================

The published files are gzip-compressed. Whether a file is compressed is
read from its first two bytes, never from its name, so a file decompressed
by hand (or recompressed by a packager) reads the same.
"""
import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

__all__ = ["read_idx"]

# magic number -> number of dimensions (unsigned-byte data only)
_IDX_NDIM = {2049: 1, 2051: 3}
_GZIP_MAGIC = b"\x1f\x8b"


def read_content(path):
    """The bytes of ``path``, decompressed when they are gzip data.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    bytes
        What the file holds once decompressed; the file itself is left as
        it is.

    Raises
    ------
    ValueError
        Naming the file, when it starts like gzip data but is cut short or
        corrupt.
    OSError
        When the file cannot be read (missing, a folder, no permission).
    """
    data = Path(path).read_bytes()
    if data[:2] != _GZIP_MAGIC:
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"{path}: corrupt or incomplete gzip data ({exc})") from exc


def parse_idx(content, path):
    """Parse decompressed IDX bytes into an array.

    Parameters
    ----------
    content : bytes
        The whole decompressed file.
    path : str or pathlib.Path
        Where ``content`` came from; only used in error messages.

    Returns
    -------
    ndarray of uint8, writeable
        Shape ``(N,)`` for labels, ``(N, rows, cols)`` for images.

    Raises
    ------
    ValueError
        Naming ``path``, when the magic number is not 2049 or 2051, the
        header is cut short, an image dimension is zero, or the number of
        values differs from what the header announces.
    """
    if len(content) < 4:
        raise ValueError(f"{path}: {len(content)} bytes is too short for an "
                         f"IDX header (at least 4 needed)")
    magic = int.from_bytes(content[:4], "big")
    if magic not in _IDX_NDIM:
        raise ValueError(f"{path}: bad IDX magic number {magic} "
                         f"(0x{magic:08x}); expected 2049 (labels) or "
                         f"2051 (images)")
    ndim = _IDX_NDIM[magic]
    header = 4 + 4 * ndim
    if len(content) < header:
        raise ValueError(f"{path}: IDX header cut short: magic {magic} "
                         f"announces {ndim} dimension(s), i.e. {header} "
                         f"header bytes, but the file holds {len(content)}")
    dims = struct.unpack(f">{ndim}I", content[4:header])
    if ndim == 3 and 0 in dims[1:]:
        raise ValueError(f"{path}: image dimensions {dims[1]}x{dims[2]} "
                         f"must be positive")
    expected = int(np.prod(dims, dtype=np.int64))
    actual = len(content) - header
    if actual != expected:
        what = "truncated" if actual < expected else "trailing bytes"
        raise ValueError(f"{path}: payload holds {actual} bytes but the "
                         f"header announces {expected} (shape {dims}): "
                         f"{what}")
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(dims).copy()


def read_idx(path):
    """Read an IDX file of unsigned bytes, gzip-compressed or plain.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    ndarray of uint8
        Shape ``(N,)`` for labels (magic 2049), ``(N, rows, cols)`` for
        images (magic 2051).

    Raises
    ------
    TypeError
        When ``path`` is not a str or a path.
    ValueError
        Naming the file, when its gzip data is corrupt or its IDX content
        is malformed (see :func:`parse_idx`).
    OSError
        When the file cannot be read.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_idx: path must be a str or a path, got "
                        f"{type(path).__name__} {path!r}")
    path = Path(path)
    return parse_idx(read_content(path), path)
