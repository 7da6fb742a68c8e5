"""Smoke tests of tools/bench.py: a --quick run reports every row and target.

Only the structure is checked, never a time: speed is measured with
``make bench``, not by timed tests.
"""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "tools" / "bench.py"
HAVE_TORCH = importlib.util.find_spec("torch") is not None

LAYER_ROWS = {(f"{layer} {direction}", shapes)
              for layer in ("conv", "max-pool")
              for direction in ("forward", "backward")
              for shapes in ("cs231n", "training")}
# Each target and how many checks it makes: one per layer row, one per conv
# forward row, one per thread count of the step, one each for the rest.
TARGET_COUNTS = {"fast_over_naive": 8, "conv_forward_over_torch": 2,
                 "step_over_torch": 2, "step_memory_mb": 1,
                 "run_over_torch": 1, "batchnorm_over_torch": 1}
NEEDS_TORCH = {"conv_forward_over_torch", "step_over_torch",
               "run_over_torch", "batchnorm_over_torch"}


def run_bench(tmp_path, *options):
    out = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--out", str(out), *options],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=[
    "no-torch",
    pytest.param("torch", marks=pytest.mark.skipif(
        not HAVE_TORCH, reason="PyTorch is not installed")),
])
def quick_run(request, tmp_path_factory):
    """One quick run, without and (if installed) with PyTorch."""
    options = ["--no-torch"] if request.param == "no-torch" else []
    stdout, result = run_bench(tmp_path_factory.mktemp("bench"), *options)
    return request.param == "torch", stdout, result


def test_describes_the_machine_and_the_run(quick_run):
    with_torch, stdout, result = quick_run
    assert result["mode"] == "quick"
    assert result["threads"] == [1, 2]
    machine = result["machine"]
    for key in ("cpu", "platform", "python", "numpy", "blas"):
        assert machine[key], key
    assert len(machine["load_average"]) == 3
    assert len(result["load_average_end"]) == 3
    assert (machine["torch"] is not None) == with_torch
    assert "load average" in stdout and "threads: 1, 2" in stdout


def test_times_every_layer_against_naive_and_torch(quick_run):
    with_torch, _, result = quick_run
    rows = result["layers"]
    assert {(row["layer"], row["shapes"]) for row in rows} == LAYER_ROWS
    for row in rows:
        assert row["naive_ms"] > 0 and row["fast_ms"] > 0
        assert row["fast_over_naive"] == pytest.approx(
            row["naive_ms"] / row["fast_ms"])
        assert (row["torch_ms"] is not None) == with_torch
        assert (row["fast_over_torch"] is not None) == with_torch


def test_times_the_step_at_each_thread_count(quick_run):
    with_torch, _, result = quick_run
    steps = result["train_step"]
    assert [row["threads"] for row in steps] == [1, 2]
    for row in steps:
        assert row["numpy_ms"] > 0 and row["numpy_images_per_s"] > 0
        assert row["blas_threads"] >= 1
        assert (row["numpy_over_torch"] is not None) == with_torch
        if with_torch:
            assert row["torch_threads"] == row["threads"]
    assert result["step_memory"]["peak_mb"] > 0
    bn = result["spatial_batchnorm"]
    assert bn["numpy_ms"] > 0
    assert (bn["numpy_over_torch"] is not None) == with_torch


def test_runs_notebook_05s_training_in_both(quick_run):
    with_torch, _, result = quick_run
    run = result["training_run"]
    sides = ("numpy", "torch") if with_torch else ("numpy",)
    for side in sides:
        assert run[side]["seconds"] > 0
        assert 0 <= run[side]["val_acc"] <= 1
        assert 0 <= run[side]["test_acc"] <= 1
    assert (run["torch"] is not None) == with_torch
    assert (run["numpy_over_torch"] is not None) == with_torch


def test_checks_and_prints_every_target(quick_run):
    with_torch, stdout, result = quick_run
    targets = result["targets"]
    counts = {}
    for t in targets:
        counts[t["target"]] = counts.get(t["target"], 0) + 1
        assert t["status"] in {"PASS", "MISS", "n/a"}
        assert (t["status"] == "n/a") == (t["target"] in NEEDS_TORCH
                                          and not with_torch)
        assert f"| {t['status']:<6} | {t['what']}" in stdout
    assert counts == TARGET_COUNTS
    for key in TARGET_COUNTS:
        assert f"  {key} " in stdout and "(issue 11)" in stdout


def test_skips_the_training_run_and_reprints_a_result(tmp_path):
    stdout, result = run_bench(tmp_path, "--no-torch", "--no-training-run",
                               "--threads", "1")
    assert result["training_run"] is None
    assert [row["threads"] for row in result["train_step"]] == [1]
    run_check, = (t for t in result["targets"]
                  if t["target"] == "run_over_torch")
    assert run_check["status"] == "n/a"
    again = subprocess.run(
        [sys.executable, str(BENCH), "--from-json",
         str(tmp_path / "result.json")],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=True)
    assert again.stdout.strip() == stdout.rsplit("\nwrote ", 1)[0].strip()
