"""Helpers for tests/test_data.py and tests/test_idx.py: a local HTTP server
and small IDX files.

Nothing here touches the internet: the server listens on 127.0.0.1 only, and
the IDX fixtures are generated in memory (gzip with a fixed mtime, so their
bytes and MD5s are the same on every run).
"""
import gzip
import hashlib
import io
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

# ../shared/fashion-mnist beside the repository: two real label files, when
# the machine has them (CI does; a user's clone usually does not).
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared" / "fashion-mnist"

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
ALL_NAMES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

# Sizes of the generated fixture splits.
FIXTURE_TRAIN = 60
FIXTURE_TEST = 20


def idx_bytes(array):
    """Plain IDX bytes of a uint8 array (magic 2049 for 1-D, 2051 for 3-D)."""
    array = np.asarray(array, dtype=np.uint8)
    magic = {1: 2049, 3: 2051}[array.ndim]
    header = struct.pack(f">I{array.ndim}I", magic, *array.shape)
    return header + array.tobytes()


def gzip_bytes(raw, *, mtime=0, filename="", compresslevel=9):
    """gzip-compress ``raw``; by default with mtime=0 and no file name in the
    header, at level 9: reproducible bytes (the "published" fixtures).

    The keywords change only the gzip header or the deflate stream, never
    what the bytes decompress to.
    """
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=filename, fileobj=buffer, mode="wb",
                       mtime=mtime, compresslevel=compresslevel) as handle:
        handle.write(raw)
    return buffer.getvalue()


# Other encodings of the same content: what a packager (Debian) or a user may
# have done to a file. All of them decompress to the published content.
RECOMPRESSED = {
    "other-mtime": lambda raw: gzip_bytes(raw, mtime=1_591_315_200),
    "name-in-header": lambda raw: gzip_bytes(raw, filename="fashion-mnist-file"),
    "level-1": lambda raw: gzip_bytes(raw, compresslevel=1),
    "uncompressed": lambda raw: raw,
}


def tamper(raw):
    """``raw`` with the lowest bit of its last byte flipped (one byte changed)."""
    return raw[:-1] + bytes([raw[-1] ^ 1])


def md5(data):
    return hashlib.md5(data).hexdigest()


def fixture_arrays():
    """Small splits whose pixels identify each example.

    Training image i is filled with the value i and test image i with
    100 + i, so a test can tell which examples landed in which split.
    Labels cycle 0..9, so both splits are balanced.
    """
    train_images = np.repeat(np.arange(FIXTURE_TRAIN, dtype=np.uint8), 28 * 28)
    test_images = np.repeat(np.arange(100, 100 + FIXTURE_TEST, dtype=np.uint8), 28 * 28)
    return {
        TRAIN_IMAGES: train_images.reshape(FIXTURE_TRAIN, 28, 28),
        TRAIN_LABELS: np.arange(FIXTURE_TRAIN, dtype=np.uint8) % 10,
        TEST_IMAGES: test_images.reshape(FIXTURE_TEST, 28, 28),
        TEST_LABELS: np.arange(FIXTURE_TEST, dtype=np.uint8) % 10,
    }


def fixture_raw():
    """File name -> plain (decompressed) IDX bytes of the fixture splits."""
    return {name: idx_bytes(a) for name, a in fixture_arrays().items()}


def fixture_files():
    """File name -> gzip-compressed IDX bytes of the fixture splits."""
    return {name: gzip_bytes(raw) for name, raw in fixture_raw().items()}


def checksum_table(files):
    """name -> (MD5 of the file as given, MD5 of its decompressed content),
    the layout of ``cs231n_layers.data._OFFICIAL``."""
    return {name: (md5(body), md5(decompressed(body))) for name, body in files.items()}


def decompressed(body):
    """What ``body`` holds: gunzipped when it starts with the gzip magic."""
    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body


def write_files(folder, files):
    """Write ``{name: bytes}`` into ``folder`` (created); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (folder / name).write_bytes(body)
    return folder


def snapshot(folder):
    """Everything below ``folder``: relative path -> bytes (None for a folder).

    Empty when the folder does not exist; equal snapshots mean nothing was
    added, removed or changed.
    """
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes())
            for p in sorted(folder.rglob("*"))}


def closed_port_url(prefix="closed"):
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/{prefix}/"


class _Handler(BaseHTTPRequestHandler):
    """Serves whatever the server's routes say for each path."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        server = self.server
        with server.lock:
            server.hits[self.path] += 1
            kind, payload = server.routes.get(self.path, ("status", 404))
            if kind == "flaky":
                failures, status, body = payload
                if failures:
                    server.routes[self.path] = ("flaky", (failures - 1, status, body))
                    kind, payload = "status", status
                else:
                    kind, payload = "ok", body
        if kind == "status":
            self.send_error(payload)
        elif kind == "stall":
            time.sleep(payload)        # connected, but not a byte answered
        elif kind == "truncate":
            # Announce the whole file, send half of it, close the connection.
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def log_message(self, format, *args):  # keep test output quiet
        pass


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 with per-path behaviour.

    Each path answers 404 unless told otherwise with :meth:`serve`,
    :meth:`fail`, :meth:`flaky`, :meth:`truncate` or :meth:`stall`. Several
    "sources" are simply different path prefixes: ``server.base("a")`` is
    ``http://127.0.0.1:<port>/a/``.
    """

    def __init__(self):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.routes = {}
        self._httpd.hits = Counter()
        self._httpd.lock = threading.Lock()
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def reset(self):
        """Forget every route and hit: a fresh server for the next test."""
        with self._httpd.lock:
            self._httpd.routes.clear()
            self._httpd.hits.clear()

    def base(self, prefix):
        return f"http://127.0.0.1:{self.port}/{prefix}/"

    def _set(self, prefix, name, kind, payload):
        with self._httpd.lock:
            self._httpd.routes[f"/{prefix}/{name}"] = (kind, payload)

    def serve(self, prefix, name, body):
        self._set(prefix, name, "ok", body)

    def serve_all(self, prefix, files):
        for name, body in files.items():
            self.serve(prefix, name, body)

    def fail(self, prefix, name, status):
        self._set(prefix, name, "status", status)

    def flaky(self, prefix, name, body, failures=1, status=503):
        """Answer ``status`` to the first ``failures`` requests, then serve."""
        self._set(prefix, name, "flaky", (failures, status, body))

    def truncate(self, prefix, name, body):
        self._set(prefix, name, "truncate", body)

    def stall(self, prefix, name, seconds):
        self._set(prefix, name, "stall", seconds)

    def hits(self, prefix, name):
        with self._httpd.lock:
            return self._httpd.hits[f"/{prefix}/{name}"]

    def total_hits(self):
        with self._httpd.lock:
            return sum(self._httpd.hits.values())
