"""Fashion-MNIST for the course: download, verify, parse and split.

The four official files are fetched over HTTP (with :mod:`pooch`, which is
built on :mod:`requests`), checked against the dataset's published MD5s and
cached in one folder. :func:`get_fashion_mnist_data` turns them into the
``(N, 1, 28, 28)`` float arrays the networks of the course consume, in the
spirit of CS231n's ``get_CIFAR10_data``.

Where the real files cannot be had (no network, no copy on disk) and the
environment variable ``CS231N_ALLOW_SYNTHETIC=1`` is set, it falls back to
:func:`synthetic_fashion_mnist`: ten procedurally drawn silhouettes with the
same shapes and dtypes. That stand-in is announced with a ``UserWarning`` and
``source='synthetic'``, and is never written to disk.

Environment variables
---------------------
``CS231N_DATA_DIR``
    Folder holding (or receiving) the four files. Default: the repository's
    ``data/`` folder, whatever the current working directory.
``FASHION_MNIST_URL``
    Base URL of a mirror, tried before the official sources.
``CS231N_ALLOW_SYNTHETIC``
    ``1`` lets :func:`get_fashion_mnist_data` fall back to the synthetic
    stand-in instead of raising :class:`DownloadError`.
"""
import gzip
import numbers
import os
import re
import struct
import tempfile
import time
import warnings
import zlib
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pooch
import requests

__all__ = [
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_MD5",
    "DownloadError",
    "fashion_mnist_dir",
    "download_fashion_mnist",
    "read_idx",
    "load_fashion_mnist",
    "get_fashion_mnist_data",
    "synthetic_fashion_mnist",
]

#: The ten class names, indexed by label.
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

# The (images, labels) file names of each split.
_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
# Official MD5s. Private and looked up at call time, so that the tests can
# monkeypatch it with the checksums of their small generated fixtures.
_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
# The official checksums for readers (read-only; the loader uses _MD5).
FASHION_MNIST_MD5 = MappingProxyType(dict(_MD5))
# Sources tried after $FASHION_MNIST_URL, in order. Tests point these at a
# local server so that no test can ever reach the internet.
_DEFAULT_BASE_URLS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/"
    "master/data/fashion/",
)
_CONNECT_TIMEOUT = 3.0   # seconds to open a connection
_READ_TIMEOUT = 30.0     # seconds of silence tolerated once connected
_RETRIES = 1             # extra attempts per source after a transient failure
_RETRY_PAUSE = 0.25      # seconds between two attempts
_OFFICIAL_COUNTS = {"train": 60000, "test": 10000}
_IMAGE_SHAPE = (28, 28)
_IDX_NDIM = {2049: 1, 2051: 3}   # unsigned-byte labels and images


class DownloadError(RuntimeError):
    """The Fashion-MNIST files could not be downloaded or stored.

    The message lists what was tried, the expected files and MD5s, the folder
    to put them in by hand and the environment variables that help.
    """


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------

def _check_int(func, name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an integer, got "
                        f"{type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{func}: {name} must be >= {minimum}, got {value}")
    return int(value)


def _check_bool(func, name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: {name} must be True or False, got "
                        f"{type(value).__name__} {value!r}")
    return bool(value)


def _resolve_root(func, root):
    """``root``, else ``$CS231N_DATA_DIR``, else the repository's ``data/``."""
    if root is None:
        env = os.environ.get("CS231N_DATA_DIR", "").strip()
        if env:
            return Path(env).expanduser()
        return Path(__file__).resolve().parent.parent / "data"
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"{func}: root must be a str, a path or None, got "
                        f"{type(root).__name__} {root!r}")
    return Path(root).expanduser()


def fashion_mnist_dir(root=None):
    """The folder the loader reads and writes the four files in.

    Parameters
    ----------
    root : str, path or None
        Returned as a Path when given; otherwise ``$CS231N_DATA_DIR`` when
        set, else the repository's ``data/`` folder.

    Returns
    -------
    pathlib.Path
    """
    return _resolve_root("fashion_mnist_dir", root)


def _sources():
    """Base URLs to try, in order: ``$FASHION_MNIST_URL``, then the defaults."""
    bases = []
    mirror = os.environ.get("FASHION_MNIST_URL", "").strip()
    if mirror:
        bases.append(mirror)
    bases.extend(_DEFAULT_BASE_URLS)
    return [b if b.endswith("/") else b + "/" for b in bases]


def _synthetic_allowed():
    value = os.environ.get("CS231N_ALLOW_SYNTHETIC", "").strip().lower()
    return value in {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------

def _md5(path):
    return pooch.file_hash(str(path), alg="md5")


def _prepare_root(root):
    """Create ``root`` and prove it can be written, or raise DownloadError."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=root, prefix=".write-test-")
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise DownloadError(
            f"The data folder {root} cannot be created or written "
            f"({exc.strerror or exc}). Pass another folder as root=... or set "
            f"CS231N_DATA_DIR, or put the files there by hand (see "
            f"data/README.md).") from exc


def _describe(exc):
    """One short line saying why one download attempt failed."""
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.Timeout):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed (ConnectionError)"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection closed before the whole file arrived (truncated)"
    if isinstance(exc, ValueError) and "does not match the known hash" in str(exc):
        got = re.search(r"but got (\w+)", str(exc))
        return "MD5 mismatch" + (f" (got {got.group(1)})" if got else "")
    return f"{type(exc).__name__}: {exc}"


def _fetch(url, md5, dest, *, progressbar):
    """Download ``url`` to ``dest``, verified, with a bounded retry.

    A refused or dropped connection, a truncated body or an HTTP 5xx is
    retried ``_RETRIES`` times; a timeout (which has already cost its wait),
    an HTTP 4xx or an MD5 mismatch is not. pooch streams into a temporary
    file in ``dest``'s folder, checks the MD5, deletes the bytes if they are
    wrong and otherwise moves them to a staging name, renamed to ``dest`` in
    one step: ``dest`` never holds a partial or unverified file. Raises the
    last requests or pooch exception.
    """
    # Per process, so that two processes filling one folder do not collide.
    staging = dest.with_name(f"{dest.name}.{os.getpid()}.part")
    downloader = pooch.HTTPDownloader(
        progressbar=progressbar, timeout=(_CONNECT_TIMEOUT, _READ_TIMEOUT))
    for attempt in range(1 + _RETRIES):
        staging.unlink(missing_ok=True)
        try:
            pooch.retrieve(url, known_hash=f"md5:{md5}", fname=staging.name,
                           path=dest.parent, downloader=downloader)
            os.replace(staging, dest)
            return
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status < 500 or attempt == _RETRIES:
                raise
        except requests.Timeout:
            raise
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            if attempt == _RETRIES:
                raise
        finally:
            staging.unlink(missing_ok=True)
        time.sleep(_RETRY_PAUSE)


def _download_error(missing, root, tried, skipped):
    lines = [f"Could not download Fashion-MNIST into {root}.", "Tried:"]
    lines += [f"  {url}: {reason}" for url, reason in tried]
    if skipped:
        lines.append(f"  ({skipped} more URL(s) not tried: their source had "
                     f"already failed to connect.)")
    lines += [
        "To fix it, do one of the following:",
        "  * connect to the internet and run again;",
        f"  * download these files by hand and put them in {root}:",
    ]
    lines += [f"      {name}  (md5 {md5})" for name, md5 in missing.items()]
    lines += [
        "    from " + " or ".join(_DEFAULT_BASE_URLS) + " (see data/README.md);",
        "  * set FASHION_MNIST_URL to the base URL of a mirror holding them;",
        "  * set CS231N_DATA_DIR to a folder that already holds them;",
        "  * set CS231N_ALLOW_SYNTHETIC=1 to let get_fashion_mnist_data() use a",
        "    clearly labelled SYNTHETIC stand-in (not Fashion-MNIST) instead.",
    ]
    return DownloadError("\n".join(lines))


def _download(table, root, sources, *, force=False, progressbar=True):
    """Make every file of ``table`` present and verified in ``root``.

    The single download path of this module; ``download_fashion_mnist`` calls
    it with the official table, the tests with the table of their fixtures.

    Parameters
    ----------
    table : dict of str to str
        File name -> expected MD5 (hex).
    root : Path
        Folder holding the files.
    sources : list of str
        Base URLs ending in ``/``, tried in order for each file.
    force : bool
        Download again even files whose cached copy verifies.
    progressbar : bool
        Show a tqdm progress bar per download.

    Returns
    -------
    dict of str to Path
        File name -> path of the verified file.

    Raises
    ------
    DownloadError
        When some file could not be had from any source, or ``root`` cannot
        be written. Files that could be had are kept.
    """
    root = Path(root)
    paths, tried, missing, skipped = {}, [], {}, 0
    dead = set()     # base URLs given up after a failed connection
    prepared = False
    for name, md5 in table.items():
        dest = root / name
        if dest.is_file():
            if _md5(dest) == md5:
                if not force:
                    paths[name] = dest
                    continue
            else:
                pooch.get_logger().warning(
                    "%s does not match its MD5 (corrupt or incomplete); "
                    "fetching it again.", dest)
                try:
                    dest.unlink()
                except OSError as exc:
                    raise DownloadError(f"Cannot remove the corrupt file {dest} "
                                        f"({exc.strerror or exc}).") from exc
        if not prepared:
            _prepare_root(root)
            prepared = True
        for base in sources:
            url = base + name
            if base in dead:
                skipped += 1
                continue
            try:
                _fetch(url, md5, dest, progressbar=progressbar)
            except (requests.RequestException, ValueError) as exc:
                tried.append((url, _describe(exc)))
                if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
                    dead.add(base)
            else:
                paths[name] = dest
                break
        else:
            missing[name] = md5
    if missing:
        raise _download_error(missing, root, tried, skipped)
    return paths


def download_fashion_mnist(root=None, force=False):
    """Download the four official Fashion-MNIST files, verified and cached.

    Sources, in order: ``$FASHION_MNIST_URL`` when set, the official site,
    the dataset's GitHub repository. Each file is verified against its
    official MD5; a cached file that verifies is not fetched again, a corrupt
    one is deleted and fetched again. Nothing unverified is ever left under
    an official name.

    Parameters
    ----------
    root : str or path-like, optional
        Folder for the files. Default ``$CS231N_DATA_DIR``, else the
        repository's ``data/`` folder.
    force : bool, default False
        Fetch every file again even if its cached copy verifies (the old
        copy is replaced only once the new one has verified).

    Returns
    -------
    dict of str to pathlib.Path
        Each of the four official file names -> path of its verified copy.

    Raises
    ------
    DownloadError
        When a file cannot be had from any source, listing the URLs tried,
        the files and MD5s expected, the folder and the environment
        variables that help. Without a network it comes within seconds:
        connecting times out after 3 s, only transient failures are retried
        (once per source), and a source that cannot be reached is not tried
        again for the other files. Also when ``root`` cannot be created or
        written (naming it).
    """
    func = "download_fashion_mnist"
    root = _resolve_root(func, root)
    force = _check_bool(func, "force", force)
    return _download(dict(_MD5), root, _sources(), force=force)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

def read_idx(path):
    """Read an IDX file of unsigned bytes, gzip-compressed or plain.

    Format: a big-endian header (4-byte magic number, then one 4-byte count
    per dimension) followed by the values, one unsigned byte each. Magic 2049
    holds labels, 2051 holds images. Compression is detected from the bytes,
    not from the file name.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    ndarray of uint8
        Shape ``(N,)`` for labels, ``(N, rows, cols)`` for images.

    Raises
    ------
    ValueError
        Naming the file, when the gzip stream is corrupt, the magic number is
        not 2049 or 2051, the header is cut short, an image dimension is zero,
        or the payload size differs from what the header announces.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_idx: path must be a str or a path, got "
                        f"{type(path).__name__} {path!r}")
    path = Path(path)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: corrupt gzip data ({exc})") from exc
    if len(data) < 4:
        raise ValueError(f"{path}: {len(data)} bytes is too short for an "
                         f"IDX header (at least 4 needed)")
    magic = int.from_bytes(data[:4], "big")
    if magic not in _IDX_NDIM:
        raise ValueError(f"{path}: bad IDX magic number {magic} "
                         f"(0x{magic:08x}); expected 2049 (labels) or "
                         f"2051 (images)")
    ndim = _IDX_NDIM[magic]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: IDX header cut short: magic {magic} "
                         f"announces {ndim} dimension(s), i.e. {header} "
                         f"header bytes, but the file holds {len(data)}")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    if ndim == 3 and 0 in dims[1:]:
        raise ValueError(f"{path}: image dimensions {dims[1]}x{dims[2]} "
                         f"must be positive")
    expected = int(np.prod(dims, dtype=np.int64))
    actual = len(data) - header
    if actual != expected:
        what = "truncated" if actual < expected else "trailing bytes"
        raise ValueError(f"{path}: payload holds {actual} bytes but the "
                         f"header announces {expected} (shape {dims}): "
                         f"{what}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims).copy()


def load_fashion_mnist(kind="train", root=None, download=True):
    """Load one official split as uint8 arrays.

    Parameters
    ----------
    kind : {'train', 'test'}
        The 60,000-example training split or the 10,000-example test split.
    root : str or path-like, optional
        Folder of the files (see :func:`download_fashion_mnist`).
    download : bool, default True
        Fetch missing or corrupt files first. With False the files must
        already be in ``root``.

    Returns
    -------
    images : ndarray of uint8, shape (N, 28, 28)
    labels : ndarray of uint8, shape (N,)
        Values 0-9, indexing :data:`FASHION_MNIST_CLASSES`.

    Raises
    ------
    ValueError
        For a bad ``kind``, malformed files, or image and label counts that
        differ.
    FileNotFoundError
        With ``download=False``, when a file is missing.
    DownloadError
        With ``download=True``, when a file cannot be had.
    """
    func = "load_fashion_mnist"
    if not isinstance(kind, str) or kind not in _FILES:
        raise ValueError(f"{func}: kind must be 'train' or 'test', got {kind!r}")
    download = _check_bool(func, "download", download)
    root = _resolve_root(func, root)
    names = _FILES[kind]
    if download:
        _download({n: _MD5[n] for n in names}, root, _sources())
    missing = [n for n in names if not (root / n).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{func}: missing from {root}: {', '.join(missing)}. Call "
            f"load_fashion_mnist({kind!r}, download=True) or "
            f"download_fashion_mnist(), or put the files there by hand "
            f"(sources and MD5s in data/README.md), or set CS231N_DATA_DIR "
            f"to a folder that holds them.")
    image_path, label_path = (root / n for n in names)
    images, labels = read_idx(image_path), read_idx(label_path)
    if images.ndim != 3 or images.shape[1:] != _IMAGE_SHAPE:
        raise ValueError(f"{image_path}: expected images of shape (N, 28, 28), "
                         f"got {images.shape}")
    if labels.ndim != 1:
        raise ValueError(f"{label_path}: expected labels of shape (N,), "
                         f"got {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(f"{image_path} holds {len(images)} images but "
                         f"{label_path} holds {len(labels)} labels")
    if labels.size and labels.max() >= len(FASHION_MNIST_CLASSES):
        raise ValueError(f"{label_path}: label {labels.max()} out of range 0-9")
    return images, labels


# --------------------------------------------------------------------------
# Ready-to-train splits
# --------------------------------------------------------------------------

def get_fashion_mnist_data(num_training=55000, num_validation=5000,
                           num_test=10000, subtract_mean=True,
                           dtype=np.float32, root=None):
    """Fashion-MNIST split, scaled and centred, ready for a convnet.

    Validation holds the ``num_validation`` examples right after the first
    ``num_training`` of the official training set; test holds the first
    ``num_test`` of the official test set. Pixels are scaled to [0, 1], then
    the mean training image is subtracted from every split.

    Parameters
    ----------
    num_training : int, default 55000
    num_validation : int, default 5000
        ``num_training + num_validation`` may not exceed 60,000.
    num_test : int, default 10000
        At most 10,000.
    subtract_mean : bool, default True
    dtype : floating dtype, default np.float32
    root : str or path-like, optional
        Folder of the files (see :func:`download_fashion_mnist`).

    Returns
    -------
    dict
        ``X_train`` (num_training, 1, 28, 28), ``y_train`` (num_training,),
        ``X_val``, ``y_val``, ``X_test``, ``y_test`` likewise (labels int64);
        ``class_names`` (tuple of 10 str); ``mean_image`` (1, 28, 28), the
        mean of the scaled training images (computed on the training split
        only, returned whether or not it was subtracted); ``source``,
        ``'fashion-mnist'`` or ``'synthetic'``.

    Raises
    ------
    DownloadError
        When the real files cannot be had and ``CS231N_ALLOW_SYNTHETIC`` is
        not ``1``. When it is, a ``UserWarning`` announces the synthetic
        stand-in instead and ``source`` is ``'synthetic'``.
    """
    func = "get_fashion_mnist_data"
    num_training = _check_int(func, "num_training", num_training, 1)
    num_validation = _check_int(func, "num_validation", num_validation, 0)
    num_test = _check_int(func, "num_test", num_test, 0)
    subtract_mean = _check_bool(func, "subtract_mean", subtract_mean)
    try:
        dtype = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{func}: dtype must be a floating-point dtype, "
                        f"got {dtype!r}") from exc
    if dtype.kind != "f":
        raise TypeError(f"{func}: dtype must be a floating-point dtype "
                        f"(float32 or float64), got {dtype}")
    root = _resolve_root(func, root)
    _check_split_sizes(func, num_training, num_validation, num_test,
                       _OFFICIAL_COUNTS["train"], _OFFICIAL_COUNTS["test"])
    try:
        _download(dict(_MD5), root, _sources())
    except DownloadError as exc:
        if not _synthetic_allowed():
            raise
        warnings.warn(
            "Using the SYNTHETIC stand-in for Fashion-MNIST, because the "
            f"real files could not be had ({str(exc).splitlines()[0]}). "
            "These are procedurally drawn silhouettes, NOT Fashion-MNIST: do "
            "not report results on them as Fashion-MNIST results. Unset "
            "CS231N_ALLOW_SYNTHETIC to turn this into an error.",
            UserWarning, stacklevel=2)
        x_all, y_all, x_test, y_test = synthetic_fashion_mnist(
            num_train=num_training + num_validation, num_test=num_test)
        source = "synthetic"
    else:
        x_all, y_all = load_fashion_mnist("train", root, download=False)
        x_test, y_test = load_fashion_mnist("test", root, download=False)
        source = "fashion-mnist"
    _check_split_sizes(func, num_training, num_validation, num_test,
                       len(x_all), len(x_test))

    def prepare(images):
        return images[:, None].astype(dtype) / dtype.type(255)

    X_train = prepare(x_all[:num_training])
    X_val = prepare(x_all[num_training:num_training + num_validation])
    X_test = prepare(x_test[:num_test])
    mean_image = X_train.mean(axis=0, dtype=np.float64).astype(dtype)
    if subtract_mean:
        X_train -= mean_image
        X_val -= mean_image
        X_test -= mean_image
    return {
        "X_train": X_train,
        "y_train": y_all[:num_training].astype(np.int64),
        "X_val": X_val,
        "y_val": y_all[num_training:num_training + num_validation].astype(np.int64),
        "X_test": X_test,
        "y_test": y_test[:num_test].astype(np.int64),
        "class_names": FASHION_MNIST_CLASSES,
        "mean_image": mean_image,
        "source": source,
    }


def _check_split_sizes(func, num_training, num_validation, num_test,
                       available_train, available_test):
    if num_training + num_validation > available_train:
        raise ValueError(
            f"{func}: num_training + num_validation = {num_training} + "
            f"{num_validation} = {num_training + num_validation} exceeds the "
            f"{available_train} training examples available")
    if num_test > available_test:
        raise ValueError(f"{func}: num_test = {num_test} exceeds the "
                         f"{available_test} test examples available")


# --------------------------------------------------------------------------
# Synthetic stand-in
# --------------------------------------------------------------------------
# Each silhouette is a signed distance function (negative inside) of shape
# coordinates x (left to right) and y (top to bottom), both about [-1, 1],
# evaluated on a whole class of samples at once. ``p`` holds per-sample
# uniform [0, 1) draws, shape (_DETAILS, n, 1, 1), that vary the garment's
# details (sizes, sleeve length, neckline, openings).

def _length(a, b):
    """sqrt(a**2 + b**2), overwriting ``a`` (np.hypot is far slower)."""
    a *= a
    a += b * b
    return np.sqrt(a, out=a)


def _sd_box(x, y, cx, cy, hw, hh):
    # Exact inside; outside, the larger axis distance (corners come out a
    # little sharp, invisible at 28 x 28, and half the cost of the exact one).
    return np.maximum(np.abs(x - cx) - hw, np.abs(y - cy) - hh)


def _sd_capsule(x, y, ax, ay, bx, by, r):
    """Distance to the segment from (ax, ay) to (bx, by), minus ``r``."""
    ex, ey = bx - ax, by - ay
    px, py = x - ax, y - ay
    h = px * ex
    h += py * ey
    h *= 1 / (ex * ex + ey * ey)
    np.clip(h, 0, 1, out=h)
    px -= h * ex
    py -= h * ey
    out = _length(px, py)
    out -= r
    return out


def _sd_circle(x, y, cx, cy, r):
    out = _length(x - cx, y - cy)
    out -= r
    return out


def _union(*sdfs):
    out = sdfs[0]
    for s in sdfs[1:]:
        out = np.minimum(out, s)
    return out


def _cut(sdf, hole):
    return np.maximum(sdf, -hole)


def _top(x, y, width, length, sleeve, neck, opening=None, placket=None,
         collar=None):
    """The four upper-body garments share one parametric silhouette.

    ``sleeve`` runs from 0 (a stub) to 1 (down to the hem); ``opening`` and
    ``placket`` are half-widths of a full-length or chest-deep dark line;
    ``collar`` is the thickness of two collar lines. Their ranges overlap
    between classes on purpose (short-sleeved shirts, hairline coat
    openings), so that, as in the real data, some tops are ambiguous.
    """
    body = _sd_box(x, y, 0, length - 0.62, width, length)
    shoulder = width - 0.06
    sleeves = _sd_capsule(np.abs(x), y, shoulder, -0.48,
                          shoulder + 0.4 * np.sqrt(sleeve), -0.48 + 1.2 * sleeve, 0.15)
    shape = _cut(_union(body, sleeves), _sd_circle(x, y, 0, -0.64, neck))
    if opening is not None:
        shape = _cut(shape, _sd_box(x, y, 0, length - 0.62, opening, length))
    if placket is not None:
        shape = _cut(shape, _sd_box(x, y, 0, -0.3, placket, 0.35))
    if collar is not None:
        shape = _cut(shape, _sd_capsule(np.abs(x), y, 0, -0.5, 0.2, -0.68, collar))
    return shape


def _tshirt(x, y, p):
    return _top(x, y, 0.36 + 0.1 * p[0], 0.64 + 0.1 * p[1], 0.1 + 0.3 * p[2],
                0.13 + 0.08 * p[3])


def _trouser(x, y, p):
    waist = _sd_box(x, y, 0, -0.72, 0.36 + 0.06 * p[0], 0.12)
    legs = _sd_capsule(np.abs(x), y, 0.2, -0.65, 0.2 + 0.12 * p[1], 0.82,
                       0.14 + 0.04 * p[2])
    return _union(waist, legs)


def _pullover(x, y, p):
    return _top(x, y, 0.36 + 0.1 * p[0], 0.66 + 0.12 * p[1], 0.8 + 0.2 * p[2],
                0.1 + 0.07 * p[3])


def _dress(x, y, p):
    half_width = 0.12 + (0.3 + 0.16 * p[0]) * (y + 0.8) / 1.65
    body = np.maximum(np.abs(x) - half_width, np.abs(y - 0.05) - 0.85) * 0.95
    straps = _sd_capsule(np.abs(x), y, 0.1, -0.8, 0.14 + 0.06 * p[1], -0.95, 0.05)
    return _union(body, straps)


def _coat(x, y, p):
    return _top(x, y, 0.42 + 0.08 * p[0], 0.74 + 0.12 * p[1], 0.85 + 0.15 * p[2],
                0.1 + 0.04 * p[3], opening=0.005 + 0.045 * p[4])


def _sandal(x, y, p):
    sole = _sd_box(x, y, 0, 0.42, 0.85, 0.06)
    lean = 0.25 + 0.2 * p[0]
    straps = [_sd_capsule(x, y, x0, 0.4, x0 + lean, -0.05 - 0.1 * p[1], 0.06)
              for x0 in (-0.62, -0.2, 0.22)]
    heel = _sd_capsule(x, y, -0.78, 0.4, -0.72, 0.0, 0.06)
    return _union(sole, heel, *straps)


def _shirt(x, y, p):
    # Three shirts in ten have short sleeves.
    sleeve = np.where(p[5] < 0.3, 0.15 + 0.3 * p[2], 0.75 + 0.25 * p[2])
    return _top(x, y, 0.36 + 0.1 * p[0], 0.66 + 0.12 * p[1], sleeve,
                0.08 + 0.05 * p[3], placket=0.005 + 0.035 * p[4],
                collar=0.02 + 0.04 * p[6])


def _sneaker(x, y, p):
    top = -0.15 + (0.3 + 0.12 * p[0]) * (x + 0.85) / 1.7
    shoe = np.maximum(np.maximum(np.abs(x) - 0.85, y - 0.5), top - y)
    return _cut(shoe, _sd_box(x, y, 0, 0.36 + 0.04 * p[1], 0.9, 0.025))


def _bag(x, y, p):
    body = _sd_box(x, y, 0, 0.3, 0.55 + 0.12 * p[0], 0.4 + 0.06 * p[1]) - 0.08
    ring = np.abs(_sd_circle(x, y, 0, -0.12, 0.36 + 0.1 * p[2])) - 0.06
    return _union(body, np.maximum(ring, y + 0.1))


def _ankle_boot(x, y, p):
    shaft = _sd_box(x, y, -0.32, -0.2, 0.28 + 0.04 * p[0], 0.62)
    foot = _sd_box(x, y, 0.08, 0.26, 0.72, 0.2)
    toe = _sd_circle(x, y, 0.66 + 0.06 * p[1], 0.3, 0.18)
    return _cut(_union(shaft, foot, toe), _sd_box(x, y, 0.08, 0.4, 0.9, 0.02))


_CHUNK = 128
_DETAILS = 7   # per-sample detail parameters drawn for every silhouette
_SILHOUETTES = (_tshirt, _trouser, _pullover, _dress, _coat,
                _sandal, _shirt, _sneaker, _bag, _ankle_boot)


def _draw_class(rng, label, n):
    """``n`` uint8 images of class ``label``, shape (n, 28, 28).

    Arrays of shape (n, 1, 28) or (n, 28, 1) are cheap; the work is written
    so that as few operations as possible run on full (n, 28, 28) arrays.
    """
    def draw(low, high):
        return rng.uniform(low, high, size=(n, 1, 1)).astype(np.float32)

    # Pixel centres in image coordinates [-1, 1].
    grid = (np.arange(28, dtype=np.float32) + 0.5) / 14 - 1
    u, v = grid[None, None, :], grid[None, :, None]
    # Per-sample pose (scale, aspect, rotation, shift), mapped back from
    # image to shape coordinates.
    scale, aspect, angle = draw(0.8, 1.05), draw(0.9, 1.1), draw(-0.15, 0.15)
    du, dv = u - draw(-0.16, 0.16), v - draw(-0.16, 0.16)
    cos, sin = np.cos(angle), np.sin(angle)
    sx, sy = scale * aspect, scale / aspect
    x = (cos / sx) * du + (sin / sx) * dv
    y = (cos / sy) * dv - (sin / sy) * du
    details = rng.random((_DETAILS, n, 1, 1), dtype=np.float32)
    sdf = _SILHOUETTES[label](x, y, details)
    # Anti-aliased coverage: the distance in pixels through a blur of about
    # one pixel.
    alpha = np.float32(0.5) - sdf * (scale * 14 / draw(0.8, 1.6))
    np.clip(alpha, 0, 1, out=alpha)
    # Shade (0-255): brightness with a vertical gradient, minus a faint
    # stripe texture sin(a(u) + b(v)) = sin a cos b + cos a sin b.
    shade = draw(115, 255) * (1 + draw(-0.3, 0.3) * v)
    a = draw(5, 14) * draw(-1, 1) * u + draw(0, 6.3)
    b = draw(5, 14) * v
    depth = shade * draw(0, 0.3)
    image = np.sin(a) * (depth * np.cos(b))
    image += np.cos(a) * (depth * np.sin(b))
    np.subtract(shade, image, out=image)
    image *= alpha
    # Uniform pixel noise of standard deviation 20 (cheaper than normal);
    # the extra 0.5 makes the truncating cast below round.
    noise = rng.random(image.shape, dtype=np.float32)
    width = np.float32(20 * 12 ** 0.5)
    noise *= width
    noise -= width / 2 - np.float32(0.5)
    image += noise
    np.clip(image, 0, 255.49, out=image)
    return image.astype(np.uint8)


def _synthetic_split(rng, num):
    counts = np.full(10, num // 10)
    counts[:num % 10] += 1
    labels = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), counts))
    images = np.empty((num, 28, 28), dtype=np.uint8)
    for label in range(10):
        where = np.flatnonzero(labels == label)
        # Chunks of about a hundred keep every temporary array cache-sized.
        for start in range(0, where.size, _CHUNK):
            chunk = where[start:start + _CHUNK]
            images[chunk] = _draw_class(rng, label, chunk.size)
    return images, labels


def synthetic_fashion_mnist(num_train=60000, num_test=10000, seed=0):
    """A SYNTHETIC stand-in for Fashion-MNIST, NOT the real dataset.

    Ten procedurally drawn silhouettes loosely evoking the ten garments of
    :data:`FASHION_MNIST_CLASSES`, each sample with its own shift, scale,
    rotation, garment details, brightness, texture and pixel noise. A small
    convnet learns it well but not trivially. Nothing is written to disk.

    Parameters
    ----------
    num_train, num_test : int, default 60000 and 10000
        Number of examples of each split (>= 0). Classes are balanced:
        exactly ``num // 10`` each when ``num`` is divisible by 10 (else the
        first ``num % 10`` classes get one more), in shuffled order.
    seed : int, default 0
        Seeds ``np.random.default_rng``; the global numpy random state is
        neither used nor changed. Training and test splits come from
        independent child streams, so each depends only on its own size.

    Returns
    -------
    X_train : ndarray of uint8, shape (num_train, 28, 28)
    y_train : ndarray of uint8, shape (num_train,)
    X_test : ndarray of uint8, shape (num_test, 28, 28)
    y_test : ndarray of uint8, shape (num_test,)
    """
    func = "synthetic_fashion_mnist"
    num_train = _check_int(func, "num_train", num_train, 0)
    num_test = _check_int(func, "num_test", num_test, 0)
    seed = _check_int(func, "seed", seed, 0)
    train_rng, test_rng = np.random.default_rng(seed).spawn(2)
    X_train, y_train = _synthetic_split(train_rng, num_train)
    X_test, y_test = _synthetic_split(test_rng, num_test)
    return X_train, y_train, X_test, y_test
