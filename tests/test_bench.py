"""Smoke test of tools/bench.py: it runs and writes well-formed JSON.

Only the structure is checked, never a time: speed is measured with
``make bench``, not with timed tests.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "tools" / "bench.py"

LAYER_KEYS = {"layer", "shapes", "description", "naive_ms", "naive_repeats",
              "fast_ms", "speedup_vs_naive", "torch_ms", "fast_over_torch"}
STEP_KEYS = {"batch", "dtype", "model", "update_rule", "numpy_ms",
             "numpy_images_per_s", "torch_ms", "numpy_over_torch",
             "peak_mb", "peak_mb_first_step", "kept_between_steps_mb"}
TARGET_KEYS = {"target", "value", "limit", "kind", "status", "note"}
NORM_KEYS = {"layer", "description", "numpy_ms", "torch_ms",
             "numpy_over_torch"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One quick run of the bench without PyTorch: its stdout and JSON."""
    out = tmp_path_factory.mktemp("bench") / "result.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--no-torch", "--out",
         str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text(encoding="utf-8"))


def test_bench_describes_the_run(quick_run):
    _, result = quick_run
    assert result["mode"] == "quick"
    assert result["dtype"] == "float32"
    assert result["statistic"] == "median"
    machine = result["machine"]
    assert machine["cpu"] and machine["platform"]
    assert machine["threads"] >= 1
    versions = machine["versions"]
    assert versions["python"] and versions["numpy"]
    assert "numpy_build" in versions["blas"]
    assert versions["torch"] is None  # --no-torch


def test_bench_times_every_layer_on_both_shape_sets(quick_run):
    _, result = quick_run
    rows = result["layers"]
    assert {(r["layer"], r["shapes"]) for r in rows} == {
        (layer, shapes)
        for layer in ("conv forward", "conv backward", "max-pool forward",
                      "max-pool backward")
        for shapes in ("cs231n", "train")}
    for row in rows:
        assert set(row) == LAYER_KEYS
        assert row["naive_ms"] > 0 and row["fast_ms"] > 0
        assert row["speedup_vs_naive"] > 0
        assert row["torch_ms"] is None and row["fast_over_torch"] is None


def test_bench_times_spatial_batchnorm(quick_run):
    stdout, result = quick_run
    row, = result["normalization"]
    assert set(row) == NORM_KEYS
    assert row["layer"] == "spatial batchnorm fwd+bwd"
    assert row["numpy_ms"] > 0
    assert row["torch_ms"] is None and row["numpy_over_torch"] is None
    assert row["layer"] in stdout


def test_bench_measures_a_training_step(quick_run):
    _, result = quick_run
    step = result["train_step"]
    assert STEP_KEYS <= set(step)
    assert step["numpy_ms"] > 0 and step["numpy_images_per_s"] > 0
    assert step["peak_mb"] > 0
    assert step["torch_ms"] is None and step["numpy_over_torch"] is None


def test_bench_reports_each_target(quick_run):
    stdout, result = quick_run
    targets = result["targets"]
    assert len(targets) == 9
    for t in targets:
        assert set(t) == TARGET_KEYS
        assert t["status"] in {"PASS", "MISS", "n/a"}
    # Without PyTorch the comparisons with it are not applicable.
    torch_targets = [t for t in targets if "PyTorch" in t["target"]]
    assert torch_targets and all(t["status"] == "n/a" for t in torch_targets)
    for t in targets:
        assert f"[{t['status']:>4}] {t['target']}" in stdout
