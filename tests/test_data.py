"""Tests of cs231n_layers.data: download, verification, parsing, splits.

Downloads go through the module's real code path (pooch + requests) to a
real HTTP server on 127.0.0.1 started by the test; nothing is mocked on the
network side. No test can reach the internet: an autouse fixture points the
module's default sources at a closed local port and clears
``FASHION_MNIST_URL`` before every test.
"""
import os
import socket
import sys
import time

import numpy as np
import pytest

from _data_fixtures import (
    ALL_NAMES,
    FIXTURE_TEST,
    FIXTURE_TRAIN,
    SHARED_DIR,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    LocalServer,
    closed_port_url,
    fixture_arrays,
    fixture_files,
    gzip_bytes,
    idx_bytes,
    md5,
)
from cs231n_layers import data
from cs231n_layers.data import (
    FASHION_MNIST_CLASSES,
    DownloadError,
    download_fashion_mnist,
    get_fashion_mnist_data,
    load_fashion_mnist,
    read_idx,
    synthetic_fashion_mnist,
)

# Captured at import, before any fixture patches them.
OFFICIAL_BASE_URLS = data._DEFAULT_BASE_URLS
OFFICIAL_MD5 = dict(data._MD5)
ENV_VARS = ("FASHION_MNIST_URL", "CS231N_DATA_DIR", "CS231N_ALLOW_SYNTHETIC")


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Every test: no internet sources, no env leaks, no writes to data/."""
    monkeypatch.setattr(data, "_DEFAULT_BASE_URLS",
                        (closed_port_url("official"), closed_port_url("github")))
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CS231N_DATA_DIR", str(tmp_path / "env-default-root"))


@pytest.fixture
def server():
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def files():
    return fixture_files()


@pytest.fixture
def table(files):
    return {name: md5(body) for name, body in files.items()}


@pytest.fixture
def fixture_md5(monkeypatch, table):
    """Make the module verify against the fixtures' MD5s instead."""
    monkeypatch.setattr(data, "_MD5", dict(table))
    return table


def fetch(table, root, sources):
    return data._download(table, root, sources, progressbar=False)


def leftovers(root):
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

def test_public_names_and_classes():
    assert data.__all__ == [
        "FASHION_MNIST_CLASSES", "FASHION_MNIST_MD5", "DownloadError",
        "fashion_mnist_dir", "download_fashion_mnist", "read_idx",
        "load_fashion_mnist", "get_fashion_mnist_data",
        "synthetic_fashion_mnist"]
    assert FASHION_MNIST_CLASSES == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    assert issubclass(DownloadError, RuntimeError)


def test_official_table_and_sources():
    assert dict(data.FASHION_MNIST_MD5) == OFFICIAL_MD5
    assert OFFICIAL_MD5 == {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    }
    assert OFFICIAL_BASE_URLS == (
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/"
        "master/data/fashion/")


def test_sources_order(monkeypatch):
    defaults = list(data._DEFAULT_BASE_URLS)
    assert data._sources() == defaults
    monkeypatch.setenv("FASHION_MNIST_URL", "http://mirror.invalid/fmnist")
    assert data._sources() == ["http://mirror.invalid/fmnist/"] + defaults


def test_default_root_is_repo_data_whatever_the_cwd(monkeypatch, tmp_path):
    repo_data = os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(data.__file__))), "data")
    monkeypatch.delenv("CS231N_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    assert str(data._resolve_root("f", None)) == os.path.realpath(repo_data)
    assert data.fashion_mnist_dir() == data._resolve_root("f", None)
    monkeypatch.setenv("CS231N_DATA_DIR", str(tmp_path / "elsewhere"))
    assert data._resolve_root("f", None) == tmp_path / "elsewhere"
    assert data.fashion_mnist_dir() == tmp_path / "elsewhere"
    assert data._resolve_root("f", tmp_path / "given") == tmp_path / "given"
    with pytest.raises(TypeError, match="root"):
        data._resolve_root("f", 3)


# --------------------------------------------------------------------------
# read_idx
# --------------------------------------------------------------------------

@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_read_idx_round_trip(tmp_path, compress):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, size=5, dtype=np.uint8)
    for name, array in (("images", images), ("labels", labels)):
        raw = idx_bytes(array)
        path = tmp_path / name
        path.write_bytes(gzip_bytes(raw) if compress else raw)
        out = read_idx(path)
        assert out.dtype == np.uint8 and out.shape == array.shape
        np.testing.assert_array_equal(out, array)
        assert out.flags.writeable
    assert read_idx(str(tmp_path / "labels")).shape == (5,)


def _write(tmp_path, name, raw, compress=False):
    path = tmp_path / name
    path.write_bytes(gzip_bytes(raw) if compress else raw)
    return path


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_read_idx_bad_magic(tmp_path, compress):
    raw = idx_bytes(np.zeros(4, np.uint8))
    path = _write(tmp_path, "bad-magic", b"\x00\x00\x08\x02" + raw[4:], compress)
    with pytest.raises(ValueError, match="bad-magic.*magic number 2050"):
        read_idx(path)
    path = _write(tmp_path, "short", b"\x00\x00", compress)
    with pytest.raises(ValueError, match="short.*too short"):
        read_idx(path)


def test_read_idx_truncated_and_trailing_payload(tmp_path):
    raw = idx_bytes(np.ones((3, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"cut\.idx.*2351 bytes.*2352.*truncated"):
        read_idx(_write(tmp_path, "cut.idx", raw[:-1]))
    with pytest.raises(ValueError, match="trailing bytes"):
        read_idx(_write(tmp_path, "long.idx", raw + b"\x00", compress=True))


def test_read_idx_wrong_dims(tmp_path):
    raw = idx_bytes(np.ones((3, 28, 28), np.uint8))
    # Magic 2051 announces three dimensions but the header stops after one.
    with pytest.raises(ValueError, match="header cut short.*3 dimension"):
        read_idx(_write(tmp_path, "dims.idx", raw[:8]))
    zero = raw[:8] + (0).to_bytes(4, "big") + raw[12:16]
    with pytest.raises(ValueError, match="must be positive"):
        read_idx(_write(tmp_path, "zero.idx", zero))


def test_read_idx_corrupt_gzip(tmp_path):
    good = gzip_bytes(idx_bytes(np.ones(100, np.uint8)))
    with pytest.raises(ValueError, match="cut.gz.*corrupt gzip"):
        read_idx(_write(tmp_path, "cut.gz", good[: len(good) // 2]))
    with pytest.raises(ValueError, match="junk.gz.*corrupt gzip"):
        read_idx(_write(tmp_path, "junk.gz", b"\x1f\x8b" + b"\xff" * 50))


def test_read_idx_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="path"):
        read_idx(42)
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "missing")


# --------------------------------------------------------------------------
# Download: happy path, cache, per-source faults
# --------------------------------------------------------------------------

def test_download_fetches_verifies_and_caches(server, files, table, tmp_path):
    server.serve_all("a", files)
    root = tmp_path / "new" / "root"          # created on demand
    paths = fetch(table, root, [server.base("a")])
    assert set(paths) == set(ALL_NAMES)
    for name, path in paths.items():
        assert path == root / name and md5(path.read_bytes()) == table[name]
    assert leftovers(root) == sorted(ALL_NAMES)      # no temporary files
    assert server.total_hits() == 4
    # A cached good file is not downloaded again.
    assert fetch(table, root, [server.base("a")]) == paths
    assert server.total_hits() == 4


def test_download_public_function_mirror_and_force(server, files, fixture_md5,
                                                   monkeypatch, tmp_path):
    server.serve_all("mirror", files)
    monkeypatch.setenv("FASHION_MNIST_URL", server.base("mirror").rstrip("/"))
    paths = download_fashion_mnist(root=tmp_path)
    assert sorted(paths) == sorted(ALL_NAMES)
    assert all(p.parent == tmp_path for p in paths.values())
    assert server.total_hits() == 4
    download_fashion_mnist(root=tmp_path)
    assert server.total_hits() == 4
    download_fashion_mnist(root=tmp_path, force=True)
    assert server.total_hits() == 8
    assert leftovers(tmp_path) == sorted(ALL_NAMES)
    # root defaults to $CS231N_DATA_DIR.
    env_root = tmp_path / "env-root"
    monkeypatch.setenv("CS231N_DATA_DIR", str(env_root))
    assert download_fashion_mnist()[TEST_LABELS] == env_root / TEST_LABELS
    with pytest.raises(TypeError, match="force"):
        download_fashion_mnist(root=tmp_path, force="yes")


@pytest.mark.parametrize("status, attempts", [(404, 1), (500, 2)])
def test_http_error_moves_to_next_source(server, files, table, tmp_path,
                                         status, attempts):
    server.serve_all("b", files)
    for name in ALL_NAMES:
        server.fail("a", name, status)
    fetch(table, tmp_path, [server.base("a"), server.base("b")])
    for name in ALL_NAMES:
        assert server.hits("a", name) == attempts   # 5xx retried once, 4xx not
        assert server.hits("b", name) == 1
    assert leftovers(tmp_path) == sorted(ALL_NAMES)


@pytest.mark.parametrize("fault", ["bad-bytes", "truncated"])
def test_bad_body_moves_to_next_source(server, files, table, tmp_path, fault):
    name = TRAIN_IMAGES
    if fault == "bad-bytes":
        server.serve("a", name, files[name][:-8] + b"\x00" * 8)
    else:
        server.truncate("a", name, files[name])
    server.serve("b", name, files[name])
    paths = fetch({name: table[name]}, tmp_path, [server.base("a"), server.base("b")])
    assert md5(paths[name].read_bytes()) == table[name]
    assert server.hits("b", name) == 1
    assert leftovers(tmp_path) == [name]


def test_every_source_bad_raises_and_leaves_nothing(server, files, table, tmp_path):
    name = TRAIN_IMAGES
    server.serve("a", name, b"definitely not the right bytes")
    server.truncate("b", name, files[name])
    server.fail("c", name, 404)
    sources = [server.base(p) for p in "abc"]
    with pytest.raises(DownloadError) as info:
        fetch({name: table[name]}, tmp_path, sources)
    message = str(info.value)
    assert f"{server.base('a')}{name}: MD5 mismatch" in message
    assert f"{server.base('b')}{name}: connection closed" in message
    assert "truncated" in message
    assert f"{server.base('c')}{name}: HTTP 404" in message
    assert table[name] in message and str(tmp_path) in message
    assert leftovers(tmp_path) == []      # nothing under the official name


@pytest.mark.parametrize("damage", ["garbage", "wrong-size"])
def test_corrupt_cached_file_is_fetched_again(server, files, table, tmp_path, damage):
    name = TEST_LABELS
    bad = b"garbage" * 10 if damage == "garbage" else files[name][:-20]
    (tmp_path / name).write_bytes(bad)
    server.serve("a", name, files[name])
    fetch({name: table[name]}, tmp_path, [server.base("a")])
    assert server.hits("a", name) == 1
    assert (tmp_path / name).read_bytes() == files[name]


def test_corrupt_cached_file_removed_even_when_refetch_fails(table, tmp_path):
    name = TEST_LABELS
    (tmp_path / name).write_bytes(b"garbage")
    with pytest.raises(DownloadError):
        fetch({name: table[name]}, tmp_path, [closed_port_url()])
    assert leftovers(tmp_path) == []


def test_stalled_server_times_out(server, files, table, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_READ_TIMEOUT", 0.3)
    name = TEST_LABELS
    server.stall("a", name, 2.0)
    server.serve("b", name, files[name])
    start = time.monotonic()
    fetch({name: table[name]}, tmp_path, [server.base("a"), server.base("b")])
    assert time.monotonic() - start < 5
    # A timeout is not retried: it has already cost its wait.
    assert server.hits("a", name) == 1 and server.hits("b", name) == 1


@pytest.mark.skipif(sys.platform != "linux",
                    reason="relies on Linux dropping SYNs to a full accept queue")
def test_unreachable_source_connect_timeout(table, tmp_path, monkeypatch):
    # A listening socket whose accept queue is full drops new SYNs: to the
    # client it looks like a black-holed network, so connecting times out.
    monkeypatch.setattr(data, "_CONNECT_TIMEOUT", 0.3)
    listener = socket.socket()
    fillers = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            fillers.append(filler)
        hole = f"http://127.0.0.1:{listener.getsockname()[1]}/hole/"
        start = time.monotonic()
        with pytest.raises(DownloadError) as info:
            fetch(table, tmp_path, [hole])
        elapsed = time.monotonic() - start
    finally:
        for sock in [listener, *fillers]:
            sock.close()
    message = str(info.value)
    # One attempt for the first file, then the source is given up.
    assert message.count("timed out (ConnectTimeout)") == 1, message
    assert "3 more URL(s) not tried" in message
    assert elapsed < 3, elapsed


# --------------------------------------------------------------------------
# Download: no network, unwritable root
# --------------------------------------------------------------------------

def test_no_network_fails_fast_with_instructions(monkeypatch, tmp_path):
    mirror = closed_port_url("mirror")
    monkeypatch.setenv("FASHION_MNIST_URL", mirror)
    root = tmp_path / "data"
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        download_fashion_mnist(root=root)
    elapsed = time.monotonic() - start
    assert elapsed < 10, f"the offline error took {elapsed:.1f} s"
    message = str(info.value)
    for base in [mirror, *data._DEFAULT_BASE_URLS]:
        assert base + TRAIN_IMAGES in message          # URLs tried
    for name, checksum in OFFICIAL_MD5.items():
        assert name in message and checksum in message
    assert str(root) in message and "data/README.md" in message
    for var in ENV_VARS:
        assert var in message
    assert leftovers(root) == []


def test_unwritable_root_is_named(tmp_path, server, files, table):
    server.serve_all("a", files)
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file, not a folder")
    root = blocker / "data"
    with pytest.raises(DownloadError, match=f"{root}.*cannot be created or written"):
        fetch(table, root, [server.base("a")])
    assert server.total_hits() == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root ignores permission bits")
def test_read_only_root_is_named(tmp_path, server, files, table):
    server.serve_all("a", files)
    root = tmp_path / "read-only"
    root.mkdir()
    root.chmod(0o555)
    try:
        with pytest.raises(DownloadError, match="cannot be created or written"):
            fetch(table, root, [server.base("a")])
    finally:
        root.chmod(0o755)


# --------------------------------------------------------------------------
# The real label files from ../shared/fashion-mnist, when present
# --------------------------------------------------------------------------

needs_shared = pytest.mark.skipif(
    not SHARED_DIR.is_dir(),
    reason=f"{SHARED_DIR} (two real Fashion-MNIST label files) is absent")


@needs_shared
def test_real_label_files_verify_against_official_md5(server, tmp_path):
    for name in (TRAIN_LABELS, TEST_LABELS):
        server.serve("official", name, (SHARED_DIR / name).read_bytes())
    official = {n: OFFICIAL_MD5[n] for n in (TRAIN_LABELS, TEST_LABELS)}
    paths = fetch(official, tmp_path, [server.base("official")])
    for name, count in ((TRAIN_LABELS, 60000), (TEST_LABELS, 10000)):
        labels = read_idx(paths[name])
        assert labels.shape == (count,) and labels.dtype == np.uint8
        np.testing.assert_array_equal(np.bincount(labels, minlength=10),
                                      np.full(10, count // 10))


@needs_shared
def test_public_download_keeps_verified_real_labels(server, monkeypatch, tmp_path):
    # Only the two label files exist on the "mirror": the official table is
    # used, the labels verify and stay, the images are reported missing.
    for name in (TRAIN_LABELS, TEST_LABELS):
        server.serve("m", name, (SHARED_DIR / name).read_bytes())
    monkeypatch.setenv("FASHION_MNIST_URL", server.base("m"))
    with pytest.raises(DownloadError, match=f"{TRAIN_IMAGES}: HTTP 404"):
        download_fashion_mnist(root=tmp_path)
    assert leftovers(tmp_path) == sorted([TRAIN_LABELS, TEST_LABELS])


# --------------------------------------------------------------------------
# load_fashion_mnist
# --------------------------------------------------------------------------

def _place(root, files, **replace):
    root.mkdir(parents=True, exist_ok=True)
    for name, body in {**files, **replace}.items():
        (root / name).write_bytes(body)


def test_load_from_disk(files, tmp_path):
    _place(tmp_path, files)
    arrays = fixture_arrays()
    for kind, (img, lbl) in (("train", (TRAIN_IMAGES, TRAIN_LABELS)),
                             ("test", (TEST_IMAGES, TEST_LABELS))):
        images, labels = load_fashion_mnist(kind, root=tmp_path, download=False)
        assert images.dtype == np.uint8 and labels.dtype == np.uint8
        np.testing.assert_array_equal(images, arrays[img])
        np.testing.assert_array_equal(labels, arrays[lbl])


def test_load_downloads_only_its_split(server, files, fixture_md5, monkeypatch, tmp_path):
    server.serve_all("m", files)
    monkeypatch.setenv("FASHION_MNIST_URL", server.base("m"))
    images, labels = load_fashion_mnist("test", root=tmp_path)
    assert images.shape == (FIXTURE_TEST, 28, 28) and labels.shape == (FIXTURE_TEST,)
    assert leftovers(tmp_path) == sorted([TEST_IMAGES, TEST_LABELS])


@pytest.mark.parametrize("kind", ["validation", "TRAIN", None, 0])
def test_load_bad_kind(kind):
    with pytest.raises(ValueError, match=r"kind must be 'train' or 'test', got "):
        load_fashion_mnist(kind)


def test_load_missing_files_without_download(files, tmp_path):
    _place(tmp_path, {TRAIN_IMAGES: files[TRAIN_IMAGES]})
    with pytest.raises(FileNotFoundError) as info:
        load_fashion_mnist("train", root=tmp_path, download=False)
    message = str(info.value)
    assert TRAIN_LABELS in message and TRAIN_IMAGES not in message.split("Call")[0]
    assert str(tmp_path) in message and "download_fashion_mnist()" in message
    assert "CS231N_DATA_DIR" in message


def test_load_count_mismatch(files, tmp_path):
    labels = gzip_bytes(idx_bytes(np.zeros(FIXTURE_TRAIN - 1, np.uint8)))
    _place(tmp_path, files, **{TRAIN_LABELS: labels})
    with pytest.raises(ValueError, match=f"{FIXTURE_TRAIN} images.*{FIXTURE_TRAIN - 1} labels"):
        load_fashion_mnist("train", root=tmp_path, download=False)


def test_load_wrong_image_size_and_swapped_files(files, tmp_path):
    small = gzip_bytes(idx_bytes(np.zeros((FIXTURE_TRAIN, 10, 10), np.uint8)))
    _place(tmp_path, files, **{TRAIN_IMAGES: small})
    with pytest.raises(ValueError, match=r"\(N, 28, 28\), got \(60, 10, 10\)"):
        load_fashion_mnist("train", root=tmp_path, download=False)
    _place(tmp_path, files, **{TRAIN_IMAGES: files[TRAIN_LABELS]})
    with pytest.raises(ValueError, match=TRAIN_IMAGES):
        load_fashion_mnist("train", root=tmp_path, download=False)


def test_load_corrupt_gzip_names_the_file(files, tmp_path):
    _place(tmp_path, files, **{TEST_IMAGES: files[TEST_IMAGES][:-30]})
    with pytest.raises(ValueError, match=f"{TEST_IMAGES}.*corrupt gzip"):
        load_fashion_mnist("test", root=tmp_path, download=False)


# --------------------------------------------------------------------------
# get_fashion_mnist_data
# --------------------------------------------------------------------------

@pytest.fixture
def fixture_root(files, fixture_md5, tmp_path):
    root = tmp_path / "fixture-root"
    _place(root, files)
    return root


def test_get_data_splits_and_scaling(fixture_root):
    out = get_fashion_mnist_data(num_training=50, num_validation=10,
                                 num_test=15, root=fixture_root)
    assert out["source"] == "fashion-mnist"
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
    np.testing.assert_array_equal(out["y_val"], np.arange(50, 60) % 10)


def test_get_data_without_mean_subtraction(fixture_root):
    out = get_fashion_mnist_data(num_training=30, num_validation=0, num_test=5,
                                 subtract_mean=False, dtype=np.float64,
                                 root=fixture_root)
    assert out["X_train"].dtype == np.float64 and out["X_val"].shape == (0, 1, 28, 28)
    assert out["X_train"].min() >= 0 and out["X_test"].max() <= 1
    np.testing.assert_allclose(out["X_train"][:, 0, 5, 5], np.arange(30) / 255)
    np.testing.assert_allclose(out["mean_image"], np.mean(np.arange(30)) / 255)


def test_get_data_too_many_examples(fixture_root):
    with pytest.raises(ValueError, match=f"50 \\+ 11 = 61 exceeds the {FIXTURE_TRAIN}"):
        get_fashion_mnist_data(50, 11, 5, root=fixture_root)
    with pytest.raises(ValueError, match=f"num_test = 21 exceeds the {FIXTURE_TEST}"):
        get_fashion_mnist_data(50, 10, 21, root=fixture_root)
    # Beyond the official sizes it fails before any download is attempted.
    with pytest.raises(ValueError, match="60001 exceeds the 60000"):
        get_fashion_mnist_data(55001, 5000)
    with pytest.raises(ValueError, match="exceeds the 10000"):
        get_fashion_mnist_data(num_test=10001)


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"num_training": 0}, ValueError, "num_training must be >= 1, got 0"),
    ({"num_validation": -1}, ValueError, "num_validation must be >= 0"),
    ({"num_training": 1.5}, TypeError, "num_training must be an integer, got float"),
    ({"num_test": True}, TypeError, "num_test must be an integer, got bool"),
    ({"subtract_mean": "no"}, TypeError, "subtract_mean must be True or False"),
    ({"dtype": np.int32}, TypeError, "dtype must be a floating-point dtype"),
    ({"dtype": "banana"}, TypeError, "dtype must be a floating-point dtype"),
    ({"root": 5}, TypeError, "root must be a str"),
])
def test_get_data_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        get_fashion_mnist_data(**kwargs)


def test_get_data_downloads_through_mirror(server, files, fixture_md5, monkeypatch, tmp_path):
    server.serve_all("m", files)
    monkeypatch.setenv("FASHION_MNIST_URL", server.base("m"))
    out = get_fashion_mnist_data(40, 20, 20, root=tmp_path)
    assert out["source"] == "fashion-mnist" and out["X_val"].shape == (20, 1, 28, 28)
    assert server.total_hits() == 4


def test_no_synthetic_fallback_unless_allowed(monkeypatch, tmp_path):
    with pytest.raises(DownloadError, match="CS231N_ALLOW_SYNTHETIC"):
        get_fashion_mnist_data(100, 10, 10, root=tmp_path)
    monkeypatch.setenv("CS231N_ALLOW_SYNTHETIC", "0")
    with pytest.raises(DownloadError):
        get_fashion_mnist_data(100, 10, 10, root=tmp_path)


def test_synthetic_fallback_when_allowed(monkeypatch, tmp_path):
    monkeypatch.setenv("CS231N_ALLOW_SYNTHETIC", "1")
    root = tmp_path / "data"
    with pytest.warns(UserWarning, match="^Using the SYNTHETIC stand-in") as record:
        out = get_fashion_mnist_data(200, 50, 30, root=root)
    assert len(record) == 1 and "NOT Fashion-MNIST" in str(record[0].message)
    assert out["source"] == "synthetic"
    assert out["X_train"].shape == (200, 1, 28, 28) and out["X_train"].dtype == np.float32
    assert out["X_val"].shape == (50, 1, 28, 28) and out["X_test"].shape == (30, 1, 28, 28)
    assert out["y_train"].dtype == np.int64 and out["mean_image"].shape == (1, 28, 28)
    assert abs(out["X_train"].mean(axis=0)).max() < 1e-6
    # Nothing written, least of all under an official name.
    assert leftovers(root) == []


def test_fallback_also_when_official_files_fail_to_verify(server, monkeypatch, tmp_path):
    # A mirror serving wrong bytes for every file is as good as no network.
    for name in ALL_NAMES:
        server.serve("m", name, b"not fashion-mnist")
    monkeypatch.setenv("FASHION_MNIST_URL", server.base("m"))
    monkeypatch.setenv("CS231N_ALLOW_SYNTHETIC", "1")
    with pytest.warns(UserWarning, match="^Using the SYNTHETIC stand-in"):
        out = get_fashion_mnist_data(20, 10, 10, root=tmp_path)
    assert out["source"] == "synthetic" and leftovers(tmp_path) == []


# --------------------------------------------------------------------------
# synthetic_fashion_mnist
# --------------------------------------------------------------------------

def test_synthetic_full_size_shapes_balance_and_speed():
    # CPU time, not wall time: CI machines are shared. About 1-2 s is normal;
    # the bound only catches a de-vectorised (per-image or per-pixel) draw.
    start = time.process_time()
    X_train, y_train, X_test, y_test = synthetic_fashion_mnist()
    elapsed = time.process_time() - start
    assert elapsed < 20, f"60,000 + 10,000 synthetic images took {elapsed:.1f} s of CPU"
    assert X_train.shape == (60000, 28, 28) and X_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for a in (X_train, y_train, X_test, y_test):
        assert a.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(y_train), np.full(10, 6000))
    np.testing.assert_array_equal(np.bincount(y_test), np.full(10, 1000))
    assert (np.diff(y_train[:100].astype(int)) != 0).any()   # shuffled
    assert not np.array_equal(y_train[:10], np.arange(10))
    assert 10 < X_train.mean() < 150 and X_train.max() == 255


def test_synthetic_deterministic_and_independent_of_global_state():
    before = np.random.get_state()
    a = synthetic_fashion_mnist(300, 50, seed=7)
    after = np.random.get_state()
    np.testing.assert_array_equal(before[1], after[1])   # global state unused
    assert before[2:] == after[2:]
    b = synthetic_fashion_mnist(300, 50, seed=7)
    for x, y in zip(a, b):
        assert x.tobytes() == y.tobytes()
    c = synthetic_fashion_mnist(300, 50, seed=8)
    assert a[0].tobytes() != c[0].tobytes() and a[2].tobytes() != c[2].tobytes()
    # The test split does not depend on the size of the training split.
    d = synthetic_fashion_mnist(100, 50, seed=7)
    assert d[2].tobytes() == a[2].tobytes()


def test_synthetic_uneven_sizes():
    X_train, y_train, X_test, y_test = synthetic_fashion_mnist(25, 0, seed=1)
    np.testing.assert_array_equal(np.bincount(y_train, minlength=10),
                                  [3, 3, 3, 3, 3, 2, 2, 2, 2, 2])
    assert X_test.shape == (0, 28, 28) and y_test.shape == (0,)


def test_synthetic_is_learnable_but_not_templates():
    X_train, y_train, X_test, y_test = synthetic_fashion_mnist(2000, 1000, seed=3)
    train = X_train.reshape(len(X_train), -1).astype(np.float64)
    test = X_test.reshape(len(X_test), -1).astype(np.float64)
    centroids = np.stack([train[y_train == c].mean(axis=0) for c in range(10)])
    distances = ((test[:, None, :] - centroids[None]) ** 2).sum(axis=-1)
    accuracy = (distances.argmin(axis=1) == y_test).mean()
    assert 0.5 < accuracy < 0.99, accuracy        # far above chance (0.1)
    # Examples of one class differ: shift, scale, details, noise.
    for c in range(10):
        members = train[y_train == c]
        assert len(np.unique(members, axis=0)) == len(members)
        assert members.std(axis=0).mean() > 20


@pytest.mark.parametrize("kwargs, error", [
    ({"num_train": -1}, ValueError), ({"num_test": 2.0}, TypeError),
    ({"seed": None}, TypeError), ({"seed": -3}, ValueError),
])
def test_synthetic_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        synthetic_fashion_mnist(**kwargs)
