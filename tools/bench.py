"""Benchmark the course's layers and training against naive loops and PyTorch.

``make bench`` runs this script. It measures, in float32:

* naive loops against the fast layers: convolution and max pooling, forward
  and backward, on CS231n's shapes and on the training shapes; beside each,
  PyTorch's ``conv2d`` / ``max_pool2d`` with autograd;
* spatial batch norm, forward and backward in train mode;
* one training step of ``ThreeLayerConvNet`` (forward, backward, Adam
  update) against the same network in PyTorch, at each thread count of
  ``--threads``, and the peak memory the step allocates beyond its batch;
* notebook 05's whole training run on the real Fashion-MNIST through the
  public ``Solver``, against the same run in PyTorch: wall time and the
  validation and test accuracy of each.

Short calls are timed with ``timeit``: ``autorange`` picks the number of
calls per repeat (at least 0.2 s), and the table gives the BEST (minimum)
of the repeats, the figure least disturbed by other processes. Numpy and
PyTorch alternate repeat by repeat, so a change of load hits both. The
naive loops run once per repeat, and the training runs once each.

PyTorch is optional: without it (or with ``--no-torch``) its cells read
n/a. The run prints the machine, the checks of the TARGETS table below with
PASS or MISS, writes JSON (``--out``) and, with ``--markdown``, the tables
for README's Speed section. It is a report, not a test: it exits 0 even
when a target is missed. ``--quick`` shrinks everything to seconds; its
figures mean nothing.
"""
import argparse
import contextlib
import datetime
import json
import os
import platform
import time
import timeit
import tracemalloc
from pathlib import Path

import numpy as np

import cs231n_layers as cl
from cs231n_layers import optim

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results" / "latest.json"
DTYPE = np.float32
MB = 1e6

# What the run checks. key: kind of measurement; bound: "<=" or ">="; the
# reason in one line; the source that sets the limit.
TARGETS = {
    "fast_over_naive": (
        ">=", 500, "vectorising must pay off by orders of magnitude",
        "issue 11"),
    "conv_forward_over_torch": (
        "<=", 2.0, "the public conv forward, built on im2col, stays near "
        "a tuned library", "issue 11"),
    "step_over_torch": (
        "<=", 1.0, "the taught network trains as fast as PyTorch's, at 1 "
        "and at 2 threads", "issue 11"),
    "step_memory_mb": (
        "<=", 40, "a training step fits beside other kernels on a shared "
        "hub", "issue 11"),
    "run_over_torch": (
        "<=", 1.1, "notebook 05's whole run, evaluation included, keeps up "
        "with PyTorch's", "issue 11"),
    "batchnorm_over_torch": (
        "<=", 2.0, "spatial batch norm stays near PyTorch's batch_norm",
        "README, Speed"),
}

# Notebook 05's training run (section 6): model, Solver and schedule.
NOTEBOOK_05 = {"weight_scale": 1e-2, "learning_rate": 1e-3, "lr_decay": 0.7,
               "batch_size": 64, "num_epochs": 8, "num_train_samples": 1000,
               "seed": 0}
MODEL = {"input_dim": (1, 28, 28), "num_filters": 32, "filter_size": 7,
         "hidden_dim": 100, "num_classes": 10}

FULL = {
    "shapes": {  # conv: x, w, stride, pad; pool: x, size, stride
        "cs231n": {"conv": ((100, 3, 31, 31), (25, 3, 3, 3), 2, 1),
                   "pool": ((100, 3, 32, 32), 2, 2)},
        "training": {"conv": ((64, 1, 28, 28), (32, 1, 7, 7), 1, 3),
                     "pool": ((64, 32, 28, 28), 2, 2)},
    },
    "naive_repeat": 2, "repeat": 5, "number": None,  # None: autorange
    "norm_shape": (64, 32, 28, 28), "model": MODEL, "batch": 64,
    "run": {**NOTEBOOK_05, "model": MODEL, "split": (55000, 5000, 10000)},
}
QUICK = {
    "shapes": {
        "cs231n": {"conv": ((4, 3, 7, 7), (2, 3, 3, 3), 2, 1),
                   "pool": ((4, 3, 8, 8), 2, 2)},
        "training": {"conv": ((4, 1, 8, 8), (3, 1, 3, 3), 1, 1),
                     "pool": ((4, 3, 8, 8), 2, 2)},
    },
    "naive_repeat": 1, "repeat": 2, "number": 2,
    "norm_shape": (4, 3, 8, 8), "batch": 8,
    "model": {"input_dim": (1, 8, 8), "num_filters": 3, "filter_size": 3,
              "hidden_dim": 10, "num_classes": 10},
    "run": {**NOTEBOOK_05, "num_epochs": 1, "num_train_samples": 64,
            "model": {**MODEL, "num_filters": 2, "hidden_dim": 8},
            "split": (256, 64, 64)},
}


# ------------------------------------------------------------------ timing

def best_time(fn, cfg, repeat=None):
    """Best over ``repeat`` repeats of the mean time of one call, seconds."""
    timer = timeit.Timer(fn)
    number = cfg["number"] or timer.autorange()[0]
    return min(timer.repeat(repeat or cfg["repeat"], number)) / number


def best_times(fns, cfg):
    """``best_time`` of each of ``fns`` (a dict), repeats interleaved."""
    timers = {name: timeit.Timer(fn) for name, fn in fns.items()}
    numbers = {name: cfg["number"] or timer.autorange()[0]
               for name, timer in timers.items()}
    times = {name: [] for name in fns}
    for _ in range(cfg["repeat"]):
        for name, timer in timers.items():
            time.sleep(0.02)  # the other library's idle threads stop spinning
            times[name].append(timer.timeit(numbers[name]) / numbers[name])
    return {name: min(values) for name, values in times.items()}


def ratio(a, b):
    return None if a is None or b is None else a / b


def ms(seconds):
    return None if seconds is None else seconds * 1e3


@contextlib.contextmanager
def threads(n, torch):
    """numpy's BLAS and PyTorch limited to ``n`` threads in the block."""
    with cl.limit_blas_threads(n):
        before = torch.get_num_threads() if torch else None
        if torch:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if torch:
                torch.set_num_threads(before)


# ------------------------------------------------------------------ layers

def conv_fns(x, w, b, stride, pad, torch):
    """Forward and backward of the naive, fast and PyTorch convolutions."""
    cp = {"stride": stride, "pad": pad}
    out, fast_cache = cl.conv_forward_fast(x, w, b, cp)
    _, naive_cache = cl.conv_forward_naive(x, w, b, cp)
    dout = np.random.default_rng(1).standard_normal(out.shape).astype(DTYPE)
    fns = {"forward": {"naive": lambda: cl.conv_forward_naive(x, w, b, cp),
                       "fast": lambda: cl.conv_forward_fast(x, w, b, cp)},
           "backward": {
               "naive": lambda: cl.conv_backward_naive(dout, naive_cache),
               "fast": lambda: cl.conv_backward_fast(dout, fast_cache)}}
    if torch:
        F = torch.nn.functional
        tx, tw, tb = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
        tout = F.conv2d(tx, tw, tb, stride=stride, padding=pad)
        fns["forward"]["torch"] = torch.no_grad()(
            lambda: F.conv2d(tx, tw, tb, stride=stride, padding=pad))
        fns["backward"]["torch"] = lambda: torch.autograd.grad(
            tout, (tx, tw, tb), torch.from_numpy(dout), retain_graph=True)
    return fns


def pool_fns(x, size, stride, torch):
    """Forward and backward of the naive, fast and PyTorch max pools."""
    pp = {"pool_height": size, "pool_width": size, "stride": stride}
    out, fast_cache = cl.max_pool_forward_fast(x, pp)
    _, naive_cache = cl.max_pool_forward_naive(x, pp)
    dout = np.random.default_rng(2).standard_normal(out.shape).astype(DTYPE)
    fns = {"forward": {"naive": lambda: cl.max_pool_forward_naive(x, pp),
                       "fast": lambda: cl.max_pool_forward_fast(x, pp)},
           "backward": {
               "naive": lambda: cl.max_pool_backward_naive(dout, naive_cache),
               "fast": lambda: cl.max_pool_backward_fast(dout, fast_cache)}}
    if torch:
        F = torch.nn.functional
        tx = torch.from_numpy(x).requires_grad_()
        tout = F.max_pool2d(tx, size, stride)
        fns["forward"]["torch"] = torch.no_grad()(
            lambda: F.max_pool2d(tx, size, stride))
        fns["backward"]["torch"] = lambda: torch.autograd.grad(
            tout, tx, torch.from_numpy(dout), retain_graph=True)
    return fns


def layer_rows(cfg, torch, rng):
    """One row per layer, direction and set of shapes."""
    rows = []
    for label, spec in cfg["shapes"].items():
        x_shape, w_shape, stride, pad = spec["conv"]
        x, w = (rng.standard_normal(s).astype(DTYPE) for s in (x_shape, w_shape))
        b = rng.standard_normal(w_shape[0]).astype(DTYPE)
        p_shape, size, p_stride = spec["pool"]
        xp = rng.standard_normal(p_shape).astype(DTYPE)
        for layer, fns in (("conv", conv_fns(x, w, b, stride, pad, torch)),
                           ("max-pool", pool_fns(xp, size, p_stride, torch))):
            for direction, fn in fns.items():
                naive = best_time(fn.pop("naive"), {"number": 1},
                                  cfg["naive_repeat"])
                t = best_times(fn, cfg)
                rows.append({
                    "layer": f"{layer} {direction}", "shapes": label,
                    "naive_ms": ms(naive), "fast_ms": ms(t["fast"]),
                    "fast_over_naive": naive / t["fast"],
                    "torch_ms": ms(t.get("torch")),
                    "fast_over_torch": ratio(t["fast"], t.get("torch"))})
    return rows


def describe_shapes(cfg):
    def dims(shape):
        return "×".join(map(str, shape))
    out = {}
    for label, spec in cfg["shapes"].items():
        x, w, stride, pad = spec["conv"]
        px, size, p_stride = spec["pool"]
        out[label] = (f"conv x {dims(x)}, w {dims(w)}, stride {stride}, pad "
                      f"{pad}; pool x {dims(px)}, {size}×{size}, stride "
                      f"{p_stride}")
    return out


def batchnorm_row(cfg, torch, rng):
    """Spatial batch norm forward and backward, train mode."""
    shape = cfg["norm_shape"]
    x, dout = (rng.standard_normal(shape).astype(DTYPE) for _ in range(2))
    gamma, beta = np.ones(shape[1], DTYPE), np.zeros(shape[1], DTYPE)

    def numpy_bn():
        _, cache = cl.spatial_batchnorm_forward(x, gamma, beta,
                                                {"mode": "train"})
        return cl.spatial_batchnorm_backward(dout, cache)

    fns = {"numpy": numpy_bn}
    if torch:
        F = torch.nn.functional
        tx, tg, tb = (torch.from_numpy(a).requires_grad_()
                      for a in (x, gamma, beta))
        mean, var = torch.zeros(shape[1]), torch.ones(shape[1])
        fns["torch"] = lambda: torch.autograd.grad(
            F.batch_norm(tx, mean, var, tg, tb, training=True),
            (tx, tg, tb), torch.from_numpy(dout))
    t = best_times(fns, cfg)
    return {"shape": list(shape), "numpy_ms": ms(t["numpy"]),
            "torch_ms": ms(t.get("torch")),
            "numpy_over_torch": ratio(t["numpy"], t.get("torch"))}


# ------------------------------------------------- the network, both ways

def numpy_step(model, configs, X, y):
    """One training step through the public API: loss, then Adam."""
    _, grads = model.loss(X, y)
    for name, w in model.params.items():
        model.params[name], configs[name] = optim.adam(w, grads[name],
                                                       configs[name])


def torch_network(params, torch):
    """ThreeLayerConvNet in PyTorch, from numpy initial ``params``.

    Returns the parameter tensors and the scores function. It pools before
    the ReLU, as the numpy network does (the two commute).
    """
    F = torch.nn.functional
    p = {name: torch.tensor(value, requires_grad=True)
         for name, value in params.items()}
    pad = (p["W1"].shape[-1] - 1) // 2

    def scores(x):
        h = F.relu(F.max_pool2d(F.conv2d(x, p["W1"], p["b1"], padding=pad), 2))
        h = F.relu(h.flatten(1) @ p["W2"] + p["b2"])
        return h @ p["W3"] + p["b3"]

    return p, scores


def torch_step(scores, optimizer, X, y, torch):
    """One PyTorch training step: loss, backward, Adam."""
    optimizer.zero_grad(set_to_none=True)
    torch.nn.functional.cross_entropy(scores(X), y).backward()
    optimizer.step()


def new_model(model_cfg, seed=0):
    return cl.ThreeLayerConvNet(**model_cfg, dtype=DTYPE, seed=seed,
                                weight_scale=NOTEBOOK_05["weight_scale"])


def step_rows(cfg, thread_counts, torch, rng):
    """The training step at each thread count, numpy against PyTorch."""
    C, H, W = cfg["model"]["input_dim"]
    X = rng.standard_normal((cfg["batch"], C, H, W)).astype(DTYPE)
    y = rng.integers(0, cfg["model"]["num_classes"], cfg["batch"])
    rows = []
    for n in thread_counts:
        with threads(n, torch):
            model = new_model(cfg["model"])
            configs = dict.fromkeys(model.params)
            fns = {"numpy": lambda: numpy_step(model, configs, X, y)}
            if torch:
                p, scores = torch_network(model.params, torch)
                adam = torch.optim.Adam(p.values(), lr=1e-3)
                tX, ty = torch.from_numpy(X), torch.from_numpy(y)
                fns["torch"] = lambda: torch_step(scores, adam, tX, ty, torch)
            t = best_times(fns, cfg)
            rows.append({
                "threads": n, "blas_threads": cl.blas_threads(),
                "torch_threads": torch.get_num_threads() if torch else None,
                "numpy_ms": ms(t["numpy"]), "torch_ms": ms(t.get("torch")),
                "numpy_images_per_s": cfg["batch"] / t["numpy"],
                "numpy_over_torch": ratio(t["numpy"], t.get("torch"))})
    return rows


def step_memory(cfg, rng):
    """Peak MB a numpy step allocates beyond its batch (tracemalloc).

    Counted from just after the model is built, so buffers the model keeps
    between steps count; Adam's running averages (PyTorch keeps the same)
    do not.
    """
    C, H, W = cfg["model"]["input_dim"]
    X = rng.standard_normal((cfg["batch"], C, H, W)).astype(DTYPE)
    y = rng.integers(0, cfg["model"]["num_classes"], cfg["batch"])
    tracemalloc.start()
    try:
        model = new_model(cfg["model"])
        configs = dict.fromkeys(model.params)
        base, _ = tracemalloc.get_traced_memory()
        peaks = []
        for _ in range(3):
            tracemalloc.reset_peak()
            numpy_step(model, configs, X, y)
            state = sum(v.nbytes for c in configs.values()
                        for v in c.values() if isinstance(v, np.ndarray))
            current, peak = tracemalloc.get_traced_memory()
            peaks.append(peak - base - state)
    finally:
        tracemalloc.stop()
    return {"peak_mb": max(peaks) / MB,
            "kept_between_steps_mb": (current - base - state) / MB}


# --------------------------------------------------- notebook 05's run

def numpy_run(data, run):
    """Notebook 05's training through the public Solver."""
    model = new_model(run["model"], run["seed"])
    solver = cl.Solver(
        model, data, update_rule="adam",
        optim_config={"learning_rate": run["learning_rate"]},
        lr_decay=run["lr_decay"], batch_size=run["batch_size"],
        num_epochs=run["num_epochs"],
        num_train_samples=run["num_train_samples"], verbose=False,
        seed=run["seed"])
    seconds = timeit.Timer(solver.train).timeit(number=1)
    return {"seconds": seconds, "val_acc": solver.best_val_acc,
            "test_acc": solver.check_accuracy(data["X_test"], data["y_test"])}


def torch_run(data, run, torch):
    """The same run in PyTorch: same initial weights, schedule, epochs and
    evaluation (accuracies each epoch, the best validation weights kept)."""
    p, scores = torch_network(new_model(run["model"], run["seed"]).params,
                              torch)
    optimizer = torch.optim.Adam(p.values(), lr=run["learning_rate"])
    decay = torch.optim.lr_scheduler.ExponentialLR(optimizer, run["lr_decay"])
    t = {k: torch.from_numpy(v) for k, v in data.items()
         if isinstance(v, np.ndarray) and k[0] in "Xy"}
    gen = torch.Generator().manual_seed(run["seed"])
    best = {"val_acc": -1.0}

    @torch.no_grad()
    def accuracy(X, y):
        pred = torch.cat([scores(X[i:i + 100]).argmax(1)
                          for i in range(0, len(X), 100)])
        return (pred == y).double().mean().item()

    def end_epoch():
        pick = torch.randperm(len(t["X_train"]), generator=gen)
        accuracy(*(t[k][pick[:run["num_train_samples"]]]
                   for k in ("X_train", "y_train")))
        val_acc = accuracy(t["X_val"], t["y_val"])
        if val_acc > best["val_acc"]:
            best.update(val_acc=val_acc,
                        params={k: v.detach().clone() for k, v in p.items()})

    def train():
        end_epoch()
        batch, n = run["batch_size"], len(t["X_train"])
        for _ in range(run["num_epochs"]):
            order = torch.randperm(n, generator=gen)
            for k in range(n // batch):
                idx = order[k * batch:(k + 1) * batch]
                torch_step(scores, optimizer, t["X_train"][idx],
                           t["y_train"][idx], torch)
            decay.step()
            end_epoch()
        with torch.no_grad():
            for k, v in best["params"].items():
                p[k].copy_(v)

    seconds = timeit.Timer(train).timeit(number=1)
    return {"seconds": seconds, "val_acc": best["val_acc"],
            "test_acc": accuracy(t["X_test"], t["y_test"])}


def training_run(cfg, n, torch):
    """Notebook 05's run in numpy and in PyTorch at ``n`` threads."""
    run = cfg["run"]
    num_training, num_validation, num_test = run["split"]
    data = cl.get_fashion_mnist_data(num_training, num_validation, num_test)
    with threads(n, torch):
        result = {"threads": n, "numpy": numpy_run(data, run),
                  "torch": torch_run(data, run, torch) if torch else None}
    result["numpy_over_torch"] = ratio(
        result["numpy"]["seconds"],
        result["torch"]["seconds"] if torch else None)
    return result


# ----------------------------------------------------------------- targets

def check(key, label, value):
    bound, limit, reason, source = TARGETS[key]
    if value is None:
        status = "n/a"
    elif bound == "<=":
        status = "PASS" if value <= limit else "MISS"
    else:
        status = "PASS" if value >= limit else "MISS"
    return {"target": key, "what": label, "value": value, "bound": bound,
            "limit": limit, "status": status, "reason": reason,
            "source": source}


def check_targets(r):
    out = [check("fast_over_naive", f"{row['layer']}, {row['shapes']}: fast "
                 "speedup over naive", row["fast_over_naive"])
           for row in r["layers"]]
    out += [check("conv_forward_over_torch", f"conv forward, {row['shapes']}"
                  ": fast / PyTorch", row["fast_over_torch"])
            for row in r["layers"] if row["layer"] == "conv forward"]
    out += [check("step_over_torch", f"training step, {row['threads']} "
                  "thread(s): numpy / PyTorch", row["numpy_over_torch"])
            for row in r["train_step"]]
    out.append(check("step_memory_mb", "training step: peak MB beyond its "
                     "batch", r["step_memory"]["peak_mb"]))
    run = r["training_run"]
    out.append(check("run_over_torch", "notebook 05's training run: numpy / "
                     "PyTorch time", run and run["numpy_over_torch"]))
    out.append(check("batchnorm_over_torch", "spatial batch norm fwd+bwd: "
                     "numpy / PyTorch", r["spatial_batchnorm"]["numpy_over_torch"]))
    return out


# ----------------------------------------------------------------- machine

def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(torch):
    """The CPU, the versions, the thread settings and the load average."""
    from threadpoolctl import threadpool_info
    blas = [f"{p['internal_api']} {p['version']}" for p in threadpool_info()
            if p["user_api"] == "blas"]
    return {
        "cpu": cpu_model(), "platform": platform.platform(),
        "usable_cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(), "numpy": np.__version__,
        "blas": ", ".join(blas) or "unknown",
        "torch": torch.__version__ if torch else None,
        "thread_env": {k: os.environ[k] for k in (
            "CS231N_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS") if k in os.environ},
        "load_average": list(os.getloadavg()),
    }


# ------------------------------------------------------------------ report

def fmt(value, suffix=""):
    """A figure with 3 or 4 significant digits; n/a for None."""
    if value is None:
        return "n/a"
    decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else (
        2 if abs(value) >= 1 else 3)
    return f"{value:,.{decimals}f}{suffix}"


def tables(r):
    """(title, header, rows) of each table, cells as strings."""
    layers = [[row["layer"], row["shapes"], fmt(row["naive_ms"]),
               fmt(row["fast_ms"]), fmt(row["fast_over_naive"], "×"),
               fmt(row["torch_ms"]), fmt(row["fast_over_torch"], "×")]
              for row in r["layers"]]
    versus = [[f"training step (ms), batch {r['batch']}", str(row["threads"]),
               fmt(row["numpy_ms"]), fmt(row["torch_ms"]),
               fmt(row["numpy_over_torch"], "×")] for row in r["train_step"]]
    bn = r["spatial_batchnorm"]
    main = max(r["threads"])
    versus.append(["spatial batch norm fwd+bwd (ms)", str(main),
                   fmt(bn["numpy_ms"]), fmt(bn["torch_ms"]),
                   fmt(bn["numpy_over_torch"], "×")])
    versus.append(["training step peak memory beyond batch (MB)", "",
                   fmt(r["step_memory"]["peak_mb"]), "n/a", "n/a"])
    run = r["training_run"]
    torch_run = (run or {}).get("torch") or {}
    for key, label in (("seconds", "notebook 05 training run (s)"),
                       ("val_acc", "  its best validation accuracy"),
                       ("test_acc", "  its test accuracy")):
        numpy_value = run["numpy"][key] if run else None
        versus.append([label, str(run["threads"]) if run else "",
                       fmt(numpy_value), fmt(torch_run.get(key)),
                       fmt(run["numpy_over_torch"], "×")
                       if run and key == "seconds" else ""])
    targets = [[t["status"], t["what"], fmt(t["value"]),
                f"{t['bound']} {t['limit']}", f"{t['reason']} ({t['source']})"]
               for t in r["targets"]]
    return [
        ("Layers, milliseconds", ["layer", "shapes", "naive", "fast",
                                  "fast speedup", "PyTorch",
                                  "fast / PyTorch"], layers),
        ("numpy against PyTorch", ["measure", "threads", "numpy", "PyTorch",
                                   "numpy / PyTorch"], versus),
        ("Targets", ["status", "check", "value", "target", "why (source)"],
         targets),
    ]


def text_table(header, rows):
    widths = [max(len(c) for c in col) for col in zip(header, *rows)]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w)
                       for i, (c, w) in enumerate(zip(line, widths)))
             for line in (header, *rows)]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---" if i == 0 or h in ("status", "check")
                               else "---:" for i, h in enumerate(header))
             + " |"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def summary(r):
    m = r["machine"]
    load = ", ".join(f"{x:.2f}" for x in m["load_average"])
    return "\n".join([
        f"{r['mode']} run, {r['created']}, float32; {r['statistic']}",
        f"CPU {m['cpu']} ({m['usable_cpus']} usable); {m['platform']}",
        f"Python {m['python']}, numpy {m['numpy']} ({m['blas']}), PyTorch "
        f"{m['torch'] or 'n/a'}",
        f"threads: {', '.join(map(str, r['threads']))} (layers, batch norm "
        f"and training run at {max(r['threads'])}); environment "
        f"{m['thread_env'] or 'none set'}",
        f"load average (1, 5, 15 min) at the start: {load}; at the end: "
        + ", ".join(f"{x:.2f}" for x in r["load_average_end"]),
        "shapes: " + "; ".join(f"{k}: {v}" for k, v in r["shapes"].items()),
    ])


def print_report(r, markdown):
    print(summary(r))
    for title, header, rows in tables(r):
        print(f"\n{title}\n{text_table(header, rows)}")
    if markdown:
        print("\n<!-- markdown for README's Speed section -->")
        for title, header, rows in tables(r)[:2]:
            print(f"\n{markdown_table(header, rows)}")


# -------------------------------------------------------------------- main

def import_torch(disabled):
    if disabled:
        return None
    try:
        import torch
    except ImportError:
        return None
    return torch


def measure(cfg, args, torch):
    rng = np.random.default_rng(0)
    r = {"schema": 2, "mode": "quick" if args.quick else "full",
         "created": datetime.datetime.now(datetime.UTC).isoformat("T", "seconds"),
         "statistic": "best of repeats, each the mean of timeit.autorange "
         "calls" if cfg["number"] is None else "best of repeats",
         "threads": args.threads, "batch": cfg["batch"],
         "machine": machine(torch), "shapes": describe_shapes(cfg)}
    main = max(args.threads)
    with threads(main, torch):
        r["layers"] = layer_rows(cfg, torch, rng)
        r["spatial_batchnorm"] = batchnorm_row(cfg, torch, rng)
    r["train_step"] = step_rows(cfg, args.threads, torch, rng)
    r["step_memory"] = step_memory(cfg, rng)
    r["training_run"] = (None if args.no_training_run
                         else training_run(cfg, main, torch))
    r["targets"] = check_targets(r)
    r["load_average_end"] = list(os.getloadavg())
    return r


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny shapes and a tiny run: seconds, no meaning")
    parser.add_argument("--no-torch", action="store_true",
                        help="leave PyTorch out even when it is installed")
    parser.add_argument("--no-training-run", action="store_true",
                        help="skip notebook 05's training run (minutes)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="thread counts of the training step (default "
                        "1 2); the other rows run at the largest")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"JSON file to write (default {DEFAULT_OUT})")
    parser.add_argument("--markdown", action="store_true",
                        help="also print the tables as markdown for README")
    parser.add_argument("--from-json", type=Path, metavar="PATH",
                        help="print the report of an earlier run, measure "
                        "nothing")
    args = parser.parse_args(argv)
    if args.from_json:
        print_report(json.loads(args.from_json.read_text(encoding="utf-8")),
                     args.markdown)
        return 0
    torch = import_torch(args.no_torch)
    started = time.perf_counter()
    result = measure(QUICK if args.quick else FULL, args, torch)
    result["seconds"] = time.perf_counter() - started
    print_report(result, args.markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out} ({result['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
