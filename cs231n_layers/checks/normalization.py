"""Checkers for the exercises of notebook 06_normalization.

* :func:`check_batchnorm_backward_alt`: a batch norm backward pass, against
  numerical gradients through the package's forward passes.
* :func:`check_spatial_batchnorm_forward`: a spatial batch norm forward
  pass, against the package's, outputs and running statistics in both
  modes.
* :func:`check_spatial_groupnorm_forward`: a group norm forward pass,
  against hand-worked values and a loop over the groups; its cache is then
  run through the package's backward pass.

Everything runs in float64 except one float32 case per checker, which only
checks that float32 stays float32. The helpers shared with the other
checkers come from :mod:`.conv_pool`.
"""
import numpy as np

from cs231n_layers.checks._core import (
    FORWARD_TOL,
    GRAD_TOL,
    ExerciseError,
    call_case,
    compare,
    forbids,
    passed,
)
from cs231n_layers.checks._core import compare_gradient as _check_gradient
from cs231n_layers.checks._core import exercise_name as _name
from cs231n_layers.checks._core import require_unchanged as _check_unchanged
from cs231n_layers.checks._core import unpack as _unpack
from cs231n_layers.gradient_check import eval_numerical_gradient_array
from cs231n_layers.normalization import (
    NormCache,
    batchnorm_forward,
    spatial_batchnorm_forward,
    spatial_groupnorm_backward,
)

__all__ = [
    "check_batchnorm_backward_alt",
    "check_spatial_batchnorm_forward",
    "check_spatial_groupnorm_forward",
]


def _inputs(rng, shape, dtype=np.float64):
    """x with a different mean and scale per feature (axis 1), gamma, beta."""
    D = shape[1]
    per_feature = (1, D) + (1,) * (len(shape) - 2)
    x = (rng.standard_normal(shape) * rng.uniform(0.5, 3, per_feature)
         + rng.uniform(-2, 2, per_feature))
    gamma = rng.uniform(0.5, 2, D) * rng.choice([-1.0, 1.0], D)
    beta = rng.standard_normal(D)
    return x.astype(dtype), gamma.astype(dtype), beta.astype(dtype)


def _check_float32(exercise, what, value):
    if getattr(value, "dtype", None) != np.float32:
        raise ExerciseError(
            f"{exercise}: float32 inputs gave {what} of dtype "
            f"{getattr(value, 'dtype', type(value).__name__)}; keep the "
            f"inputs' dtype")


# ------------------------------------------------ batch norm, backward

# x shapes: (N, D) batches go through batchnorm_forward, (N, C, H, W)
# ones through spatial_batchnorm_forward, whose statistics run over the
# axes (0, 2, 3) of the cache.
BN_BACKWARD_CASES = ((4, 5), (10, 3))


@forbids("normalization.batchnorm_backward",
         "normalization.batchnorm_backward_alt",
         "normalization.spatial_batchnorm_backward",
         "normalization._norm_backward")
def check_batchnorm_backward_alt(backward, cases=BN_BACKWARD_CASES, seed=61):
    """Check a batch norm backward pass against numerical gradients.

    For each case, runs the package's forward pass in train mode on random
    float64 inputs (a different mean and scale per feature), then
    ``backward`` on a random upstream gradient, and compares ``dx``,
    ``dgamma`` and ``dbeta`` with centred-difference gradients of
    ``sum(forward(...)[0] * dout)``. Passes when each ``rel_error`` is
    below ``GRAD_TOL`` (1e-7); also checks that ``dout`` and the cache's
    ``x_hat`` are not modified and that float32 stays float32.

    Parameters
    ----------
    backward : callable
        ``backward(dout, cache) -> (dx, dgamma, dbeta)`` with the
        :class:`cs231n_layers.normalization.NormCache` of
        :func:`cs231n_layers.batchnorm_forward`.
    cases : sequence of tuple
        Shapes of x: ``(N, D)`` for :func:`cs231n_layers.batchnorm_forward`,
        ``(N, C, H, W)`` for :func:`cs231n_layers.spatial_batchnorm_forward`,
        whose statistics run over the axes ``cache.axes`` = (0, 2, 3).
    seed : int
        Seeds the random inputs.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type, shape or
        dtype, a modified argument, or a gradient whose relative error
        exceeds ``GRAD_TOL`` (naming its worst element and the case).
    """
    exercise = _name(backward, "batchnorm_backward_alt")
    rng = np.random.default_rng(seed)
    worst = 0.0
    for shape in cases:
        forward = (spatial_batchnorm_forward if len(shape) == 4
                   else batchnorm_forward)
        x, gamma, beta = _inputs(rng, shape)
        out, cache = forward(x, gamma, beta, {"mode": "train"})
        dout = rng.standard_normal(out.shape)
        dout0, x_hat0 = dout.copy(), cache.x_hat.copy()
        where = f"{forward.__name__} of x with shape {shape}, train mode"
        result = call_case(exercise, where, backward, dout, cache)
        grads = _unpack(exercise, result, ("dx", "dgamma", "dbeta"), where)
        _check_unchanged(exercise, "dout", dout0, dout, where)
        _check_unchanged(exercise, "cache.x_hat", x_hat0, cache.x_hat, where)
        numeric = {
            "dx": lambda v: forward(v, gamma, beta, {"mode": "train"})[0],
            "dgamma": lambda v: forward(x, v, beta, {"mode": "train"})[0],
            "dbeta": lambda v: forward(x, gamma, v, {"mode": "train"})[0],
        }
        for grad, (what, f), point in zip(grads, numeric.items(),
                                          (x, gamma, beta)):
            num = eval_numerical_gradient_array(f, point, dout)
            worst = max(worst, _check_gradient(exercise, what, grad, num,
                                               where))
    x, gamma, beta = _inputs(rng, (3, 4), np.float32)
    out, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    where = "batchnorm_forward of float32 x with shape (3, 4), train mode"
    result = call_case(exercise, where, backward, np.ones_like(out), cache)
    for what, grad in zip(("dx", "dgamma", "dbeta"),
                          _unpack(exercise, result, ("dx", "dgamma",
                                                     "dbeta"), where)):
        _check_float32(exercise, what, grad)
    spatial = sum(len(shape) == 4 for shape in cases)
    what = f"{len(cases)} batches" + (f", {spatial} of them spatial"
                                      if spatial else "")
    passed(exercise, f"dx, dgamma, dbeta match numerical gradients ({what}),"
                     f" worst relative error {worst:.0e} (tolerance "
                     f"{GRAD_TOL:.0e}); float32 stays float32")


# ---------------------------------------- spatial batch norm, forward

# (x shape, extra bn_param entries)
SBN_CASES = (((2, 3, 4, 5), {}),
             ((3, 2, 3, 3), {"momentum": 0.7, "eps": 1e-3}))


def _sbn_step(exercise, fn, x, gamma, beta, param, ref_param, where):
    """One call of ``fn`` and of the package, compared; the worst error."""
    x0 = x.copy()
    result = call_case(exercise, where, fn, x, gamma, beta, param)
    out, cache = _unpack(exercise, result, ("out", "cache"), where)
    if not isinstance(cache, NormCache):
        raise ExerciseError(
            f"{exercise}: the cache should be the NormCache that "
            f"batchnorm_forward returns, got {type(cache).__name__}; in "
            f"{where}")
    _check_unchanged(exercise, "x", x0, x, where)
    expected, _ = spatial_batchnorm_forward(x, gamma, beta, ref_param)
    worst = compare(exercise, "out", out, expected, FORWARD_TOL, where)
    for key in ("running_mean", "running_var"):
        if key not in param:
            raise ExerciseError(
                f"{exercise}: bn_param has no {key!r} after the call; pass "
                f"bn_param itself on to the batch norm layer, so that it "
                f"stores its running statistics there; in {where}")
        worst = max(worst, compare(exercise, f"bn_param[{key!r}]",
                                   param[key], ref_param[key], FORWARD_TOL,
                                   where))
    return worst


@forbids("normalization.spatial_batchnorm_forward")
def check_spatial_batchnorm_forward(fn, cases=SBN_CASES, seed=65):
    """Check a spatial batch norm forward pass against the package's.

    For each case, on random float64 inputs: two calls in train mode on two
    batches (so the running statistics are updated twice), then one call
    in test mode on a third batch, each compared with
    :func:`cs231n_layers.spatial_batchnorm_forward` run on a separate
    ``bn_param``: the output (tolerance ``FORWARD_TOL``, relative) and the
    running mean and variance stored in ``bn_param`` after the call. Also
    checks that the cache is a ``NormCache`` (what batch norm's forward
    pass returns), that x is not modified and that float32 stays float32.

    Parameters
    ----------
    fn : callable
        ``fn(x, gamma, beta, bn_param) -> (out, cache)`` for x of shape
        (N, C, H, W) and gamma, beta of shape (C,), with CS231n's
        ``bn_param`` (see :func:`cs231n_layers.batchnorm_forward`).
    cases : sequence of (tuple, dict)
        The shape of x and the entries of ``bn_param`` besides ``mode``.
    seed : int
        Seeds the random inputs.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type, shape or
        dtype, a modified x, missing running statistics, or the worst
        element beyond the tolerance.
    """
    exercise = _name(fn, "spatial batchnorm forward")
    rng = np.random.default_rng(seed)
    worst = 0.0
    for shape, extra in cases:
        x, gamma, beta = _inputs(rng, shape)
        param, ref_param = {"mode": "train", **extra}, {"mode": "train",
                                                         **extra}
        for step, mode in enumerate(("train", "train", "test")):
            param["mode"] = ref_param["mode"] = mode
            if step:
                x = _inputs(rng, shape)[0]
            where = (f"x of shape {shape}, {mode} mode (call {step + 1} of 3"
                     f"), bn_param extras {extra}")
            worst = max(worst, _sbn_step(exercise, fn, x, gamma, beta, param,
                                         ref_param, where))
    x, gamma, beta = _inputs(rng, (2, 3, 2, 2), np.float32)
    where = "float32 x of shape (2, 3, 2, 2), train mode"
    result = call_case(exercise, where, fn, x, gamma, beta, {"mode": "train"})
    _check_float32(exercise, "out", _unpack(exercise, result,
                                            ("out", "cache"), where)[0])
    passed(exercise, f"{len(cases)} cases, train and test mode: out and running "
                     f"statistics match the package, worst error "
                     f"{worst:.0e} (tolerance {FORWARD_TOL:.0e}); float32 "
                     f"stays float32")


# ------------------------------------------------ group norm, forward

# The hand-worked example of notebook 06: N = 1, C = 4, H = 1, W = 2 and
# G = 2. Group 0 holds 1, 5, 1, 5 (mean 3, variance 4), group 1 holds
# 7, 9, 9, 15 (mean 10, variance 9).
SEED_GN_X = np.array([1.0, 5, 1, 5, 7, 9, 9, 15]).reshape(1, 4, 1, 2)
SEED_GN_OUT = np.concatenate([
    (SEED_GN_X[0, :2] - 3) / np.sqrt(4 + 1e-5),
    (SEED_GN_X[0, 2:] - 10) / np.sqrt(9 + 1e-5)])[None]

# (x shape, G, gamma of shape (1, C, 1, 1) rather than (C,), gn_param)
GN_CASES = (((2, 6, 3, 4), 3, False, {}),
            ((1, 4, 5, 5), 2, True, {"eps": 1e-3}))


def _groupnorm_reference(x, gamma, beta, G, eps):
    """Group norm by a loop over examples and groups."""
    N, C = x.shape[:2]
    k = C // G
    out = np.empty_like(x)
    for n in range(N):
        for g in range(G):
            block = x[n, g * k:(g + 1) * k]
            out[n, g * k:(g + 1) * k] = ((block - block.mean())
                                         / np.sqrt(block.var() + eps))
    return out * gamma.reshape(1, C, 1, 1) + beta.reshape(1, C, 1, 1)


def _check_gn_cache(exercise, cache, x, gamma, beta, G, gn_param, where,
                    rng):
    """Run the package's backward pass on the student's cache."""
    eps = gn_param.get("eps", 1e-5)
    dout = rng.standard_normal(x.shape)
    try:
        grads = spatial_groupnorm_backward(dout, cache)
    except Exception as err:  # the student's cache may hold anything
        raise ExerciseError(
            f"{exercise}: the package's spatial_groupnorm_backward cannot "
            f"use your cache ({type(err).__name__}: {err}); return the "
            f"NormCache the docstring describes; in {where}") from None
    worst = 0.0
    points = {"dx (from your cache)": x, "dgamma (from your cache)": gamma,
              "dbeta (from your cache)": beta}
    for k, (grad, (what, point)) in enumerate(zip(grads, points.items())):
        def f(v, k=k):
            args = [x, gamma, beta]
            args[k] = v
            return _groupnorm_reference(*args, G, eps)
        num = eval_numerical_gradient_array(f, point, dout)
        worst = max(worst, _check_gradient(exercise, what, grad, num, where))
    return worst


@forbids("normalization.spatial_groupnorm_forward")
def check_spatial_groupnorm_forward(fn, cases=GN_CASES, seed=69):
    """Check a group norm forward pass and the cache it returns.

    Checks, in order: the hand-worked example of notebook 06 (G = 2, known
    output, tolerance ``FORWARD_TOL``); random float64 cases against a loop
    over examples and groups (tolerance ``FORWARD_TOL``, relative), with
    gamma and beta of shape (C,) and (1, C, 1, 1); that x, gamma and beta
    are not modified; that the cache, given to the package's
    :func:`cs231n_layers.spatial_groupnorm_backward`, yields gradients that
    match numerical ones (``GRAD_TOL``); and that float32 stays float32.

    Parameters
    ----------
    fn : callable
        ``fn(x, gamma, beta, G, gn_param) -> (out, cache)``.
    cases : sequence of (tuple, int, bool, dict)
        The shape of x, G, whether gamma and beta have CS231n's shape
        (1, C, 1, 1) rather than (C,), and ``gn_param``.
    seed : int
        Seeds the random inputs.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type, shape or
        dtype, a modified argument, a cache the package's backward pass
        cannot use or gets wrong gradients from, or the worst element
        beyond the tolerance.
    """
    exercise = _name(fn, "spatial groupnorm forward")
    rng = np.random.default_rng(seed)
    worst, grad_worst = 0.0, 0.0
    hand = ("the hand-worked example of notebook 06 (x of shape "
            "(1, 4, 1, 2), G=2)")
    result = call_case(exercise, hand, fn, SEED_GN_X.copy(), np.ones(4),
                       np.zeros(4), 2, {})
    out, _ = _unpack(exercise, result, ("out", "cache"), hand)
    worst = compare(exercise, "out", out, SEED_GN_OUT, FORWARD_TOL, hand)
    for shape, G, cs231n_shape, gn_param in cases:
        x, gamma, beta = _inputs(rng, shape)
        if cs231n_shape:
            gamma, beta = (a.reshape(1, -1, 1, 1) for a in (gamma, beta))
        where = (f"x of shape {shape}, G={G}, gamma of shape {gamma.shape}, "
                 f"gn_param {gn_param}")
        before = [a.copy() for a in (x, gamma, beta)]
        given = dict(gn_param)
        result = call_case(exercise, where, fn, x, gamma, beta, G, given)
        out, cache = _unpack(exercise, result, ("out", "cache"), where)
        for what, old, new in zip(("x", "gamma", "beta"), before,
                                  (x, gamma, beta)):
            _check_unchanged(exercise, what, old, new, where)
        if given != gn_param:
            raise ExerciseError(
                f"{exercise}: your code modified its argument gn_param "
                f"({gn_param} became {given}); in {where}")
        expected = _groupnorm_reference(x, gamma, beta, G,
                                        gn_param.get("eps", 1e-5))
        worst = max(worst, compare(exercise, "out", out, expected,
                                   FORWARD_TOL, where))
        grad_worst = max(grad_worst, _check_gn_cache(
            exercise, cache, x, gamma, beta, G, gn_param, where, rng))
    x, gamma, beta = _inputs(rng, (2, 4, 2, 2), np.float32)
    where = "float32 x of shape (2, 4, 2, 2), G=2"
    result = call_case(exercise, where, fn, x, gamma, beta, 2, {})
    _check_float32(exercise, "out", _unpack(exercise, result,
                                            ("out", "cache"), where)[0])
    groups = ", ".join(f"G={G}" for _, G, _, _ in cases)
    passed(exercise, f"the hand-worked example and {len(cases)} cases "
                     f"({groups}) match, worst error {worst:.0e} (tolerance "
                     f"{FORWARD_TOL:.0e}); the package's backward pass on "
                     f"your cache matches numerical gradients (worst "
                     f"{grad_worst:.0e}); float32 stays float32")
