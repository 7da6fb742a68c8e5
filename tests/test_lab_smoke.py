"""Smoke test of `make lab`: the server starts, answers and opens every notebook.

The server is started by `make lab` itself, so with the Makefile's command and
flags and the student's environment (.venv-student), on a free port of
127.0.0.1 and with --no-browser (PORT and LAB_ARGS, as a user would pass
them). The test takes the token from the URL the server prints, as a user
would, waits for its API, reads every notebook through the contents API, then
stops make, the server and their children.
"""
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
READY_WITHIN = 60     # seconds for the server to answer /api/status
STOP_WITHIN = 20      # seconds for it to exit after SIGTERM

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses process groups")

# Straight to 127.0.0.1, whatever proxy the environment names.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(proc):
    """SIGTERM to make's process group (make, the server and its children);
    SIGKILL to what is left of it after STOP_WITHIN seconds."""
    if group_alive(proc.pid):
        os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WITHIN
    while group_alive(proc.pid) and time.monotonic() < deadline:
        proc.poll()                     # reap make as soon as it exits
        time.sleep(0.2)
    if group_alive(proc.pid):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(STOP_WITHIN)


class Lab:
    """The running server: its base URL, token (once printed) and log."""

    def __init__(self, port, log):
        self.base, self.log, self.token = f"http://127.0.0.1:{port}", log, None

    def printed_token(self):
        """The token of the URL to open, once the server has printed it."""
        match = re.search(re.escape(self.base) + r"/lab\?token=([0-9a-f]+)\b",
                          self.output())
        return match and match.group(1)

    def get(self, path, timeout=10):
        request = urllib.request.Request(
            self.base + path, headers={"Authorization": f"token {self.token}"})
        with _opener.open(request, timeout=timeout) as response:
            return json.load(response)

    def output(self):
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, student_env):
    tmp = tmp_path_factory.mktemp("lab")
    port = free_port()
    lab_args = "--no-browser --ip=127.0.0.1 --ServerApp.port_retries=0"
    # Runtime files (the server's cookie secret, its -open.html) stay in tmp.
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    log = tmp / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}",
             f"LAB_ARGS={lab_args}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
    server = Lab(port, log)
    started = time.monotonic()
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"make lab exited with {proc.returncode}:\n"
                            f"{server.output()}")
            server.token = server.token or server.printed_token()
            try:
                if server.token:
                    status = server.get("/api/status", timeout=2)
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() - started > READY_WITHIN:
                pytest.fail(f"no answer on {server.base}/api/status within "
                            f"{READY_WITHIN} s:\n{server.output()}")
            time.sleep(0.5)
        print(f"\nmake lab: JupyterLab answered on {server.base} after "
              f"{time.monotonic() - started:.1f} s; status {status}")
        yield server
    finally:
        stop(proc)
        print(f"make lab: stopped (exit code {proc.returncode})")


def test_make_lab_prints_the_url_to_open(lab):
    # The fixture got its token from that URL, and the API accepted it.
    assert lab.output().startswith("JupyterLab on notebooks/: open the ")
    assert f"{lab.base}/lab?token={lab.token}" in lab.output()
    # As root, make lab adds --allow-root, without which JupyterLab refuses.
    assert ("--allow-root" in lab.output()) == (os.geteuid() == 0)


def test_the_lab_shows_the_notebooks_folder(lab):
    listed = {item["name"] for item in lab.get("/api/contents")["content"]}
    assert {path.name for path in NOTEBOOKS} <= listed
    assert "python3" in lab.get("/api/kernelspecs")["kernelspecs"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_opens(lab, path):
    model = lab.get(f"/api/contents/{path.name}?type=notebook&content=1")
    assert model["type"] == "notebook" and model["format"] == "json"
    cells = model["content"]["cells"]
    assert len(cells) == len(nbformat.read(path, as_version=4).cells)
    print(f"{path.name}: {len(cells)} cells")
