"""Fashion-MNIST for the course: find, verify, load and split the real files.

Each of the four official files is looked for in this order:

1. the cache folder: ``$CS231N_DATA_DIR``, else ``data/`` of the course's
   checkout, else (an installed copy, as on Colab) the per-user cache
   ``~/.cache/cs231n_layers`` (see :func:`fashion_mnist_dir`);
2. the system copy that Debian's and Ubuntu's package
   ``dataset-fashion-mnist`` installs in ``/usr/share/datasets/fashion-mnist/``,
   read where it is (no copy is made);
3. a download into the cache folder from ``$FASHION_MNIST_URL`` (when set),
   the official site, then the dataset's GitHub repository.

A file is accepted when its *content* is the official one: the MD5 of its
decompressed bytes must match the dataset's. Debian recompressed the files,
so their ``.gz`` bytes differ from the published ones while what they hold is
identical; both are accepted. A download, before it may land under an
official name, must also match the published ``.gz`` MD5 (pooch streams it
to a temporary file, checks it and moves it into place).

The loader never deletes or overwrites a file it finds: a file under an
official name that is not the official file is reported, with what is wrong
and what to do, and left where it is.
"""
import hashlib
import numbers
import os
import tempfile
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pooch
import requests

from cs231n_layers.idx import parse_idx, read_content, read_idx

__all__ = [
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_MD5",
    "FASHION_MNIST_CONTENT_MD5",
    "APT_PACKAGE",
    "DownloadError",
    "CorruptFileError",
    "fashion_mnist_dir",
    "download_fashion_mnist",
    "read_idx",
    "load_fashion_mnist",
    "get_fashion_mnist_data",
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
# name -> (MD5 of the published .gz file, MD5 of its decompressed content).
# Private and looked up at call time, so that the tests can put the
# checksums of their small generated files in its place.
_OFFICIAL = {
    "train-images-idx3-ubyte.gz": ("8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                                   "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
    "train-labels-idx1-ubyte.gz": ("25c81989df183df01b3e8a0aad5dffbe",
                                   "9018921c3c673c538a1fc5bad174d6f9"),
    "t10k-images-idx3-ubyte.gz": ("bef4ecab320f06d8554ea6380940ec79",
                                  "8181f5470baa50b63fa0f6fddb340f0a"),
    "t10k-labels-idx1-ubyte.gz": ("bb300cfdad3c16e7a12a480ee83cd310",
                                  "15d484375f8d13e6eb1aabb0c3f46965"),
}
#: MD5 of each published ``.gz`` file, as the dataset lists them.
FASHION_MNIST_MD5 = MappingProxyType({n: gz for n, (gz, _) in _OFFICIAL.items()})
#: MD5 of each file's decompressed content: what the loader verifies.
FASHION_MNIST_CONTENT_MD5 = MappingProxyType(
    {n: raw for n, (_, raw) in _OFFICIAL.items()})
#: The Debian/Ubuntu package that installs the four files.
APT_PACKAGE = "dataset-fashion-mnist"
# Where that package puts them (a tuple, so that tests can stand in a
# folder of their own).
_SYSTEM_DIRS = (Path("/usr/share/datasets/fashion-mnist"),)
# Download sources tried after $FASHION_MNIST_URL, in order. Tests point
# these at a local server so that no test can reach the internet.
_DEFAULT_BASE_URLS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/"
    "master/data/fashion/",
)
_TIMEOUT = (3.0, 30.0)   # seconds to connect, seconds of silence once connected
_RETRIES = 1             # pooch tries each URL once more after a failure
_OFFICIAL_COUNTS = {"train": 60000, "test": 10000}


class DownloadError(RuntimeError):
    """The files were found nowhere and could not be downloaded.

    The message says where the loader looked, each URL it tried and why that
    failed, and the ways to get the files (the apt package among them).
    """


class CorruptFileError(ValueError):
    """A file under an official name is not the official file.

    The message names the file, says what is wrong with it (also kept as
    ``problem``) and what to do; the file itself is left untouched.
    """

    def __init__(self, path, name, problem):
        self.path, self.problem = path, problem
        super().__init__(
            f"{path} is not the official Fashion-MNIST file {name}: "
            f"{problem}. It has been left where it is. Move it away or "
            f"delete it, then run again: the loader then reads the copy of "
            f"the package {APT_PACKAGE} or downloads a verified one.")


# --------------------------------------------------------------------------
# Arguments and places
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


def _default_root():
    """``$CS231N_DATA_DIR``, else ``data/`` of a checkout, else a user cache.

    The package sits in a checkout of the course (a clone, installed with
    ``pip install -e .``) when ``data/README.md`` is beside its folder. An
    installed copy (``pip install .`` or from the repository's URL, as on
    Colab) lives in site-packages, which is no place for 30 MB of downloads:
    it uses the per-user cache folder, ``~/.cache/cs231n_layers`` on Linux.
    """
    env = os.environ.get("CS231N_DATA_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "README.md").is_file():
        return checkout
    return Path(pooch.os_cache("cs231n_layers"))


def _resolve_root(func, root):
    """``root``, else the default cache folder (see ``_default_root``).

    Raises NotADirectoryError, naming it, when the folder is a file.
    """
    if root is None:
        path = _default_root()
    elif isinstance(root, (str, os.PathLike)):
        path = Path(root).expanduser()
    else:
        raise TypeError(f"{func}: root must be a str, a path or None, got "
                        f"{type(root).__name__} {root!r}")
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(
            f"{func}: the data folder {path} is a file, not a folder. Pass "
            f"another folder as root=..., or set CS231N_DATA_DIR to one.")
    return path


def fashion_mnist_dir(root=None):
    """The cache folder: where the loader looks first and downloads to.

    Parameters
    ----------
    root : str, path or None
        Returned as a Path when given; otherwise ``$CS231N_DATA_DIR`` when
        set, else ``data/`` of the course's checkout when the package is
        used from one, else the per-user cache folder
        (``pooch.os_cache("cs231n_layers")``, ``~/.cache/cs231n_layers`` on
        Linux).

    Returns
    -------
    pathlib.Path
    """
    return _resolve_root("fashion_mnist_dir", root)


def _sources():
    """Base URLs to try, in order: ``$FASHION_MNIST_URL``, then the defaults."""
    mirror = os.environ.get("FASHION_MNIST_URL", "").strip()
    bases = ([mirror] if mirror else []) + list(_DEFAULT_BASE_URLS)
    return [b if b.endswith("/") else b + "/" for b in bases]


# --------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------

def _verified_content(path, name):
    """The decompressed bytes of ``path`` if they are the official ``name``.

    Raises CorruptFileError, naming the file and what is wrong with it.
    """
    if not path.is_file():
        raise CorruptFileError(path, name, "it is a folder or a special "
                               "file, not a regular file")
    try:
        content = read_content(path)
    except ValueError as exc:
        raise CorruptFileError(path, name, "its gzip data is corrupt or "
                               "cut short") from exc
    except OSError as exc:
        raise CorruptFileError(path, name, f"it cannot be read "
                               f"({exc.strerror or exc})") from exc
    digest = hashlib.md5(content).hexdigest()
    expected = _OFFICIAL[name][1]
    if digest != expected:
        twin = [n for n, (_, raw) in _OFFICIAL.items() if raw == digest]
        what = (f"it holds the content of {twin[0]}" if twin else
                f"its {len(content):,} decompressed bytes have MD5 {digest}, "
                f"expected {expected} (a truncated, altered or different "
                f"file)")
        raise CorruptFileError(path, name, what)
    return content


# --------------------------------------------------------------------------
# Finding the files
# --------------------------------------------------------------------------

def _describe(exc):
    """One short line saying why one download failed."""
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.Timeout) or "Read timed out" in str(exc):
        # requests reports a timeout in the middle of the body as a
        # ConnectionError wrapping urllib3's ReadTimeoutError.
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed (ConnectionError)"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection closed before the whole file arrived (truncated)"
    if isinstance(exc, ValueError) and "hash" in str(exc):
        return "MD5 of the download differs from the official one"
    return f"{type(exc).__name__}: {exc}"


class _Search:
    """One search for some of the four files, remembering what failed.

    ``tried`` collects (place, reason) pairs for the final error message;
    a download source that could not be reached is not tried again for the
    next file.
    """

    def __init__(self, func, root, download):
        self.func = func
        self.root = root
        self.download = download
        self.tried = []
        self.skipped = []          # URLs not tried: their source was unreachable
        self._unreachable = set()
        self._root_ready = False

    def find(self, name):
        """(path, decompressed content) of ``name``, or None."""
        cached = self.root / name
        if cached.exists() or cached.is_symlink():
            return cached, _verified_content(cached, name)
        for folder in _SYSTEM_DIRS:
            path = folder / name
            if path.exists():
                try:
                    return path, _verified_content(path, name)
                except CorruptFileError as exc:
                    self.tried.append((str(path), exc.problem))
        if self.download and self._fetch(name):
            return cached, _verified_content(cached, name)
        return None

    def _prepare_root(self):
        """Create the cache folder and prove it can be written."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(dir=self.root, prefix=".write-test-")
            os.close(fd)
            os.remove(probe)
        except OSError as exc:
            raise DownloadError(
                f"{self.func}: the data folder {self.root} cannot be created "
                f"or written ({exc.strerror or exc}), so nothing can be "
                f"downloaded into it. Install the package {APT_PACKAGE}, pass "
                f"another folder as root=..., or set CS231N_DATA_DIR.") from exc
        self._root_ready = True

    def _fetch(self, name):
        """Download ``name`` into the cache folder; True when it landed."""
        if not self._root_ready:
            self._prepare_root()
        downloader = pooch.HTTPDownloader(progressbar=True, timeout=_TIMEOUT)
        for base in _sources():
            if base in self._unreachable:
                self.skipped.append(base + name)
                continue
            store = pooch.create(path=self.root, base_url=base,
                                 registry={name: f"md5:{_OFFICIAL[name][0]}"},
                                 retry_if_failed=_RETRIES)
            try:
                store.fetch(name, downloader=downloader)
                return True
            except (requests.RequestException, ValueError) as exc:
                self.tried.append((base + name, _describe(exc)))
                if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
                    self._unreachable.add(base)
        return False

    def unavailable(self, missing):
        """The error for files found nowhere: where it looked, what to do."""
        lines = [f"{self.func}: Fashion-MNIST file(s) not found: "
                 f"{', '.join(missing)}.", "Looked in:",
                 f"  {self.root} (the cache folder)"]
        lines += [f"  {folder} (the package {APT_PACKAGE})"
                  for folder in _SYSTEM_DIRS]
        if self.tried:
            lines.append("Tried:")
            lines += [f"  {where}: {why}" for where, why in self.tried]
            lines += [f"  {url}: not tried, its source was unreachable"
                      for url in self.skipped]
        lines += [
            "To get them, do one of these:",
            f"  * without network, on Debian or Ubuntu: "
            f"sudo apt install {APT_PACKAGE}",
            "  * with network: call download_fashion_mnist(), or load with "
            "download=True (the default);",
            f"  * download them by hand into {self.root} (sources and MD5s in "
            f"data/README.md), or set CS231N_DATA_DIR to a folder that holds "
            f"them, or FASHION_MNIST_URL to a mirror.",
        ]
        error = DownloadError if self.download else FileNotFoundError
        return error("\n".join(lines))


def _find_all(func, names, root, download):
    """Path and decompressed content of each of ``names``, verified."""
    search = _Search(func, root, download)
    found = {name: search.find(name) for name in names}
    missing = [name for name, hit in found.items() if hit is None]
    if missing:
        raise search.unavailable(missing)
    return found


def download_fashion_mnist(root=None):
    """Make the four files available, downloading only what is missing.

    Looks in the cache folder, then in the system copy of the package
    ``dataset-fashion-mnist``, then downloads into the cache folder (see the
    module's docstring for the order and the checks).

    Parameters
    ----------
    root : str or path-like, optional
        The cache folder. Default: see :func:`fashion_mnist_dir`.

    Returns
    -------
    dict of str to pathlib.Path
        Each of the four official file names -> the verified file (in the
        cache folder or in the system folder).

    Raises
    ------
    CorruptFileError
        When a file under an official name in the cache folder is not the
        official file (it is left in place).
    DownloadError
        When a file is nowhere and cannot be downloaded, or the cache folder
        cannot be written; the message lists what was tried and what to do.
    NotADirectoryError
        When the cache folder is a file.
    """
    func = "download_fashion_mnist"
    found = _find_all(func, list(_OFFICIAL), _resolve_root(func, root), True)
    return {name: path for name, (path, _) in found.items()}


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

def load_fashion_mnist(kind="train", root=None, download=True):
    """Load one official split as uint8 arrays, verified.

    Parameters
    ----------
    kind : {'train', 'test'}
        The 60,000-example training split or the 10,000-example test split.
    root : str or path-like, optional
        The cache folder (see :func:`download_fashion_mnist`).
    download : bool, default True
        Download what neither the cache folder nor the system copy holds.
        With False the loader never touches the network.

    Returns
    -------
    images : ndarray of uint8, shape (N, 28, 28)
    labels : ndarray of uint8, shape (N,)
        Values 0-9, indexing :data:`FASHION_MNIST_CLASSES`.

    Raises
    ------
    ValueError
        For a bad ``kind``; :class:`CorruptFileError` (a ValueError) for a
        file that is not the official one.
    FileNotFoundError
        With ``download=False``, when a file is nowhere to be found.
    DownloadError
        With ``download=True``, when a file cannot be had.
    """
    func = "load_fashion_mnist"
    if not isinstance(kind, str) or kind not in _FILES:
        raise ValueError(f"{func}: kind must be 'train' or 'test', got {kind!r}")
    download = _check_bool(func, "download", download)
    return _load_split(func, kind, _resolve_root(func, root), download)


def _load_split(func, kind, root, download):
    """(images, labels) of one split, for the public function ``func``."""
    found = _find_all(func, _FILES[kind], root, download)
    (image_path, image_bytes), (label_path, label_bytes) = (
        found[name] for name in _FILES[kind])
    images = parse_idx(image_bytes, image_path)
    labels = parse_idx(label_bytes, label_path)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"{image_path}: expected images of shape (N, 28, 28), "
                         f"got {images.shape}")
    if labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"{image_path} holds {len(images)} images but "
                         f"{label_path} holds labels of shape {labels.shape}")
    if labels.size and labels.max() >= len(FASHION_MNIST_CLASSES):
        raise ValueError(f"{label_path}: label {labels.max()} out of range 0-9")
    return images, labels


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
        The cache folder (see :func:`download_fashion_mnist`).

    Returns
    -------
    dict
        ``X_train`` (num_training, 1, 28, 28), ``y_train`` (num_training,),
        ``X_val``, ``y_val``, ``X_test``, ``y_test`` likewise (labels int64);
        ``class_names`` (tuple of 10 str); ``mean_image`` (1, 28, 28), the
        mean of the scaled training images (computed on the training split
        only, returned whether or not it was subtracted).

    Raises
    ------
    DownloadError, CorruptFileError
        As :func:`load_fashion_mnist`.
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
    x_all, y_all = _load_split(func, "train", root, download=True)
    x_test, y_test = _load_split(func, "test", root, download=True)
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
    }
