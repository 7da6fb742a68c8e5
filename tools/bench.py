"""Benchmark the course's layers: naive loops, fast numpy, and PyTorch CPU.

``make bench`` runs this script. It prints a table and writes the figures,
with a description of the machine, to ``bench/results/latest.json`` (or to
``--out``). It measures

* naive versus fast convolution and max pooling, forward and backward, on
  CS231n's shapes and on the ThreeLayerConvNet's training shapes;
* spatial batch norm, forward and backward together in train mode, on the
  output shape of the ThreeLayerConvNet's convolution;
* one training step of ThreeLayerConvNet (float32, batch 64, L2 reg 1e-3;
  forward, backward and Adam update, through the package's Solver) in
  images per second, and the peak memory the step needs beyond its input
  batch;
* the same layers and step in PyTorch CPU with the same number of threads,
  when PyTorch happens to be installed (it is never a requirement).

Times are medians over repeated runs after a warm-up (the naive loops, which
take seconds, run only once or a few times). It checks the course's targets
and prints PASS or MISS for each; it is a report, not a test, so it exits 0
either way. ``--quick`` runs tiny shapes in a few seconds, for the smoke
test; its figures mean nothing.

Usage::

    python tools/bench.py [--quick] [--out PATH] [--no-torch]
                          [--update-rule {adam,sgd}]
"""
import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cs231n_layers as cl  # noqa: E402  (after the path set-up above)

DEFAULT_OUT = ROOT / "bench" / "results" / "latest.json"
DTYPE = np.float32

# The shapes the issue asks for. ``conv``: x, w, stride, pad; ``pool``: x,
# pool height = pool width, stride. ``naive_repeats``: runs of the naive
# loops (seconds each); the fast layers repeat until ``budget`` seconds.
FULL = {
    "shapes": {
        "cs231n": {"conv": ((100, 3, 31, 31), (25, 3, 3, 3), 2, 1),
                   "pool": ((100, 3, 32, 32), 2, 2)},
        "train": {"conv": ((64, 1, 28, 28), (32, 1, 7, 7), 1, 3),
                  "pool": ((64, 32, 28, 28), 2, 2)},
    },
    "naive_repeats": {"cs231n": 3, "train": 1},
    "norm": (64, 32, 28, 28),
    "budget": 0.5,
    "model": {"input_dim": (1, 28, 28), "num_filters": 32, "filter_size": 7,
              "hidden_dim": 100, "num_classes": 10},
    "batch": 64,
    "num_train": 1024,
    "step_rounds": 6,
    "steps_per_round": 10,
}
QUICK = {
    "shapes": {
        "cs231n": {"conv": ((4, 3, 7, 7), (2, 3, 3, 3), 2, 1),
                   "pool": ((4, 3, 8, 8), 2, 2)},
        "train": {"conv": ((4, 1, 8, 8), (3, 1, 3, 3), 1, 1),
                  "pool": ((4, 3, 8, 8), 2, 2)},
    },
    "naive_repeats": {"cs231n": 1, "train": 1},
    "norm": (4, 3, 8, 8),
    "budget": 0.01,
    "model": {"input_dim": (1, 8, 8), "num_filters": 3, "filter_size": 3,
              "hidden_dim": 10, "num_classes": 10},
    "batch": 8,
    "num_train": 32,
    "step_rounds": 2,
    "steps_per_round": 2,
}

# The targets.
STEP_RATIO_LIMIT = 1.5     # numpy step time / PyTorch step time, at most
NAIVE_SPEEDUP_MIN = 500    # naive time / fast time for conv, at least
POOL_RATIO_LIMIT = 1.0     # fast max-pool forward / PyTorch's, at most
STEP_MEMORY_LIMIT_MB = 40  # peak a float32 step allocates beyond its batch
NORM_RATIO_LIMIT = 2.0     # spatial batch norm fwd + bwd / PyTorch's, at most
MB = 1e6


# ------------------------------------------------------------ the machine

def thread_count():
    """Threads for the BLAS: OPENBLAS/OMP_NUM_THREADS, else the usable CPUs."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, else what platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_info():
    """numpy's BLAS: from numpy.show_config, and threadpoolctl if present."""
    info = {}
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        info["numpy_build"] = {key: blas.get(key) for key in
                               ("name", "version", "openblas configuration")
                               if blas.get(key) is not None}
    except Exception as err:  # older numpy: no mode="dicts"
        info["numpy_build"] = f"unavailable ({type(err).__name__})"
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info["threadpoolctl"] = None
    else:
        info["threadpoolctl"] = [
            {key: pool.get(key) for key in
             ("user_api", "internal_api", "version", "num_threads")}
            for pool in threadpool_info()
        ]
    return info


def load_average():
    """The 1, 5 and 15 minute load averages, where the OS reports them."""
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def machine_info(threads, torch):
    return {
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": (len(os.sched_getaffinity(0))
                        if hasattr(os, "sched_getaffinity") else None),
        "threads": threads,
        "thread_env": {name: os.environ.get(name) for name in
                       ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                        "MKL_NUM_THREADS")},
        "load_average_end": load_average(),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cs231n_layers": cl.__version__,
            "blas": blas_info(),
            "torch": torch.__version__ if torch is not None else None,
            "torch_threads": (torch.get_num_threads()
                              if torch is not None else None),
        },
    }


# ---------------------------------------------------------------- timing

def median_time(fn, repeats, warmup=1):
    """Median wall time of ``fn()`` in seconds, over ``repeats`` calls.

    The garbage collector is paused while timing, as ``timeit`` does.
    """
    for _ in range(warmup):
        fn()
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return statistics.median(times)


def fast_time(fn, budget):
    """Median time of a fast ``fn``, repeated to fill about ``budget`` s."""
    start = time.perf_counter()
    fn()  # the warm-up call also sizes the number of repeats
    once = max(time.perf_counter() - start, 1e-6)
    repeats = int(min(max(budget / once, 5), 200))
    return median_time(fn, repeats, warmup=1)


def naive_time(fn, repeats):
    """Median time of a slow naive ``fn``: no warm-up, a few runs."""
    return median_time(fn, repeats, warmup=0)


# ---------------------------------------------------------------- layers

def conv_cases(x_shape, w_shape, stride, pad, rng):
    """Inputs, the fast forward's cache and an upstream gradient."""
    x = rng.standard_normal(x_shape).astype(DTYPE)
    w = rng.standard_normal(w_shape).astype(DTYPE)
    b = rng.standard_normal(w_shape[0]).astype(DTYPE)
    cp = {"stride": stride, "pad": pad}
    out, fast_cache = cl.conv_forward_fast(x, w, b, cp)
    dout = rng.standard_normal(out.shape).astype(DTYPE)
    return x, w, b, cp, fast_cache, dout


def bench_conv(label, spec, naive_repeats, budget, torch, rng):
    """Rows for conv forward and backward on one set of shapes."""
    x_shape, w_shape, stride, pad = spec
    x, w, b, cp, fast_cache, dout = conv_cases(x_shape, w_shape, stride, pad,
                                               rng)
    desc = (f"x {'x'.join(map(str, x_shape))}, w {'x'.join(map(str, w_shape))}"
            f", stride {stride}, pad {pad}")
    _, naive_cache = cl.conv_forward_naive(x, w, b, cp)
    times = {
        "forward": {
            "naive": naive_time(lambda: cl.conv_forward_naive(x, w, b, cp),
                                naive_repeats),
            "fast": fast_time(lambda: cl.conv_forward_fast(x, w, b, cp),
                              budget),
        },
        "backward": {
            "naive": naive_time(lambda: cl.conv_backward_naive(dout,
                                                               naive_cache),
                                naive_repeats),
            "fast": fast_time(lambda: cl.conv_backward_fast(dout, fast_cache),
                              budget),
        },
    }
    if torch is not None:
        F = torch.nn.functional
        tx, tw, tb = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
        tdout = torch.from_numpy(dout)
        pause()
        with torch.no_grad():
            times["forward"]["torch"] = fast_time(
                lambda: F.conv2d(tx, tw, tb, stride=stride, padding=pad),
                budget)
        tout = F.conv2d(tx, tw, tb, stride=stride, padding=pad)
        times["backward"]["torch"] = fast_time(
            lambda: torch.autograd.grad(tout, (tx, tw, tb), tdout,
                                        retain_graph=True), budget)
        pause()
    return [layer_row(f"conv {direction}", label, desc, naive_repeats, t)
            for direction, t in times.items()]


def bench_pool(label, spec, naive_repeats, budget, torch, rng):
    """Rows for max-pool forward and backward on one set of shapes."""
    x_shape, size, stride = spec
    x = rng.standard_normal(x_shape).astype(DTYPE)
    pp = {"pool_height": size, "pool_width": size, "stride": stride}
    out, fast_cache = cl.max_pool_forward_fast(x, pp)
    _, naive_cache = cl.max_pool_forward_naive(x, pp)
    dout = rng.standard_normal(out.shape).astype(DTYPE)
    desc = f"x {'x'.join(map(str, x_shape))}, {size}x{size}, stride {stride}"
    times = {
        "forward": {
            "naive": naive_time(lambda: cl.max_pool_forward_naive(x, pp),
                                naive_repeats),
            "fast": fast_time(lambda: cl.max_pool_forward_fast(x, pp),
                              budget),
        },
        "backward": {
            "naive": naive_time(
                lambda: cl.max_pool_backward_naive(dout, naive_cache),
                naive_repeats),
            "fast": fast_time(
                lambda: cl.max_pool_backward_fast(dout, fast_cache), budget),
        },
    }
    if torch is not None:
        F = torch.nn.functional
        tx = torch.from_numpy(x).requires_grad_()
        tdout = torch.from_numpy(dout)
        pause()
        # PyTorch's plain forward, which keeps no indices: the strictest
        # comparison, since ours also records each window's argmax.
        with torch.no_grad():
            times["forward"]["torch"] = fast_time(
                lambda: F.max_pool2d(tx, size, stride), budget)
        tout = F.max_pool2d(tx, size, stride)
        times["backward"]["torch"] = fast_time(
            lambda: torch.autograd.grad(tout, tx, tdout, retain_graph=True),
            budget)
        pause()
    return [layer_row(f"max-pool {direction}", label, desc, naive_repeats, t)
            for direction, t in times.items()]


def layer_row(layer, shapes, desc, naive_repeats, t):
    """One layer's timings (ms) and their ratios, as stored in the JSON."""
    row = {
        "layer": layer,
        "shapes": shapes,
        "description": desc,
        "naive_ms": t["naive"] * 1e3,
        "naive_repeats": naive_repeats,
        "fast_ms": t["fast"] * 1e3,
        "speedup_vs_naive": t["naive"] / t["fast"],
        "torch_ms": None,
        "fast_over_torch": None,
    }
    if "torch" in t:
        row["torch_ms"] = t["torch"] * 1e3
        row["fast_over_torch"] = t["fast"] / t["torch"]
    return row


def pause():
    """Let the other library's worker threads go idle before timing."""
    time.sleep(0.05)


# ---------------------------------------------------------- normalisation

def bench_spatial_batchnorm(shape, budget, torch, rng):
    """Spatial batch norm forward plus backward (train mode), numpy and
    PyTorch's ``batch_norm`` with autograd; both update running stats."""
    x = rng.standard_normal(shape).astype(DTYPE)
    C = shape[1]
    gamma = (1 + 0.1 * rng.standard_normal(C)).astype(DTYPE)
    beta = (0.1 * rng.standard_normal(C)).astype(DTYPE)
    dout = rng.standard_normal(shape).astype(DTYPE)
    bn_param = {"mode": "train"}

    def ours():
        out, cache = cl.spatial_batchnorm_forward(x, gamma, beta, bn_param)
        return cl.spatial_batchnorm_backward(dout, cache)

    row = {"layer": "spatial batchnorm fwd+bwd",
           "description": f"x {'x'.join(map(str, shape))}, train mode",
           "numpy_ms": fast_time(ours, budget) * 1e3,
           "torch_ms": None, "numpy_over_torch": None}
    if torch is not None:
        F = torch.nn.functional
        tx, tg, tb = (torch.from_numpy(a).requires_grad_()
                      for a in (x, gamma, beta))
        tdout = torch.from_numpy(dout)
        running_mean, running_var = torch.zeros(C), torch.ones(C)

        def theirs():
            out = F.batch_norm(tx, running_mean, running_var, tg, tb,
                               training=True, momentum=0.1, eps=1e-5)
            return torch.autograd.grad(out, (tx, tg, tb), tdout)

        pause()
        row["torch_ms"] = fast_time(theirs, budget) * 1e3
        row["numpy_over_torch"] = row["numpy_ms"] / row["torch_ms"]
        pause()
    return [row]


# ---------------------------------------------------------- training step

def make_data(cfg, rng):
    C, H, W = cfg["model"]["input_dim"]
    X = rng.standard_normal((cfg["num_train"], C, H, W)).astype(DTYPE)
    y = rng.integers(0, cfg["model"]["num_classes"], cfg["num_train"])
    return X, y


def numpy_trainer(cfg, X, y, rule, seed=0):
    """A Solver over a fresh model, and a function doing one step of it."""
    model = cl.ThreeLayerConvNet(**cfg["model"], weight_scale=1e-3,
                                 reg=1e-3, dtype=DTYPE, seed=seed)
    data = {"X_train": X, "y_train": y, "X_val": X[:1], "y_val": y[:1]}
    solver = cl.Solver(model, data, update_rule=rule,
                       optim_config={"learning_rate": 1e-3},
                       batch_size=cfg["batch"], verbose=False, seed=seed)
    batches = minibatches(len(X), cfg["batch"], seed)
    state = {"k": 0}

    def step():
        # Solver._step is exactly what Solver.train runs for each
        # minibatch: gather the batch, model.loss, then the update rule.
        solver._step(batches[state["k"] % len(batches)])
        state["k"] += 1

    return model, solver, step


def minibatches(num_train, batch, seed):
    """Index arrays of the minibatches of one shuffled epoch."""
    order = np.random.default_rng(seed).permutation(num_train)
    return [order[k:k + batch] for k in range(0, num_train - batch + 1, batch)]


def torch_trainer(cfg, X, y, model, rule, torch):
    """The same network, data and update rule in PyTorch CPU."""
    F = torch.nn.functional
    p = {name: torch.tensor(value, requires_grad=True)
         for name, value in model.params.items()}
    make_optimizer = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[rule]
    optimizer = make_optimizer(p.values(), lr=1e-3)
    tX, ty = torch.from_numpy(X), torch.from_numpy(y)
    pad = (cfg["model"]["filter_size"] - 1) // 2
    reg = model.reg
    batches = [torch.from_numpy(b)
               for b in minibatches(len(X), cfg["batch"], seed=0)]
    state = {"k": 0}

    def step():
        batch = batches[state["k"] % len(batches)]
        state["k"] += 1
        xb, yb = tX[batch], ty[batch]
        optimizer.zero_grad(set_to_none=True)
        h = F.conv2d(xb, p["W1"], p["b1"], padding=pad)
        h = F.max_pool2d(F.relu(h), 2, 2)
        h = F.relu(h.flatten(1) @ p["W2"] + p["b2"])
        scores = h @ p["W3"] + p["b3"]
        loss = F.cross_entropy(scores, yb) + 0.5 * reg * sum(
            (p[w] * p[w]).sum() for w in ("W1", "W2", "W3"))
        loss.backward()
        optimizer.step()

    return step


def bench_step(cfg, rule, torch, rng):
    """Median step times, numpy and PyTorch interleaved round by round."""
    X, y = make_data(cfg, rng)
    model, _, np_step = numpy_trainer(cfg, X, y, rule)
    t_step = torch_trainer(cfg, X, y, model, rule, torch) if torch else None
    for _ in range(3):  # warm-up; also creates the optimizer's state
        np_step()
        if t_step:
            t_step()
    times = {"numpy": [], "torch": []}
    # Alternating rounds share out any drift of the machine's load fairly.
    for _ in range(cfg["step_rounds"]):
        pause()
        times["numpy"].append(median_time(np_step, cfg["steps_per_round"],
                                          warmup=1))
        if t_step:
            pause()
            times["torch"].append(median_time(t_step, cfg["steps_per_round"],
                                              warmup=1))
    batch = cfg["batch"]
    result = {
        "batch": batch,
        "dtype": np.dtype(DTYPE).name,
        "model": {k: list(v) if isinstance(v, tuple) else v
                  for k, v in cfg["model"].items()},
        "update_rule": rule,
        "numpy_ms": statistics.median(times["numpy"]) * 1e3,
        "numpy_round_ms": [t * 1e3 for t in times["numpy"]],
        "torch_ms": None,
        "torch_round_ms": None,
        "numpy_over_torch": None,
    }
    result["numpy_images_per_s"] = batch / (result["numpy_ms"] / 1e3)
    if t_step:
        result["torch_ms"] = statistics.median(times["torch"]) * 1e3
        result["torch_round_ms"] = [t * 1e3 for t in times["torch"]]
        result["torch_images_per_s"] = batch / (result["torch_ms"] / 1e3)
        result["numpy_over_torch"] = result["numpy_ms"] / result["torch_ms"]
    result.update(step_memory(cfg, X, y, rule))
    return result


def optimizer_state_bytes(solver):
    """Bytes of the update rule's running state (Adam's m and v, ...)."""
    return sum(value.nbytes for config in solver.optim_configs.values()
               for value in config.values() if isinstance(value, np.ndarray))


def step_memory(cfg, X, y, rule):
    """Peak memory (MB) a numpy training step needs beyond its input batch.

    numpy reports its array allocations to tracemalloc. Memory is counted
    from before the model's first step, so arrays the model keeps from one
    step to the next for reuse are included; the update rule's state
    (Adam's running averages, which PyTorch keeps too) is not. The first
    step is reported apart: it also creates that state.
    """
    batch_bytes = X[:cfg["batch"]].nbytes + y[:cfg["batch"]].nbytes
    gc.collect()
    tracemalloc.start()
    try:
        _, solver, step = numpy_trainer(cfg, X, y, rule, seed=1)
        base, _ = tracemalloc.get_traced_memory()
        peaks = []
        for _ in range(4):
            tracemalloc.reset_peak()
            step()
            current, peak = tracemalloc.get_traced_memory()
            state = optimizer_state_bytes(solver)
            peaks.append(peak - base - state - batch_bytes)
        kept = current - base - state
    finally:
        tracemalloc.stop()
    return {"peak_mb": max(peaks[1:]) / MB,
            "peak_mb_first_step": peaks[0] / MB,
            "kept_between_steps_mb": kept / MB}


# --------------------------------------------------------------- targets

def check_targets(layers, step, norms, have_torch):
    """Each target with its value and PASS, MISS or n/a (no PyTorch)."""
    def target(name, value, limit, kind, needs_torch=False):
        if value is None:
            status = "n/a"
        elif kind == "max":
            status = "PASS" if value <= limit else "MISS"
        else:
            status = "PASS" if value >= limit else "MISS"
        return {"target": name, "value": value, "limit": limit,
                "kind": kind, "status": status,
                "note": ("PyTorch not installed"
                         if needs_torch and not have_torch else None)}

    out = [target("training step time / PyTorch's (float32)",
                  step["numpy_over_torch"], STEP_RATIO_LIMIT, "max", True)]
    for row in layers:
        if row["layer"].startswith("conv"):
            out.append(target(
                f"{row['layer']} speedup over naive ({row['shapes']} shapes)",
                row["speedup_vs_naive"], NAIVE_SPEEDUP_MIN, "min"))
    for row in layers:
        if row["layer"] == "max-pool forward":
            out.append(target(
                f"max-pool forward time / PyTorch's ({row['shapes']} shapes)",
                row["fast_over_torch"], POOL_RATIO_LIMIT, "max", True))
    out.append(target("training step peak memory beyond its batch (MB)",
                      step["peak_mb"], STEP_MEMORY_LIMIT_MB, "max"))
    for row in norms:
        out.append(target(f"{row['layer']} time / PyTorch's (float32)",
                          row["numpy_over_torch"], NORM_RATIO_LIMIT, "max",
                          True))
    return out


# ---------------------------------------------------------------- report

def fmt(value, width, decimals, suffix=""):
    """``value`` with ``decimals`` decimals and ``suffix``, right-aligned in
    ``width`` columns; "-" for None (a PyTorch figure without PyTorch)."""
    text = "-" if value is None else f"{value:.{decimals}f}{suffix}"
    return text.rjust(width)


def print_report(result):
    m = result["machine"]
    v = m["versions"]
    blas = v["blas"]["numpy_build"]
    blas_text = (f"{blas.get('name')} {blas.get('version')}"
                 if isinstance(blas, dict) else blas)
    print(f"cs231n_layers benchmark ({result['mode']} mode, "
          f"{result['dtype']}, {m['threads']} threads)")
    print(f"  CPU {m['cpu']}; {m['platform']}")
    print(f"  python {v['python']}, numpy {v['numpy']} ({blas_text}), "
          f"torch {v['torch'] or 'not installed'}")
    if m["load_average_end"] is not None:
        start, end = m["load_average_start"][0], m["load_average_end"][0]
        print(f"  load average (1 min): {start:.2f} at the start, {end:.2f} "
              f"at the end (other processes skew the times)")
    if result["mode"] == "quick":
        print("  quick mode: tiny shapes, the figures mean nothing")
    print()
    head = (f"{'layer':<18}{'shapes':<8}{'naive ms':>11}{'fast ms':>10}"
            f"{'speedup':>10}{'torch ms':>10}{'fast/torch':>12}")
    print(head)
    print("-" * len(head))
    for row in result["layers"]:
        print(f"{row['layer']:<18}{row['shapes']:<8}"
              f"{fmt(row['naive_ms'], 11, 1)}{fmt(row['fast_ms'], 10, 3)}"
              f"{fmt(row['speedup_vs_naive'], 10, 0, 'x')}"
              f"{fmt(row['torch_ms'], 10, 3)}"
              f"{fmt(row['fast_over_torch'], 12, 2, 'x')}")
    print()
    print(f"{'normalisation':<28}{'numpy ms':>10}{'torch ms':>10}"
          f"{'numpy/torch':>13}")
    for row in result["normalization"]:
        print(f"{row['layer']:<28}{fmt(row['numpy_ms'], 10, 3)}"
              f"{fmt(row['torch_ms'], 10, 3)}"
              f"{fmt(row['numpy_over_torch'], 13, 2, 'x')}"
              f"   ({row['description']})")
    print()
    for label, shapes in result["shapes"].items():
        print(f"  {label}: " + "; ".join(
            f"{kind} {desc}" for kind, desc in shapes.items()))
    s = result["train_step"]
    print()
    print(f"training step: ThreeLayerConvNet, {s['dtype']}, batch "
          f"{s['batch']}, {s['update_rule']} (forward, backward, update)")
    print(f"  numpy   {s['numpy_ms']:8.2f} ms  "
          f"{s['numpy_images_per_s']:8.0f} images/s")
    if s["torch_ms"] is not None:
        print(f"  PyTorch {s['torch_ms']:8.2f} ms  "
              f"{s['torch_images_per_s']:8.0f} images/s   "
              f"numpy/PyTorch {s['numpy_over_torch']:.2f}x")
    print(f"  peak memory beyond the input batch: {s['peak_mb']:.1f} MB, of "
          f"which {s['kept_between_steps_mb']:.1f} MB kept for reuse between "
          f"steps ({s['update_rule']}'s own state not counted)")
    print()
    print("targets:")
    for t in result["targets"]:
        sign = "<=" if t["kind"] == "max" else ">="
        note = f"  ({t['note']})" if t["note"] else ""
        print(f"  [{t['status']:>4}] {t['target']}: "
              f"{fmt(t['value'], 0, 2)} {sign} {t['limit']}{note}")


def describe_shapes(cfg):
    out = {}
    for label, spec in cfg["shapes"].items():
        x, w, stride, pad = spec["conv"]
        px, size, pstride = spec["pool"]
        out[label] = {
            "conv": (f"x {'x'.join(map(str, x))}, w {'x'.join(map(str, w))}, "
                     f"stride {stride}, pad {pad}"),
            "pool": (f"x {'x'.join(map(str, px))}, {size}x{size}, "
                     f"stride {pstride}"),
        }
    return out


def import_torch(threads, disabled):
    """PyTorch set to ``threads`` threads, or None if absent or disabled."""
    if disabled:
        return None
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny shapes, a few seconds (smoke test)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"JSON file to write (default {DEFAULT_OUT})")
    parser.add_argument("--no-torch", action="store_true",
                        help="leave PyTorch out even if it is installed")
    parser.add_argument("--update-rule", choices=("adam", "sgd"),
                        default="adam",
                        help="update rule of the training step (default adam)")
    args = parser.parse_args(argv)

    cfg = QUICK if args.quick else FULL
    threads = thread_count()
    torch = import_torch(threads, args.no_torch)
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    load_at_start = load_average()

    layers = []
    for label, spec in cfg["shapes"].items():
        repeats = cfg["naive_repeats"][label]
        layers += bench_conv(label, spec["conv"], repeats, cfg["budget"],
                             torch, rng)
        layers += bench_pool(label, spec["pool"], repeats, cfg["budget"],
                             torch, rng)
    norms = bench_spatial_batchnorm(cfg["norm"], cfg["budget"], torch, rng)
    step = bench_step(cfg, args.update_rule, torch, rng)

    result = {
        "schema": 1,
        "mode": "quick" if args.quick else "full",
        "created": datetime.datetime.now(datetime.UTC)
                   .isoformat(timespec="seconds"),
        "dtype": np.dtype(DTYPE).name,
        "statistic": "median",
        "machine": {**machine_info(threads, torch),
                    "load_average_start": load_at_start},
        "shapes": describe_shapes(cfg),
        "layers": layers,
        "normalization": norms,
        "train_step": step,
    }
    result["targets"] = check_targets(layers, step, norms, torch is not None)
    result["seconds"] = time.perf_counter() - started

    print_report(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out} ({result['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
