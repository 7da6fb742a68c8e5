"""Benchmark the course's numpy layers and training against PyTorch on the CPU.

``make bench`` runs it. In float32: naive loops against the fast layers,
spatial batch norm, one training step of ``ThreeLayerConvNet`` (forward,
backward, Adam) at each of ``--threads`` with its peak memory, and notebook
05's whole training run on the real Fashion-MNIST; each beside PyTorch when
it is installed (else n/a). ``timeit`` times the calls: ``autorange`` sets
the calls per repeat (>= 0.2 s) and the tables give the BEST repeat, the
figure least disturbed by other processes; numpy and PyTorch alternate
repeat by repeat. It prints the machine, markdown tables for README and
each check of TARGETS with PASS or MISS, writes JSON (``--out``), and exits
0 either way: a report, not a test. ``--quick`` takes seconds and means
nothing.
"""
import argparse
import contextlib
import datetime
import importlib
import json
import os
import platform
import sys
import time
import timeit
import tracemalloc
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

import cs231n_layers as cl
from cs231n_layers import optim

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "bench/results/latest.json"
DTYPE = np.float32

# What the run checks: bound, limit, why, and who set the limit.
TARGETS = {
    "fast_over_naive": (">=", 500, "vectorising pays off by orders of "
                        "magnitude", "issue 11"),
    "conv_forward_over_torch": ("<=", 2.0, "the public im2col convolution "
                                "stays near a tuned library", "issue 11"),
    "step_over_torch": ("<=", 1.0, "the taught network trains as fast as "
                        "PyTorch's", "issue 11"),
    "step_memory_mb": ("<=", 40, "a step fits beside other kernels on a "
                       "shared hub", "issue 11"),
    "run_over_torch": ("<=", 1.1, "the whole run, evaluation included, "
                       "keeps up", "issue 11"),
    "batchnorm_over_torch": ("<=", 2.0, "spatial batch norm stays near "
                             "PyTorch's", "issue 13"),
}

# Notebook 05's training run (its section 6) and its model.
NOTEBOOK_05 = {"weight_scale": 1e-2, "learning_rate": 1e-3, "lr_decay": 0.7,
               "batch_size": 64, "num_epochs": 8, "num_train_samples": 1000,
               "seed": 0, "split": (55000, 5000, 10000)}
MODEL = {"input_dim": (1, 28, 28), "num_filters": 32, "filter_size": 7,
         "hidden_dim": 100, "num_classes": 10}
FULL = {  # conv: x, w, stride, pad; pool: x, size, stride
    "shapes": {"cs231n": {"conv": ((100, 3, 31, 31), (25, 3, 3, 3), 2, 1),
                          "pool": ((100, 3, 32, 32), 2, 2)},
               "training": {"conv": ((64, 1, 28, 28), (32, 1, 7, 7), 1, 3),
                            "pool": ((64, 32, 28, 28), 2, 2)}},
    "naive_repeat": 2, "repeat": 5, "number": None,  # None: autorange
    "norm_shape": (64, 32, 28, 28), "model": MODEL, "batch": 64,
    "run": {**NOTEBOOK_05, "model": MODEL},
}
QUICK = {
    "shapes": {"cs231n": {"conv": ((4, 3, 7, 7), (2, 3, 3, 3), 2, 1),
                          "pool": ((4, 3, 8, 8), 2, 2)},
               "training": {"conv": ((4, 1, 8, 8), (3, 1, 3, 3), 1, 1),
                            "pool": ((4, 3, 8, 8), 2, 2)}},
    "naive_repeat": 1, "repeat": 2, "number": 2,
    "norm_shape": (4, 3, 8, 8), "batch": 8,
    "model": {**MODEL, "input_dim": (1, 8, 8), "num_filters": 3,
              "filter_size": 3, "hidden_dim": 10},
    "run": {**NOTEBOOK_05, "num_epochs": 1, "num_train_samples": 64,
            "split": (256, 64, 64),
            "model": {**MODEL, "num_filters": 2, "hidden_dim": 8}},
}


# ------------------------------------------------------------------ timing

def best_times(fns, cfg):
    """Seconds per call of each of ``fns`` (a dict), repeats interleaved."""
    timers = {name: timeit.Timer(fn) for name, fn in fns.items()}
    numbers = {name: cfg["number"] or timer.autorange()[0]
               for name, timer in timers.items()}
    times = {name: [] for name in fns}
    for _ in range(cfg["repeat"]):
        for name, timer in timers.items():
            time.sleep(0.02)  # the other library's idle threads stop spinning
            times[name].append(timer.timeit(numbers[name]) / numbers[name])
    return {name: min(values) for name, values in times.items()}


def say(message):
    """Progress on stderr: a full run takes several minutes."""
    print(message, file=sys.stderr, flush=True)


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


def randn(rng, shape):
    return rng.standard_normal(shape).astype(DTYPE)


# ------------------------------------------------------------------ layers

def layer_fns(naive, fast, args, torch, torch_forward, tensors):
    """The calls to time for one layer, forward and backward: the package's
    ``naive`` and ``fast`` (forward, backward) pairs on ``args``, and
    ``torch_forward()`` on ``tensors`` with autograd's backward."""
    (naive_fwd, naive_bwd), (fast_fwd, fast_bwd) = naive, fast
    out, fast_cache = fast_fwd(*args)
    _, naive_cache = naive_fwd(*args)
    dout = randn(np.random.default_rng(1), out.shape)
    fns = {"forward": {"naive": lambda: naive_fwd(*args),
                       "fast": lambda: fast_fwd(*args)},
           "backward": {"naive": lambda: naive_bwd(dout, naive_cache),
                        "fast": lambda: fast_bwd(dout, fast_cache)}}
    if torch:
        tout, tdout = torch_forward(), torch.from_numpy(dout)
        fns["forward"]["torch"] = torch.no_grad()(torch_forward)
        fns["backward"]["torch"] = lambda: torch.autograd.grad(
            tout, tensors, tdout, retain_graph=True)
    return fns


def shape_set_fns(spec, torch, rng):
    """``layer_fns`` of the convolution and the max pool on one shape set."""
    x_shape, w_shape, stride, pad = spec["conv"]
    x, w, b = (randn(rng, s) for s in (x_shape, w_shape, w_shape[:1]))
    p_shape, size, p_stride = spec["pool"]
    xp = randn(rng, p_shape)
    tx, tw, tb, txp = ((torch.from_numpy(a).requires_grad_() for a in
                        (x, w, b, xp)) if torch else [None] * 4)
    F = torch.nn.functional if torch else None
    return {
        "conv": layer_fns(
            (cl.conv_forward_naive, cl.conv_backward_naive),
            (cl.conv_forward_fast, cl.conv_backward_fast),
            (x, w, b, {"stride": stride, "pad": pad}), torch,
            lambda: F.conv2d(tx, tw, tb, stride=stride, padding=pad),
            (tx, tw, tb)),
        "max-pool": layer_fns(
            (cl.max_pool_forward_naive, cl.max_pool_backward_naive),
            (cl.max_pool_forward_fast, cl.max_pool_backward_fast),
            (xp, {"pool_height": size, "pool_width": size,
                  "stride": p_stride}), torch,
            lambda: F.max_pool2d(txp, size, p_stride), (txp,)),
    }


def layer_rows(cfg, torch, rng):
    """One row per layer, direction and shape set."""
    rows = []
    naive_cfg = {"number": 1, "repeat": cfg["naive_repeat"]}
    for label, spec in cfg["shapes"].items():
        for layer, directions in shape_set_fns(spec, torch, rng).items():
            for direction, fns in directions.items():
                say(f"{layer} {direction}, {label} shapes")
                naive = best_times({"naive": fns.pop("naive")}, naive_cfg)
                t = best_times(fns, cfg)
                rows.append({
                    "layer": f"{layer} {direction}", "shapes": label,
                    "naive_ms": ms(naive["naive"]), "fast_ms": ms(t["fast"]),
                    "fast_over_naive": naive["naive"] / t["fast"],
                    "torch_ms": ms(t.get("torch")),
                    "fast_over_torch": ratio(t["fast"], t.get("torch"))})
    return rows


def batchnorm_row(cfg, torch, rng):
    """Spatial batch norm forward and backward in train mode."""
    shape = cfg["norm_shape"]
    x, dout = randn(rng, shape), randn(rng, shape)
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

def new_model(model_cfg, seed=0):
    return cl.ThreeLayerConvNet(**model_cfg, dtype=DTYPE, seed=seed,
                                weight_scale=NOTEBOOK_05["weight_scale"])


def numpy_step(model, configs, X, y):
    """One training step through the public API: loss, then Adam."""
    _, grads = model.loss(X, y)
    for name, w in model.params.items():
        model.params[name], configs[name] = optim.adam(w, grads[name],
                                                       configs[name])


def torch_network(params, torch):
    """ThreeLayerConvNet in PyTorch, starting from the numpy ``params``;
    it pools before the ReLU, as the numpy network does (they commute).
    Returns the parameter tensors and the scores function."""
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


def random_batch(cfg, rng):
    X = randn(rng, (cfg["batch"], *cfg["model"]["input_dim"]))
    return X, rng.integers(0, cfg["model"]["num_classes"], cfg["batch"])


def step_rows(cfg, thread_counts, torch, rng):
    """The training step at each thread count, numpy against PyTorch."""
    X, y = random_batch(cfg, rng)
    rows = []
    for n in thread_counts:
        say(f"training step, {n} thread(s)")
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
    do not."""
    X, y = random_batch(cfg, rng)
    tracemalloc.start()
    try:
        model = new_model(cfg["model"])
        configs = dict.fromkeys(model.params)
        base, peaks = tracemalloc.get_traced_memory()[0], []
        for _ in range(3):
            tracemalloc.reset_peak()
            numpy_step(model, configs, X, y)
            state = sum(v.nbytes for c in configs.values()
                        for v in c.values() if isinstance(v, np.ndarray))
            current, peak = tracemalloc.get_traced_memory()
            peaks.append(peak - base - state)
    finally:
        tracemalloc.stop()
    return {"peak_mb": max(peaks) / 1e6,
            "kept_between_steps_mb": (current - base - state) / 1e6}


# --------------------------------------------------- notebook 05's run

def numpy_run(data, run):
    """Notebook 05's training through the public Solver."""
    solver = cl.Solver(
        new_model(run["model"], run["seed"]), data, update_rule="adam",
        optim_config={"learning_rate": run["learning_rate"]},
        lr_decay=run["lr_decay"], batch_size=run["batch_size"],
        num_epochs=run["num_epochs"], verbose=False, seed=run["seed"],
        num_train_samples=run["num_train_samples"])
    seconds = timeit.Timer(solver.train).timeit(number=1)
    return {"seconds": seconds, "val_acc": solver.best_val_acc,
            "test_acc": solver.check_accuracy(data["X_test"], data["y_test"])}


def torch_run(data, run, torch):
    """The same run in PyTorch: same initial weights, Adam, decay and
    epochs, and the Solver's evaluation after each epoch (accuracy on a
    training sample and on validation; the best weights kept)."""
    p, scores = torch_network(new_model(run["model"], run["seed"]).params,
                              torch)
    adam = torch.optim.Adam(p.values(), lr=run["learning_rate"])
    decay = torch.optim.lr_scheduler.ExponentialLR(adam, run["lr_decay"])
    X, y, X_val, y_val, X_test, y_test = (torch.from_numpy(data[k]) for k in (
        "X_train", "y_train", "X_val", "y_val", "X_test", "y_test"))
    gen = torch.Generator().manual_seed(run["seed"])
    best = {"val_acc": -1.0}

    @torch.no_grad()
    def accuracy(X, y):
        pred = torch.cat([scores(X[i:i + 100]).argmax(1)
                          for i in range(0, len(X), 100)])
        return (pred == y).double().mean().item()

    def end_epoch():
        sample = torch.randperm(len(X), generator=gen)[:run["num_train_samples"]]
        accuracy(X[sample], y[sample])
        val_acc = accuracy(X_val, y_val)
        if val_acc > best["val_acc"]:
            best.update(val_acc=val_acc,
                        params={k: v.detach().clone() for k, v in p.items()})

    def train():
        end_epoch()
        size = run["batch_size"]
        for _ in range(run["num_epochs"]):
            order = torch.randperm(len(X), generator=gen)
            for k in range(len(X) // size):
                batch = order[k * size:(k + 1) * size]
                torch_step(scores, adam, X[batch], y[batch], torch)
            decay.step()
            end_epoch()
        with torch.no_grad():
            for k, v in best["params"].items():
                p[k].copy_(v)

    seconds = timeit.Timer(train).timeit(number=1)
    return {"seconds": seconds, "val_acc": best["val_acc"],
            "test_acc": accuracy(X_test, y_test)}


def training_run(cfg, n, torch):
    """Notebook 05's run, numpy then PyTorch, at ``n`` threads."""
    run = cfg["run"]
    data = cl.get_fashion_mnist_data(*run["split"])
    with threads(n, torch):
        say(f"notebook 05's training run in numpy, {run['num_epochs']} epochs")
        result = {"threads": n, "numpy": numpy_run(data, run), "torch": None}
        if torch:
            say("the same in PyTorch")
            result["torch"] = torch_run(data, run, torch)
    result["numpy_over_torch"] = ratio(result["numpy"]["seconds"],
                                       (result["torch"] or {}).get("seconds"))
    return result


# ----------------------------------------------------------------- targets

def check(key, what, value):
    bound, limit, _, _ = TARGETS[key]
    met = value is not None and (value <= limit if bound == "<=" else
                                 value >= limit)
    return {"target": key, "what": what, "value": value,
            "limit": f"{bound} {limit}",
            "status": "n/a" if value is None else "PASS" if met else "MISS"}


def check_targets(r):
    layers, run = r["layers"], r["training_run"]
    return [
        *(check("fast_over_naive", f"{row['layer']}, {row['shapes']}: fast "
                "speedup over naive", row["fast_over_naive"])
          for row in layers),
        *(check("conv_forward_over_torch", f"conv forward, {row['shapes']}: "
                "fast / PyTorch", row["fast_over_torch"])
          for row in layers if row["layer"] == "conv forward"),
        *(check("step_over_torch", f"training step, {row['threads']} "
                "thread(s): numpy / PyTorch", row["numpy_over_torch"])
          for row in r["train_step"]),
        check("step_memory_mb", "training step: peak MB beyond its batch",
              r["step_memory"]["peak_mb"]),
        check("run_over_torch", "notebook 05's training run: numpy / "
              "PyTorch time", run and run["numpy_over_torch"]),
        check("batchnorm_over_torch", "spatial batch norm: numpy / PyTorch",
              r["spatial_batchnorm"]["numpy_over_torch"]),
    ]


# ------------------------------------------------------------------ report

def machine(torch):
    """The CPU, the versions, the thread settings and the load average."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f
                    if line.startswith("model name")), cpu)
    return {
        "cpu": cpu, "platform": platform.platform(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "python": platform.python_version(), "numpy": np.__version__,
        "blas": ", ".join(f"{p['internal_api']} {p['version']}"
                          for p in threadpool_info()
                          if p["user_api"] == "blas"),
        "torch": torch.__version__ if torch else None,
        "thread_env": {k: v for k, v in os.environ.items() if k in (
            "CS231N_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS")},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def fmt(value, suffix=""):
    """A figure with three or four significant digits; n/a for None."""
    if value is None:
        return "n/a"
    size = abs(value)
    decimals = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3
    return f"{value:,.{decimals}f}{suffix}"


def versus_rows(r):
    """Rows of the numpy-against-PyTorch table."""
    bn, run = r["spatial_batchnorm"], r["training_run"] or {}
    rows = [(f"training step, batch {r['batch']} (ms)", str(row["threads"])
             + ("" if row["blas_threads"] == row["threads"] else
                f" (BLAS: {row['blas_threads']})"),
             row["numpy_ms"], row["torch_ms"], row["numpy_over_torch"])
            for row in r["train_step"]]
    rows += [("spatial batch norm fwd+bwd (ms)", str(max(r["threads"])),
              bn["numpy_ms"], bn["torch_ms"], bn["numpy_over_torch"]),
             ("training step: peak memory beyond its batch (MB)", "",
              r["step_memory"]["peak_mb"], None, None)]
    numpy, torch = run.get("numpy") or {}, run.get("torch") or {}
    for key, label in (("seconds", "notebook 05's training run (s)"),
                       ("val_acc", "its best validation accuracy"),
                       ("test_acc", "its test accuracy")):
        rows.append((label, str(run.get("threads", "")), numpy.get(key),
                     torch.get(key), run.get("numpy_over_torch")
                     if key == "seconds" else None))
    return [[label, threads, fmt(a), fmt(b), fmt(c, "×")]
            for label, threads, a, b, c in rows]


def tables(r):
    """(header, rows) of each table, every cell a string."""
    layers = [[row["layer"], row["shapes"], fmt(row["naive_ms"]),
               fmt(row["fast_ms"]), fmt(row["fast_over_naive"], "×"),
               fmt(row["torch_ms"]), fmt(row["fast_over_torch"], "×")]
              for row in r["layers"]]
    checks = [[t["status"], t["what"], fmt(t["value"]), t["limit"]]
              for t in r["targets"]]
    return [(["layer", "shapes", "naive ms", "fast ms", "fast speedup",
              "PyTorch ms", "fast / PyTorch"], layers),
            (["measure", "threads", "numpy", "PyTorch", "numpy / PyTorch"],
             versus_rows(r)),
            (["status", "check", "value", "target"], checks)]


def markdown_table(header, rows):
    """A markdown table whose columns line up in a terminal too."""
    widths = [max(map(len, column)) for column in zip(header, *rows)]
    left = [h in ("layer", "shapes", "measure", "status", "check")
            for h in header]
    rule = [("-" * w if is_left else "-" * (w - 1) + ":")
            for w, is_left in zip(widths, left)]
    return "\n".join("| " + " | ".join(
        cell.ljust(w) if is_left else cell.rjust(w)
        for cell, w, is_left in zip(line, widths, left)) + " |"
        for line in (header, rule, *rows))


def summary(r):
    m = r["machine"]
    shapes = [f"{label} shapes: conv x {dims(x)}, w {dims(w)}, stride {s}, "
              f"pad {p}; pool x {dims(px)}, {k}×{k}, stride {ps}"
              for label, spec in r["shapes"].items()
              for (x, w, s, p), (px, k, ps) in [(spec["conv"], spec["pool"])]]
    return "\n".join([
        f"{r['mode']} run, {r['created']}, float32; times: {r['statistic']}",
        f"CPU {m['cpu']} ({m['usable_cpus']} usable); {m['platform']}",
        f"Python {m['python']}, numpy {m['numpy']} ({m['blas']}), PyTorch "
        f"{m['torch'] or 'n/a'}",
        f"threads: {', '.join(map(str, r['threads']))} for the training step,"
        f" {max(r['threads'])} for the rest; environment "
        f"{m['thread_env'] or 'sets none'}",
        f"load average (1, 5, 15 min): {m['load_average']} at the start, "
        f"{r['load_average_end']} at the end", *shapes])


def dims(shape):
    return "×".join(map(str, shape))


def print_report(r):
    print(summary(r))
    for header, rows in tables(r):
        print(f"\n{markdown_table(header, rows)}")
    print("\nTargets:")
    for key, (bound, limit, why, source) in TARGETS.items():
        print(f"  {key} {bound} {limit}: {why} ({source})")


# -------------------------------------------------------------------- main

def import_torch(disabled):
    """PyTorch, or None when it is not installed or ``disabled``."""
    with contextlib.suppress(ImportError):
        return None if disabled else importlib.import_module("torch")


def measure(cfg, args, torch):
    rng = np.random.default_rng(0)
    r = {"schema": 2, "mode": "quick" if args.quick else "full",
         "created": datetime.datetime.now(datetime.UTC).isoformat("T", "seconds"),
         "statistic": "best of repeats, each the mean over timeit.autorange's"
         " calls" if cfg["number"] is None else "best of repeats",
         "threads": args.threads, "batch": cfg["batch"],
         "machine": machine(torch), "shapes": cfg["shapes"]}
    with threads(max(args.threads), torch):
        r["layers"] = layer_rows(cfg, torch, rng)
        r["spatial_batchnorm"] = batchnorm_row(cfg, torch, rng)
    r["train_step"] = step_rows(cfg, args.threads, torch, rng)
    r["step_memory"] = step_memory(cfg, rng)
    r["training_run"] = (None if args.no_training_run
                         else training_run(cfg, max(args.threads), torch))
    r["targets"] = check_targets(r)
    r["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return r


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny shapes and a tiny run: seconds, no meaning")
    parser.add_argument("--no-torch", action="store_true",
                        help="leave PyTorch out even when it is installed")
    parser.add_argument("--no-training-run", action="store_true",
                        help="skip notebook 05's training run (minutes)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="thread counts of the step; the rest runs at "
                        "the largest (default: 1 2)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"JSON file to write (default {DEFAULT_OUT})")
    parser.add_argument("--from-json", type=Path, metavar="PATH",
                        help="report an earlier run's JSON; measure nothing")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.from_json:
        result = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        started = time.perf_counter()
        result = measure(QUICK if args.quick else FULL, args,
                         import_torch(args.no_torch))
        result["seconds"] = time.perf_counter() - started
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n",
                            encoding="utf-8")
    print_report(result)
    if not args.from_json:
        print(f"\nwrote {args.out} ({result['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
