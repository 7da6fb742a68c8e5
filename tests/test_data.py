"""Tests of cs231n_layers.data: find, verify, download, load and split.

Downloads go through the module's real code path (pooch + requests) to a
real HTTP server on 127.0.0.1 started by the test; nothing is mocked on the
network side. No test can reach the internet or the machine's own data: an
autouse fixture points the default sources at closed local ports, the system
folder at an empty temporary one, the cache folder ($CS231N_DATA_DIR) at a
temporary one, and the checksum table at the small generated fixtures.

The IDX format itself is tested in tests/test_idx.py.
"""
import inspect
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pooch
import pytest

from _data_fixtures import (
    ALL_NAMES,
    FIXTURE_TEST,
    FIXTURE_TRAIN,
    RECOMPRESSED,
    SHARED_DIR,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    LocalServer,
    checksum_table,
    closed_port_url,
    decompressed,
    fixture_arrays,
    fixture_files,
    fixture_raw,
    gzip_bytes,
    idx_bytes,
    md5,
    snapshot,
    tamper,
    write_files,
)
from cs231n_layers import data
from cs231n_layers.data import (
    APT_PACKAGE,
    FASHION_MNIST_CLASSES,
    CorruptFileError,
    DownloadError,
    download_fashion_mnist,
    fashion_mnist_dir,
    get_fashion_mnist_data,
    load_fashion_mnist,
)
from cs231n_layers.idx import parse_idx

# Captured at import, before any fixture patches them.
REAL_OFFICIAL = dict(data._OFFICIAL)
REAL_SYSTEM_DIRS = data._SYSTEM_DIRS
REAL_BASE_URLS = data._DEFAULT_BASE_URLS
REAL_RETRIES = data._RETRIES
REAL_TIMEOUT = data._TIMEOUT
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
REPO_DATA = Path(data.__file__).resolve().parent.parent / "data"

SPLITS = {"train": (TRAIN_IMAGES, TRAIN_LABELS), "test": (TEST_IMAGES, TEST_LABELS)}
# The file of the other split with the same role: what a mix-up puts in place.
OTHER = {TRAIN_IMAGES: TEST_IMAGES, TRAIN_LABELS: TEST_LABELS,
         TEST_IMAGES: TRAIN_IMAGES, TEST_LABELS: TRAIN_LABELS}
VARIANTS = ["published", *sorted(RECOMPRESSED)]


@pytest.fixture(autouse=True)
def hermetic(monkeypatch, tmp_path):
    """Every test: offline, no system copy, no env leaks, no writes to data/,
    fixture checksums, and no pooch retry (each costs a 1 s sleep)."""
    monkeypatch.setattr(data, "_DEFAULT_BASE_URLS",
                        (closed_port_url("official"), closed_port_url("github")))
    system = tmp_path / "system"
    system.mkdir()
    monkeypatch.setattr(data, "_SYSTEM_DIRS", (system,))
    monkeypatch.setattr(data, "_OFFICIAL", checksum_table(fixture_files()))
    monkeypatch.setattr(data, "_RETRIES", 0)
    monkeypatch.delenv("FASHION_MNIST_URL", raising=False)
    monkeypatch.setenv("CS231N_DATA_DIR", str(tmp_path / "env-default-root"))


@pytest.fixture
def system(tmp_path):
    """The (fake) system folder, empty unless the test fills it."""
    return tmp_path / "system"


@pytest.fixture
def cache(tmp_path):
    """A cache folder that does not exist yet."""
    return tmp_path / "cache"


@pytest.fixture
def files():
    return fixture_files()


@pytest.fixture
def raw():
    return fixture_raw()


@pytest.fixture(scope="module")
def _running_server():
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def server(_running_server):
    """The local server, with no routes and no hits yet."""
    _running_server.reset()
    return _running_server


@pytest.fixture
def mirror(server, files, monkeypatch):
    """$FASHION_MNIST_URL -> a local server with the four right files."""
    server.serve_all("mirror", files)
    monkeypatch.setenv("FASHION_MNIST_URL", server.base("mirror"))
    return server


@pytest.fixture
def real_table(monkeypatch):
    monkeypatch.setattr(data, "_OFFICIAL", dict(REAL_OFFICIAL))


def tried_lines(message):
    """The lines of the error's "Tried:" block, without indentation."""
    block = message.split("\nTried:\n")[1].split("\nTo get them")[0]
    return [line.strip() for line in block.splitlines()]


def damaged(damage, name, files, raw):
    """(body, regex of the problem): a bad file under the official ``name``.

    The body is None for "folder": a folder stands where the file should.
    """
    if damage in ("tampered", "empty"):
        bad = tamper(raw[name]) if damage == "tampered" else b""
        return gzip_bytes(bad) if bad else bad, (
            rf"its {len(bad):,} decompressed bytes have MD5 {md5(bad)}, "
            rf"expected {md5(raw[name])} \(a truncated, altered or different file\)")
    if damage == "truncated-gzip":
        return files[name][: len(files[name]) // 2], \
            "its gzip data is corrupt or cut short"
    if damage == "other-file":
        return files[OTHER[name]], f"it holds the content of {re.escape(OTHER[name])}"
    assert damage == "folder"
    return None, "it is a folder or a special file, not a regular file"


DAMAGES = ["tampered", "truncated-gzip", "other-file", "empty", "folder"]


def put(path, body):
    """Write ``body`` at ``path``, or make a folder there when it is None."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if body is None:
        (path / "inside").mkdir(parents=True)
    else:
        path.write_bytes(body)


# --------------------------------------------------------------------------
# Constants and places
# --------------------------------------------------------------------------

def test_public_names_and_classes():
    assert data.__all__ == [
        "FASHION_MNIST_CLASSES", "FASHION_MNIST_MD5", "FASHION_MNIST_CONTENT_MD5",
        "APT_PACKAGE", "DownloadError", "CorruptFileError", "fashion_mnist_dir",
        "download_fashion_mnist", "read_idx", "load_fashion_mnist",
        "get_fashion_mnist_data"]
    assert FASHION_MNIST_CLASSES == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    assert issubclass(DownloadError, RuntimeError)
    assert issubclass(CorruptFileError, ValueError)
    assert APT_PACKAGE == "dataset-fashion-mnist"
    # The synthetic stand-in and force= are gone for good.
    assert not hasattr(data, "synthetic_fashion_mnist")
    assert list(inspect.signature(download_fashion_mnist).parameters) == ["root"]


def test_official_tables_and_defaults():
    # The table in data/README.md is what users check their files against.
    documented = re.findall(r"^\| `(\S+)` +\|[^|\n]+\| `([0-9a-f]{32})` \| "
                            r"`([0-9a-f]{32})` \|$",
                            (REPO_DATA / "README.md").read_text(), re.MULTILINE)
    assert {name: (gz, content) for name, gz, content in documented} == REAL_OFFICIAL
    assert sorted(REAL_OFFICIAL) == sorted(ALL_NAMES)
    assert dict(data.FASHION_MNIST_MD5) == {
        n: gz for n, (gz, _) in REAL_OFFICIAL.items()}
    assert dict(data.FASHION_MNIST_CONTENT_MD5) == {
        n: content for n, (_, content) in REAL_OFFICIAL.items()}
    with pytest.raises(TypeError):
        data.FASHION_MNIST_MD5[TRAIN_IMAGES] = "0" * 32     # read-only
    assert REAL_SYSTEM_DIRS == (Path("/usr/share/datasets/fashion-mnist"),)
    assert REAL_BASE_URLS == (
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/"
        "master/data/fashion/")
    assert REAL_RETRIES == 1 and REAL_TIMEOUT == (3.0, 30.0)


def test_sources_order(monkeypatch):
    defaults = list(data._DEFAULT_BASE_URLS)
    assert data._sources() == defaults
    monkeypatch.setenv("FASHION_MNIST_URL", "  http://mirror.invalid/fmnist ")
    assert data._sources() == ["http://mirror.invalid/fmnist/"] + defaults


def test_default_root_is_repo_data_whatever_the_cwd(monkeypatch, tmp_path):
    monkeypatch.delenv("CS231N_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    assert fashion_mnist_dir() == REPO_DATA
    monkeypatch.setenv("CS231N_DATA_DIR", str(tmp_path / "elsewhere"))
    assert fashion_mnist_dir() == tmp_path / "elsewhere"
    assert fashion_mnist_dir(str(tmp_path / "given")) == tmp_path / "given"


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """The package as ``pip install .`` leaves it: in a site-packages folder
    with no data/README.md beside it (another package's data/ may be there).
    Returns that folder; the per-user cache is under tmp_path/xdg."""
    site = tmp_path / "site-packages"
    (site / "data").mkdir(parents=True)
    monkeypatch.setattr(data, "__file__", str(site / "cs231n_layers" / "data.py"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CS231N_DATA_DIR")
    return site


def test_installed_copy_uses_the_user_cache(installed, tmp_path, monkeypatch):
    user_cache = Path(pooch.os_cache("cs231n_layers"))
    assert fashion_mnist_dir() == user_cache
    assert not user_cache.is_relative_to(installed)
    if os.name == "posix" and sys.platform != "darwin":
        assert user_cache == tmp_path / "xdg" / "cs231n_layers"
    monkeypatch.setenv("CS231N_DATA_DIR", str(tmp_path / "chosen"))
    assert fashion_mnist_dir() == tmp_path / "chosen"      # the variable wins


def test_checkout_is_recognised_by_its_data_readme(installed):
    (installed / "data" / "README.md").write_text("the course's data/\n")
    assert fashion_mnist_dir() == installed / "data"


def test_installed_copy_downloads_into_the_user_cache(installed, mirror, files):
    user_cache = Path(pooch.os_cache("cs231n_layers"))
    assert download_fashion_mnist() == {n: user_cache / n for n in ALL_NAMES}
    assert snapshot(user_cache) == files
    assert snapshot(installed) == {"data": None}   # nothing in site-packages


# --------------------------------------------------------------------------
# Verification by content: any encoding of the right content is accepted
# --------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["cache", "system"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_any_encoding_of_the_official_content_is_accepted(variant, where, files, raw,
                                                          cache, system):
    bodies = {n: files[n] if variant == "published" else RECOMPRESSED[variant](raw[n])
              for n in ALL_NAMES}
    if variant != "published":
        assert all(bodies[n] != files[n] for n in ALL_NAMES)   # really another file
    folder = write_files(cache if where == "cache" else system, bodies)
    arrays = fixture_arrays()
    for kind, names in SPLITS.items():
        loaded = load_fashion_mnist(kind, root=cache, download=False)
        for name, array in zip(names, loaded):
            assert array.dtype == np.uint8
            np.testing.assert_array_equal(array, arrays[name])
    # With download=True too, nothing is fetched (the sources are closed ports).
    assert download_fashion_mnist(root=cache) == {n: folder / n for n in ALL_NAMES}
    assert snapshot(folder) == bodies             # read in place, untouched
    if where == "system":
        assert not cache.exists()                 # nothing copied, not even created


# --------------------------------------------------------------------------
# A bad file in the cache folder: reported, never touched
# --------------------------------------------------------------------------

@pytest.mark.parametrize("call", ["load-offline", "load", "download"])
@pytest.mark.parametrize("damage", DAMAGES)
def test_bad_cached_file_is_reported_and_kept(damage, call, files, raw, cache, system,
                                              mirror):
    name = TRAIN_LABELS
    body, problem = damaged(damage, name, files, raw)
    write_files(cache, {n: files[n] for n in ALL_NAMES if n != name})
    put(cache / name, body)
    write_files(system, files)             # a good system copy does not help either
    before, system_before = snapshot(cache), snapshot(system)
    path = cache / name
    with pytest.raises(CorruptFileError, match=(
            rf"^{re.escape(str(path))} is not the official Fashion-MNIST file "
            rf"{re.escape(name)}: {problem}\. It has been left where it is\. "
            rf"Move it away or delete it.*package {APT_PACKAGE}")) as info:
        if call == "download":
            download_fashion_mnist(root=cache)
        else:
            load_fashion_mnist("train", root=cache, download=call == "load")
    assert info.value.path == path and re.fullmatch(problem, info.value.problem)
    assert snapshot(cache) == before and snapshot(system) == system_before
    assert mirror.total_hits() == 0


# --------------------------------------------------------------------------
# The system copy (Debian's dataset-fashion-mnist)
# --------------------------------------------------------------------------

def test_cache_takes_precedence_over_the_system_copy(files, raw, cache, system):
    recompressed = {n: RECOMPRESSED["other-mtime"](raw[n]) for n in ALL_NAMES}
    write_files(system, recompressed)
    write_files(cache, {n: files[n] for n in SPLITS["train"]})
    before = snapshot(cache)
    assert download_fashion_mnist(root=cache) == {
        TRAIN_IMAGES: cache / TRAIN_IMAGES, TRAIN_LABELS: cache / TRAIN_LABELS,
        TEST_IMAGES: system / TEST_IMAGES, TEST_LABELS: system / TEST_LABELS}
    assert snapshot(cache) == before and snapshot(system) == recompressed


@pytest.mark.parametrize("damage", DAMAGES)
def test_bad_system_file_is_skipped_for_a_download(damage, files, raw, cache, system,
                                                   mirror):
    name = TRAIN_IMAGES
    write_files(system, {n: files[n] for n in ALL_NAMES if n != name})
    put(system / name, damaged(damage, name, files, raw)[0])
    before = snapshot(system)
    paths = download_fashion_mnist(root=cache)
    assert paths == {n: (cache if n == name else system) / n for n in ALL_NAMES}
    assert snapshot(cache) == {name: files[name]}
    assert snapshot(system) == before
    assert mirror.hits("mirror", name) == 1 and mirror.total_hits() == 1


@pytest.mark.parametrize("download, error", [(False, FileNotFoundError),
                                             (True, DownloadError)])
def test_nothing_found_says_where_it_looked_and_what_to_do(download, error, files, raw,
                                                           cache, system):
    body, problem = damaged("tampered", TRAIN_IMAGES, files, raw)
    write_files(system, {TRAIN_IMAGES: body})
    with pytest.raises(error) as info:
        load_fashion_mnist("train", root=cache, download=download)
    message = str(info.value)
    assert message.startswith(
        f"load_fashion_mnist: Fashion-MNIST file(s) not found: "
        f"{TRAIN_IMAGES}, {TRAIN_LABELS}.\nLooked in:\n"
        f"  {cache} (the cache folder)\n"
        f"  {system} (the package {APT_PACKAGE})\nTried:\n")
    closed = data._DEFAULT_BASE_URLS
    expected = [f"{system / TRAIN_IMAGES}: {problem}"]
    if download:
        # Each closed port is tried once, for the first file only.
        expected += [re.escape(f"{base}{TRAIN_IMAGES}: connection failed "
                               f"(ConnectionError)") for base in closed]
        # ... and named, not retried, for the second.
        expected += [re.escape(f"{base}{TRAIN_LABELS}: not tried, its source "
                               f"was unreachable") for base in closed]
    lines = tried_lines(message)
    assert len(lines) == len(expected), message
    for line, pattern in zip(lines, expected):
        assert re.fullmatch(pattern, line), (line, pattern)
    for hint in (f"sudo apt install {APT_PACKAGE}", "download_fashion_mnist()",
                 "data/README.md", "CS231N_DATA_DIR", "FASHION_MNIST_URL"):
        assert hint in message
    assert snapshot(cache) == {}                  # nothing under an official name
    assert snapshot(system) == {TRAIN_IMAGES: body}


# --------------------------------------------------------------------------
# Downloads from the local server
# --------------------------------------------------------------------------

def test_download_lands_under_official_names(mirror, files, tmp_path, monkeypatch):
    root = tmp_path / "new" / "root"          # created on demand
    assert download_fashion_mnist(root=root) == {n: root / n for n in ALL_NAMES}
    assert snapshot(root) == files            # no temporary or .part files
    assert all(mirror.hits("mirror", n) == 1 for n in ALL_NAMES)
    # Verified files are not downloaded again.
    download_fashion_mnist(root=root)
    assert mirror.total_hits() == 4
    # root defaults to $CS231N_DATA_DIR.
    env_root = tmp_path / "env-root"
    monkeypatch.setenv("CS231N_DATA_DIR", str(env_root))
    assert download_fashion_mnist()[TEST_LABELS] == env_root / TEST_LABELS
    assert snapshot(env_root) == files and mirror.total_hits() == 8


def test_load_downloads_only_its_split(mirror, files, cache):
    images, labels = load_fashion_mnist("test", root=cache)
    assert images.shape == (FIXTURE_TEST, 28, 28) and labels.shape == (FIXTURE_TEST,)
    assert snapshot(cache) == {n: files[n] for n in SPLITS["test"]}
    assert mirror.total_hits() == 2


@pytest.mark.parametrize("fault", ["404", "500", "md5", "truncated", "recompressed"])
def test_failing_source_moves_on_to_the_next(fault, server, files, raw, cache,
                                             monkeypatch):
    name = TRAIN_IMAGES
    monkeypatch.setattr(data, "_DEFAULT_BASE_URLS",
                        (server.base("a"), server.base("b")))
    server.serve_all("a", files)
    server.serve_all("b", files)
    if fault in ("404", "500"):
        server.fail("a", name, int(fault))
    elif fault == "md5":
        server.serve("a", name, files[name][:-8] + b"\x00" * 8)
    elif fault == "truncated":
        server.truncate("a", name, files[name])
    else:       # the right content, but not the published .gz bytes
        server.serve("a", name, RECOMPRESSED["other-mtime"](raw[name]))
    load_fashion_mnist("train", root=cache)
    assert snapshot(cache) == {n: files[n] for n in SPLITS["train"]}
    assert server.hits("a", name) == 1 and server.hits("b", name) == 1
    assert server.hits("a", TRAIN_LABELS) == 1 and server.hits("b", TRAIN_LABELS) == 0


def test_every_source_failing_lists_each_url_and_reason(server, files, raw, cache,
                                                        monkeypatch):
    name = TEST_LABELS
    closed = closed_port_url("closed")
    monkeypatch.setenv("FASHION_MNIST_URL", server.base("a"))
    monkeypatch.setattr(data, "_DEFAULT_BASE_URLS",
                        tuple(server.base(p) for p in "bcde") + (closed,))
    server.serve("a", TEST_IMAGES, files[TEST_IMAGES])
    server.serve("a", name, b"definitely not the right bytes")
    server.truncate("b", name, files[name])
    server.fail("c", name, 404)
    server.fail("d", name, 500)
    server.serve("e", name, RECOMPRESSED["name-in-header"](raw[name]))
    with pytest.raises(DownloadError) as info:
        load_fashion_mnist("test", root=cache)
    message = str(info.value)
    assert message.startswith(f"load_fashion_mnist: Fashion-MNIST file(s) not found: "
                              f"{name}.\nLooked in:\n  {cache} (the cache folder)")
    mismatch = "MD5 of the download differs from the official one"
    assert tried_lines(message) == [
        f"{server.base('a')}{name}: {mismatch}",
        f"{server.base('b')}{name}: connection closed before the whole file "
        f"arrived (truncated)",
        f"{server.base('c')}{name}: HTTP 404 Not Found",
        f"{server.base('d')}{name}: HTTP 500 Internal Server Error",
        f"{server.base('e')}{name}: {mismatch}",
        f"{closed}{name}: connection failed (ConnectionError)",
    ]
    assert f"sudo apt install {APT_PACKAGE}" in message
    assert f"download them by hand into {cache}" in message
    # The good file stays; nothing (no temporary file) under the failed name.
    assert snapshot(cache) == {TEST_IMAGES: files[TEST_IMAGES]}


@pytest.mark.parametrize("retries", [0, REAL_RETRIES])
def test_transient_failure_is_retried_by_pooch(retries, server, files, cache,
                                               monkeypatch):
    monkeypatch.setattr(data, "_RETRIES", retries)
    monkeypatch.setenv("FASHION_MNIST_URL", server.base("a"))
    server.serve("a", TEST_IMAGES, files[TEST_IMAGES])
    server.flaky("a", TEST_LABELS, files[TEST_LABELS], failures=1, status=503)
    if retries:
        load_fashion_mnist("test", root=cache)
        assert snapshot(cache) == {n: files[n] for n in SPLITS["test"]}
    else:
        with pytest.raises(DownloadError, match=re.escape(
                f"{server.base('a')}{TEST_LABELS}: HTTP 503 Service Unavailable")):
            load_fashion_mnist("test", root=cache)
        assert snapshot(cache) == {TEST_IMAGES: files[TEST_IMAGES]}
    assert server.hits("a", TEST_LABELS) == 1 + retries


@pytest.mark.parametrize("how, reason", [
    ("refused", "connection failed (ConnectionError)"),
    ("stalled", "timed out (ReadTimeout)"),
])
def test_unreachable_source_is_given_up_for_the_next_files(how, reason, server, files,
                                                           cache, monkeypatch):
    monkeypatch.setattr(data, "_TIMEOUT", (1.0, 0.2))
    if how == "refused":
        first = closed_port_url("refused")
    else:
        first = server.base("stall")
        server.stall("stall", TRAIN_IMAGES, 1.5)
        for name in ALL_NAMES[1:]:
            server.serve("stall", name, files[name])   # never asked for
    monkeypatch.setattr(data, "_DEFAULT_BASE_URLS", (first, server.base("b")))
    server.serve_all("b", {n: files[n] for n in ALL_NAMES if n != TEST_LABELS})
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        download_fashion_mnist(root=cache)
    elapsed = time.monotonic() - start
    # One attempt at the first file; afterwards only the second source.
    assert tried_lines(str(info.value)) == [
        f"{first}{TRAIN_IMAGES}: {reason}",
        f"{server.base('b')}{TEST_LABELS}: HTTP 404 Not Found"] + [
        f"{first}{name}: not tried, its source was unreachable"
        for name in ALL_NAMES[1:]]
    assert server.hits("stall", TRAIN_IMAGES) == (how == "stalled")
    assert all(server.hits("b", n) == 1 for n in ALL_NAMES)
    assert server.total_hits() == 4 + (how == "stalled")
    assert sorted(snapshot(cache)) == sorted(ALL_NAMES[:3])
    assert elapsed < 1.2, f"took {elapsed:.2f} s"


# --------------------------------------------------------------------------
# Bad places and bad arguments
# --------------------------------------------------------------------------

CALLS = {
    "fashion_mnist_dir": lambda root: fashion_mnist_dir(root),
    "download_fashion_mnist": lambda root: download_fashion_mnist(root),
    "load_fashion_mnist": lambda root: load_fashion_mnist("test", root, False),
    "get_fashion_mnist_data": lambda root: get_fashion_mnist_data(10, 5, 5, root=root),
}


@pytest.mark.parametrize("how", ["argument", "env", "int"])
@pytest.mark.parametrize("func", CALLS)
def test_bad_root_is_named(func, how, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file, not a folder")
    if how == "int":
        error, pattern = TypeError, (
            rf"^{func}: root must be a str, a path or None, got int 5$")
    else:
        error, pattern = NotADirectoryError, (
            rf"^{func}: the data folder {re.escape(str(blocker))} is a file, not a "
            rf"folder\. Pass another folder as root=\.\.\., or set CS231N_DATA_DIR")
    if how == "env":
        monkeypatch.setenv("CS231N_DATA_DIR", str(blocker))
    with pytest.raises(error, match=pattern):
        CALLS[func]({"argument": blocker, "env": None, "int": 5}[how])
    assert blocker.read_text() == "I am a file, not a folder"


@pytest.mark.parametrize("how", ["under-a-file", "read-only"])
def test_unwritable_cache_folder_is_named(how, mirror, tmp_path):
    if how == "read-only":
        if os.geteuid() == 0:
            pytest.skip("running as root, which ignores permission bits")
        root = tmp_path / "read-only"
        root.mkdir(mode=0o555)
    else:
        (tmp_path / "a-file").write_text("")
        root = tmp_path / "a-file" / "data"
    try:
        with pytest.raises(DownloadError, match=(
                rf"^load_fashion_mnist: the data folder {re.escape(str(root))} "
                rf"cannot be created or written \(.+\), so nothing can be downloaded "
                rf"into it\. Install "
                rf"the package {APT_PACKAGE}")):
            load_fashion_mnist("test", root=root)
        assert snapshot(root) == {}               # no probe file left behind
    finally:
        if how == "read-only":
            root.chmod(0o755)
    assert mirror.total_hits() == 0


def test_read_only_cache_folder_with_verified_files_loads(files, cache):
    write_files(cache, files)
    for path in [*cache.iterdir(), cache]:
        path.chmod(0o555)
    try:
        for kind, (_images, labels) in SPLITS.items():
            loaded = load_fashion_mnist(kind, root=cache)
            np.testing.assert_array_equal(loaded[1], fixture_arrays()[labels])
        assert sorted(download_fashion_mnist(root=cache)) == sorted(ALL_NAMES)
        assert snapshot(cache) == files
    finally:
        cache.chmod(0o755)


@pytest.mark.parametrize("kind", ["validation", "TRAIN", None, 0, ["train"]])
def test_load_bad_kind(kind):
    with pytest.raises(ValueError, match=re.escape(
            f"load_fashion_mnist: kind must be 'train' or 'test', got {kind!r}")):
        load_fashion_mnist(kind)


@pytest.mark.parametrize("download", ["yes", 1, None, "False"])
def test_load_bad_download_flag(download, mirror):
    with pytest.raises(TypeError, match=re.escape(
            f"load_fashion_mnist: download must be True or False, got "
            f"{type(download).__name__} {download!r}")):
        load_fashion_mnist("test", download=download)
    assert mirror.total_hits() == 0


@pytest.mark.parametrize("name, body, pattern", [
    pytest.param(
        TRAIN_LABELS, idx_bytes(np.zeros(FIXTURE_TRAIN - 1, np.uint8)),
        rf"{TRAIN_IMAGES} holds {FIXTURE_TRAIN} images but .*{TRAIN_LABELS} holds "
        rf"labels of shape \({FIXTURE_TRAIN - 1},\)", id="count-mismatch"),
    pytest.param(
        TRAIN_LABELS, idx_bytes(np.full(FIXTURE_TRAIN, 10, np.uint8)),
        rf"{TRAIN_LABELS}: label 10 out of range 0-9", id="label-out-of-range"),
    pytest.param(
        TRAIN_IMAGES, idx_bytes(np.zeros((FIXTURE_TRAIN, 10, 10), np.uint8)),
        rf"{TRAIN_IMAGES}: expected images of shape \(N, 28, 28\), got \(60, 10, 10\)",
        id="10x10-images"),
    pytest.param(
        TRAIN_IMAGES, idx_bytes(np.zeros(FIXTURE_TRAIN, np.uint8)),
        rf"{TRAIN_IMAGES}: expected images of shape \(N, 28, 28\), got \(60,\)",
        id="labels-as-images"),
    pytest.param(
        TRAIN_IMAGES, b"not an IDX file at all",
        rf"{TRAIN_IMAGES}: bad IDX magic number", id="not-idx"),
])
def test_verified_but_unusable_files_are_named(name, body, pattern, files, cache,
                                               monkeypatch):
    # A table that vouches for the odd file: only the IDX checks stand.
    odd = {**files, name: gzip_bytes(body)}
    monkeypatch.setattr(data, "_OFFICIAL", checksum_table(odd))
    write_files(cache, odd)
    with pytest.raises(ValueError, match=pattern) as info:
        load_fashion_mnist("train", root=cache, download=False)
    assert not isinstance(info.value, CorruptFileError)
    assert snapshot(cache) == odd


# --------------------------------------------------------------------------
# get_fashion_mnist_data on the fixtures
# --------------------------------------------------------------------------

@pytest.fixture
def fixture_root(files, cache):
    return write_files(cache, files)


def test_get_data_splits_and_scaling(fixture_root):
    out = get_fashion_mnist_data(num_training=50, num_validation=10,
                                 num_test=15, root=fixture_root)
    assert set(out) == {"X_train", "y_train", "X_val", "y_val", "X_test", "y_test",
                        "class_names", "mean_image"}
    assert out["class_names"] == FASHION_MNIST_CLASSES
    shapes = {k: out[k].shape for k in ("X_train", "X_val", "X_test", "mean_image")}
    assert shapes == {"X_train": (50, 1, 28, 28), "X_val": (10, 1, 28, 28),
                      "X_test": (15, 1, 28, 28), "mean_image": (1, 28, 28)}
    for key in ("X_train", "X_val", "X_test", "mean_image"):
        assert out[key].dtype == np.float32
    for key, n in (("y_train", 50), ("y_val", 10), ("y_test", 15)):
        assert out[key].dtype == np.int64 and out[key].shape == (n,)
    # Image i of the fixture is filled with i (train) or 100 + i (test).
    mean = out["mean_image"]
    np.testing.assert_allclose(mean, np.mean(np.arange(50)) / 255, rtol=1e-6)
    np.testing.assert_allclose(out["X_val"][:, 0, 0, 0] + mean[0, 0, 0],
                               np.arange(50, 60) / 255, rtol=1e-5)
    np.testing.assert_allclose(out["X_test"][:, 0, 0, 0] + mean[0, 0, 0],
                               np.arange(100, 115) / 255, rtol=1e-5)
    assert abs(out["X_train"].mean(axis=0)).max() < 1e-6
    np.testing.assert_array_equal(out["y_train"], np.arange(50) % 10)
    np.testing.assert_array_equal(out["y_val"], np.arange(50, 60) % 10)
    np.testing.assert_array_equal(out["y_test"], np.arange(15) % 10)


def test_get_data_without_mean_subtraction(fixture_root):
    out = get_fashion_mnist_data(num_training=30, num_validation=0, num_test=5,
                                 subtract_mean=False, dtype=np.float64,
                                 root=fixture_root)
    assert out["X_train"].dtype == np.float64 and out["X_val"].shape == (0, 1, 28, 28)
    assert out["X_train"].min() >= 0 and out["X_test"].max() <= 1
    np.testing.assert_allclose(out["X_train"][:, 0, 5, 5], np.arange(30) / 255)
    np.testing.assert_allclose(out["mean_image"], np.mean(np.arange(30)) / 255)


def test_get_data_too_many_examples(fixture_root, tmp_path):
    with pytest.raises(ValueError, match=f"50 \\+ 11 = 61 exceeds the {FIXTURE_TRAIN}"):
        get_fashion_mnist_data(50, 11, 5, root=fixture_root)
    with pytest.raises(ValueError, match=f"num_test = 21 exceeds the {FIXTURE_TEST}"):
        get_fashion_mnist_data(50, 10, 21, root=fixture_root)
    # Beyond the official sizes it fails before looking for any file.
    with pytest.raises(ValueError, match=r"55001 \+ 5000 = 60001 exceeds the 60000"):
        get_fashion_mnist_data(55001, 5000)
    with pytest.raises(ValueError, match="num_test = 10001 exceeds the 10000"):
        get_fashion_mnist_data(num_test=10001)
    assert not (tmp_path / "env-default-root").exists()


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"num_training": 0}, ValueError, "num_training must be >= 1, got 0"),
    ({"num_validation": -1}, ValueError, "num_validation must be >= 0"),
    ({"num_training": 1.5}, TypeError, "num_training must be an integer, got float"),
    ({"num_test": True}, TypeError, "num_test must be an integer, got bool"),
    ({"subtract_mean": "no"}, TypeError, "subtract_mean must be True or False"),
    ({"dtype": np.int32}, TypeError,
     r"dtype must be a floating-point dtype .*got int32"),
    ({"dtype": "banana"}, TypeError,
     "dtype must be a floating-point dtype, got 'banana'"),
], ids=["training-0", "validation-negative", "training-float", "test-bool",
        "subtract-mean-str", "dtype-int", "dtype-unknown"])
def test_get_data_bad_arguments(kwargs, error, pattern, mirror):
    with pytest.raises(error, match="^get_fashion_mnist_data: " + pattern):
        get_fashion_mnist_data(**kwargs)
    assert mirror.total_hits() == 0


def test_get_data_downloads_through_mirror(mirror, files, cache):
    out = get_fashion_mnist_data(40, 20, 20, root=cache)
    assert out["X_val"].shape == out["X_test"].shape == (20, 1, 28, 28)
    assert snapshot(cache) == files and mirror.total_hits() == 4


# --------------------------------------------------------------------------
# The real label files from ../shared/fashion-mnist, when present
# --------------------------------------------------------------------------

LABEL_FILES = {TRAIN_LABELS: 60000, TEST_LABELS: 10000}
needs_shared = pytest.mark.skipif(
    not all((SHARED_DIR / n).is_file() for n in LABEL_FILES),
    reason=f"{SHARED_DIR} with the two real Fashion-MNIST label files is absent "
           f"(only CI and course machines have it)")


def check_real_labels(found):
    for name, count in LABEL_FILES.items():
        path, content = found[name]
        labels = parse_idx(content, path)
        assert labels.shape == (count,) and labels.dtype == np.uint8
        np.testing.assert_array_equal(np.bincount(labels, minlength=10),
                                      np.full(10, count // 10))


@needs_shared
@pytest.mark.parametrize("variant", VARIANTS)
def test_real_label_files_verify_as_published_and_recompressed(variant, real_table,
                                                               cache):
    published = {n: (SHARED_DIR / n).read_bytes() for n in LABEL_FILES}
    assert all(md5(published[n]) == data.FASHION_MNIST_MD5[n] for n in LABEL_FILES)
    bodies = {n: published[n] if variant == "published" else
              RECOMPRESSED[variant](decompressed(published[n]))
              for n in LABEL_FILES}
    write_files(cache, bodies)
    check_real_labels(data._find_all("test", list(LABEL_FILES), cache, False))
    assert snapshot(cache) == bodies


@needs_shared
def test_real_label_download_needs_the_published_gz(real_table, server, cache,
                                                    monkeypatch):
    published = {n: (SHARED_DIR / n).read_bytes() for n in LABEL_FILES}
    for name, body in published.items():
        server.serve("recompressed", name,
                     RECOMPRESSED["other-mtime"](decompressed(body)))
        server.serve("published", name, body)
    monkeypatch.setattr(data, "_DEFAULT_BASE_URLS",
                        (server.base("recompressed"), server.base("published")))
    check_real_labels(data._find_all("test", list(LABEL_FILES), cache, True))
    assert snapshot(cache) == published
    assert all(server.hits(p, n) == 1 for p in ("recompressed", "published")
               for n in LABEL_FILES)


# --------------------------------------------------------------------------
# The real Debian system copy, when installed
# --------------------------------------------------------------------------

@pytest.mark.skipif(
    not all((DEBIAN_DIR / n).is_file() for n in ALL_NAMES),
    reason=f"{DEBIAN_DIR} is absent: install the package {APT_PACKAGE} "
           f"(CI does) to run this test")
def test_debian_system_copy_loads_offline(real_table, monkeypatch, tmp_path):
    monkeypatch.setattr(data, "_SYSTEM_DIRS", REAL_SYSTEM_DIRS)
    cache = tmp_path / "env-default-root"          # $CS231N_DATA_DIR, empty
    for kind, count in (("train", 60000), ("test", 10000)):
        images, labels = load_fashion_mnist(kind, root=cache, download=False)
        assert images.shape == (count, 28, 28) and labels.shape == (count,)
        assert images.dtype == np.uint8 and labels.dtype == np.uint8
        np.testing.assert_array_equal(np.bincount(labels, minlength=10),
                                      np.full(10, count // 10))
    out = get_fashion_mnist_data()
    assert [len(out[k]) for k in ("X_train", "X_val", "X_test")] == [55000, 5000, 10000]
    assert [len(out[k]) for k in ("y_train", "y_val", "y_test")] == [55000, 5000, 10000]
    assert abs(float(out["mean_image"].mean()) - 0.286) <= 0.002
    assert not cache.exists()                      # read in place, nothing copied
