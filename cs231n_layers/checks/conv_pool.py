"""Checkers for the convolution and pooling layers (notebook 03_naive_conv_pool).

The checkers take the function to check as an argument and rely only on the
layer contracts, ``forward(x, w, b, conv_param) -> (out, cache)`` and
``backward(dout, cache) -> (dx, dw, db)`` (pooling: ``forward(x, pool_param)``
and ``backward(dout, cache) -> dx``), so later notebooks can run them on their
own versions of the layers as well: notebook 04_fast_conv_pool grades its
exercises (``conv_forward_matmul``, ``max_pool_forward_slices``) and checks
the package's fast layers with them.

Layout: shared helpers, then one section per layer family. Each checker
compares with hand-worked values, the package's naive reference and/or a
numerical gradient in float64, with the tolerances defined just below.
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
from cs231n_layers.checks._core import EXAMPLE_1x3x4x4 as SEED_X
from cs231n_layers.checks._core import compare_gradient as _check_gradient
from cs231n_layers.checks._core import exercise_name as _name
from cs231n_layers.checks._core import require_unchanged as _check_unchanged
from cs231n_layers.checks._core import unpack as _unpack
from cs231n_layers.gradient_check import eval_numerical_gradient_array
from cs231n_layers.naive_layers import conv_forward_naive, max_pool_forward_naive

__all__ = [
    "check_conv_forward",
    "check_conv_backward",
    "check_max_pool_forward",
    "check_max_pool_backward",
]

FLOAT32_TOL = 1e-5   # float32 forward vs the float64 reference

# ------------------------------------------------------------ shared helpers

def _check_cache_type(exercise, cache, cache_type, given, where):
    """Check that ``cache`` is a ``cache_type`` holding the arguments.

    ``given`` maps argument names to the values passed; each field of the
    cache with one of those names must hold an equal value, and a dict
    (``conv_param``, ``pool_param``) must be a copy, so that a caller who
    changes theirs later does not change the cache.
    """
    if cache_type is None:
        return
    fields = ", ".join(cache_type._fields)
    if not isinstance(cache, cache_type):
        raise ExerciseError(
            f"{exercise}: the cache should be a {cache_type.__name__} "
            f"({fields}), got {type(cache).__name__}; in {where}")
    for name in cache_type._fields:
        if name not in given:
            continue
        kept, value = getattr(cache, name), given[name]
        if isinstance(value, dict):
            if kept != value or kept is value:
                raise ExerciseError(
                    f"{exercise}: the cache's {name} should be a copy of the "
                    f"argument (dict({name})), got "
                    f"{'the argument itself' if kept is value else repr(kept)}"
                    f"; "
                    f"in {where}")
        elif not (isinstance(kept, np.ndarray)
                  and np.array_equal(kept, value)):
            raise ExerciseError(
                f"{exercise}: the cache's {name} should be the argument "
                f"{name}; in {where}")


def _span(values):
    """``"1-2"`` for the values 2, 1, 2; ``"1"`` when all are 1."""
    low, high = min(values), max(values)
    return f"{low}" if low == high else f"{low}-{high}"


# What the convolution cases (x shape, w shape, stride, pad) cover, for the
# success lines: "stride 1-2, pad 0-2", or "stride 1 and 2, with padding".

def _stride_and_pad_spans(cases):
    return (f"stride {_span([case[2] for case in cases])}, "
            f"pad {_span([case[3] for case in cases])}")


def _strides_and_padding(cases):
    strides = " and ".join(str(s) for s in sorted({case[2] for case in cases}))
    pads = [case[3] for case in cases]
    padding = ("with padding" if min(pads) > 0 else
               "without padding" if max(pads) == 0 else
               "with and without padding")
    return f"stride {strides}, {padding}"


def _separated(rng, shape):
    """Values ``+-(0.5 + 0.1 k)`` for distinct k, in a random order.

    No two lie within 0.1 of each other and none within 0.5 of zero, so a
    numerical-gradient step (1e-5) never changes which element wins a
    max-pooling window (no ties, no near-ties).
    """
    size = int(np.prod(shape))
    magnitudes = 0.5 + 0.1 * rng.permutation(size)
    signs = rng.choice([-1.0, 1.0], size=size)
    return (signs * magnitudes).reshape(shape)


# --------------------------------------------------------------- convolution

# The worked example: filter 0 is all ones, filter 1 all twos, so each output
# is the sum of one 2x2 window over the 3 channels (times 1 or 2), plus b.
SEED_W = np.stack([np.ones((3, 2, 2)), np.full((3, 2, 2), 2.0)])
SEED_B = np.array([0.5, -1.0])
SEED_WINDOW_SUMS = np.array([[29.0, 21.0, 25.0],
                             [24.0, 22.0, 33.0],
                             [23.0, 21.0, 30.0]])
SEED_CONV_OUT = np.stack([SEED_WINDOW_SUMS + 0.5, 2 * SEED_WINDOW_SUMS - 1.0])

# (x shape, w shape, stride, pad); every case tiles its padded input exactly.
CONV_FORWARD_CASES = (((2, 3, 5, 5), (4, 3, 3, 3), 1, 1),
                      ((1, 2, 6, 6), (3, 2, 2, 2), 2, 0),
                      ((2, 3, 5, 5), (2, 3, 3, 3), 2, 2),
                      ((1, 1, 4, 6), (2, 1, 3, 1), 1, 0))
CONV_BACKWARD_CASES = (((2, 3, 5, 5), (3, 3, 3, 3), 1, 1),
                       ((1, 2, 5, 5), (2, 2, 3, 3), 2, 1))


def _conv_where(x, w, conv_param):
    return (f"x of shape {x.shape}, w of shape {w.shape}, "
            f"stride {conv_param['stride']}, pad {conv_param['pad']}")


def _random_conv(rng, x_shape, w_shape, stride, pad, dtype=np.float64):
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype)
    return x, w, b, {"stride": stride, "pad": pad}


@forbids("naive_layers.conv_forward_naive", "fast_layers.conv_forward_fast")
def check_conv_forward(fn, cases=CONV_FORWARD_CASES, seed=3, cache=None):
    """Check a convolution forward pass ``fn(x, w, b, conv_param)``.

    Checks, in order: the hand-worked example of notebook 03 (known output,
    tolerance ``FORWARD_TOL``); a random float64 input per entry of
    ``cases`` against :func:`cs231n_layers.conv_forward_naive` (output
    shape and values, tolerance ``FORWARD_TOL`` relative); that ``x`` and
    ``w`` are not modified; and that float32 inputs of the first case's
    shapes give a float32 output (values within ``FLOAT32_TOL``). With
    ``cache`` (a cache type such as ``ConvNaiveCache``), also that every
    cache is of that type and holds x, w, b and a copy of conv_param.

    Parameters
    ----------
    fn : callable
        ``fn(x, w, b, conv_param) -> (out, cache)``; any implementation with
        this contract (naive or fast).
    cases : sequence of tuples
        ``(x shape, w shape, stride, pad)``, each tiling its padded input;
        by default four, with stride 1-2 and pad 0-2.
    seed : int
        Seed of the generator that draws the random inputs.
    cache : type, optional
        The named tuple type the cache must be; not checked if None.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type, shape or
        dtype, a modified argument, a wrong cache, or the worst element
        beyond the tolerance.
    """
    exercise = _name(fn, "conv forward")
    rng = np.random.default_rng(seed)
    x, w, b = SEED_X.copy(), SEED_W.copy(), SEED_B.copy()
    cp = {"stride": 1, "pad": 0}
    hand = "the hand-worked example of notebook 03 (stride 1, pad 0)"
    out, _ = _unpack(exercise, call_case(exercise, hand, fn, x, w, b, cp),
                     ("out", "cache"), hand)
    worst = compare(exercise, "out", out, SEED_CONV_OUT[None],
                    FORWARD_TOL, hand)
    for case in cases:
        x, w, b, cp = _random_conv(rng, *case)
        where = _conv_where(x, w, cp)
        x0, w0, b0, cp0 = x.copy(), w.copy(), b.copy(), dict(cp)
        out, kept = _unpack(exercise,
                            call_case(exercise, where, fn, x, w, b, cp),
                            ("out", "cache"), where)
        _check_cache_type(exercise, kept, cache,
                          {"x": x0, "w": w0, "b": b0, "conv_param": cp}, where)
        _check_unchanged(exercise, "x", x0, x, where)
        _check_unchanged(exercise, "w", w0, w, where)
        _check_unchanged(exercise, "b", b0, b, where)
        if cp != cp0:
            raise ExerciseError(f"{exercise}: your code modified its argument "
                                f"conv_param ({cp0} became {cp}); in {where}")
        expected, _ = conv_forward_naive(x, w, b, cp)
        worst = max(worst, compare(exercise, "out", out, expected,
                                    FORWARD_TOL, where))
    x, w, b, cp = _random_conv(rng, *cases[0], dtype=np.float32)
    where = _conv_where(x, w, cp) + ", float32"
    out, _ = _unpack(exercise, call_case(exercise, where, fn, x, w, b, cp),
                     ("out", "cache"), where)
    if getattr(out, "dtype", None) != np.float32:
        raise ExerciseError(
            f"{exercise}: float32 inputs gave a {getattr(out, 'dtype', None)}"
            f" output; keep the inputs' dtype (e.g. np.zeros(..., "
            f"dtype=x.dtype)); in {where}"
        )
    expected, _ = conv_forward_naive(*(a.astype(np.float64) for a in (x, w, b)),
                                     cp)
    compare(exercise, "out (float32)", out, expected, FLOAT32_TOL,
             _conv_where(x, w, cp))
    passed(exercise, f"hand-worked example and random cases "
                     f"({_stride_and_pad_spans(cases)}) match, worst error "
                     f"{worst:.0e} (tolerance {FORWARD_TOL:.0e}); float32 "
                     f"stays float32")


@forbids("naive_layers.conv_backward_naive", "fast_layers.conv_backward_fast")
def check_conv_backward(forward, backward, cases=CONV_BACKWARD_CASES,
                        seed=7):
    """Check a convolution backward pass against numerical gradients.

    For each of ``cases``, runs ``forward`` on random float64 inputs, then
    ``backward`` on a random upstream gradient ``dout``, and compares
    ``dx``, ``dw`` and ``db`` with centred-difference gradients of
    ``sum(forward(...)[0] * dout)`` through the same ``forward``
    (:func:`cs231n_layers.eval_numerical_gradient_array`). Passes when each
    ``rel_error`` is below ``GRAD_TOL``; also checks that ``dout`` and the
    cache are not modified.

    Parameters
    ----------
    forward : callable
        ``forward(x, w, b, conv_param) -> (out, cache)``, assumed correct
        (pass the package's reference to check a backward pass on its own).
    backward : callable
        ``backward(dout, cache) -> (dx, dw, db)``, the function checked.
    cases : sequence of tuples
        ``(x shape, w shape, stride, pad)``; by default two, with stride 1
        and 2 and pad 1.
    seed : int
        Seed of the generator that draws the inputs and ``dout``.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type or shape, or
        a gradient whose relative error exceeds ``GRAD_TOL`` (naming its
        worst element).
    """
    exercise = _name(backward, "conv backward")
    fwd_name = _name(forward, "conv forward")
    rng = np.random.default_rng(seed)
    worst = 0.0
    for case in cases:
        x, w, b, cp = _random_conv(rng, *case)
        where = _conv_where(x, w, cp)
        out, cache = _unpack(fwd_name,
                             call_case(fwd_name, where, forward, x, w, b, cp),
                             ("out", "cache"), where)
        dout = rng.standard_normal(np.shape(out))
        dout0, x0, w0 = dout.copy(), x.copy(), w.copy()
        grads = _unpack(exercise,
                        call_case(exercise, where, backward, dout, cache),
                        ("dx", "dw", "db"), where)
        _check_unchanged(exercise, "dout", dout0, dout, where)
        _check_unchanged(exercise, "cache (x)", x0, x, where)
        _check_unchanged(exercise, "cache (w)", w0, w, where)
        numeric = {
            "dx": lambda v: forward(v, w, b, cp)[0],
            "dw": lambda v: forward(x, v, b, cp)[0],
            "db": lambda v: forward(x, w, v, cp)[0],
        }
        for grad, (what, f), point in zip(grads, numeric.items(), (x, w, b)):
            num = eval_numerical_gradient_array(f, point, dout)
            worst = max(worst, _check_gradient(exercise, what, grad, num,
                                               where))
    passed(exercise, f"dx, dw, db match numerical gradients "
                     f"({_strides_and_padding(cases)}), worst relative error "
                     f"{worst:.0e} (tolerance {GRAD_TOL:.0e})")


# --------------------------------------------------------------- max pooling

# Channel 0 of SEED_X, pooled by hand (ties do not matter in the forward).
POOL_HAND = [
    ({"pool_height": 2, "pool_width": 2, "stride": 2},
     np.array([[6.0, 4.0], [3.0, 3.0]])),
    ({"pool_height": 3, "pool_width": 3, "stride": 1},   # overlapping
     np.array([[6.0, 5.0], [6.0, 5.0]])),
]

# (x shape, (pool_height, pool_width, stride)), and "negative" as a third
# element for an input whose values are all negative.
MAX_POOL_FORWARD_CASES = (((2, 3, 4, 4), (2, 2, 2)),
                          ((1, 2, 5, 5), (3, 3, 1)),
                          ((2, 2, 7, 7), (3, 3, 2), "negative"))
MAX_POOL_BACKWARD_CASES = (((2, 2, 4, 4), (2, 2, 2)),
                           ((1, 2, 5, 5), (3, 3, 1)),
                           ((1, 1, 7, 7), (3, 3, 2)))


def _pool_param(ph, pw, stride):
    return {"pool_height": ph, "pool_width": pw, "stride": stride}


def _overlapping(cases):
    """Whether the windows of one of the pooling ``cases`` overlap."""
    return any(stride < max(ph, pw) for _, (ph, pw, stride), *_ in cases)


def _pool_where(x, pp):
    return (f"x of shape {x.shape}, {pp['pool_height']}x{pp['pool_width']} "
            f"windows, stride {pp['stride']}")


@forbids("naive_layers.max_pool_forward_naive",
         "fast_layers.max_pool_forward_fast")
def check_max_pool_forward(fn, cases=MAX_POOL_FORWARD_CASES, seed=5,
                           cache=None):
    """Check a max-pooling forward pass ``fn(x, pool_param)``.

    Checks the hand-worked 4x4 example of notebook 03 (2x2 windows with
    stride 2, and overlapping 3x3 windows with stride 1), then a random
    tie-free float64 input per entry of ``cases`` against
    :func:`cs231n_layers.max_pool_forward_naive`, that ``x`` is not
    modified, and that float32 stays float32. A maximum is computed
    exactly, so a correct function is well within ``FORWARD_TOL``. With
    ``cache`` (a cache type such as ``MaxPoolNaiveCache``), also that every
    cache is of that type and holds x and a copy of pool_param.

    Parameters
    ----------
    fn : callable
        ``fn(x, pool_param) -> (out, cache)``.
    cases : sequence of tuples
        ``(x shape, (pool_height, pool_width, stride))``, with
        ``"negative"`` as a third element for an all-negative input; by
        default three, overlapping windows and a negative input included.
    seed : int
        Seed of the generator that draws the inputs.
    cache : type, optional
        The named tuple type the cache must be; not checked if None.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type, shape or
        dtype, a modified x, a wrong cache, or a wrong value (naming the
        worst element).
    """
    exercise = _name(fn, "max pool forward")
    rng = np.random.default_rng(seed)
    for pp, expected in POOL_HAND:
        x = SEED_X[:, :1].copy()
        where = f"the hand-worked 4x4 example, {_pool_where(x, pp)}"
        out, _ = _unpack(exercise, call_case(exercise, where, fn, x, pp),
                         ("out", "cache"), where)
        compare(exercise, "out", out, expected[None, None], FORWARD_TOL,
                where)
    for shape, window, *negative in cases:
        if negative not in ([], ["negative"]):
            raise ValueError(f"check_max_pool_forward: a case's third "
                             f"element is \"negative\" or nothing, not "
                             f"{negative[0]!r}")
        x, pp = _separated(rng, shape), _pool_param(*window)
        if negative:
            x = -np.abs(x)
        x0 = x.copy()
        where = _pool_where(x, pp) + (" (all values negative)" if negative
                                      else "")
        out, kept = _unpack(exercise, call_case(exercise, where, fn, x, pp),
                            ("out", "cache"), where)
        _check_cache_type(exercise, kept, cache,
                          {"x": x0, "pool_param": pp}, where)
        _check_unchanged(exercise, "x", x0, x, where)
        expected, _ = max_pool_forward_naive(x, pp)
        compare(exercise, "out", out, expected, FORWARD_TOL, where)
    x = _separated(rng, (1, 2, 4, 4)).astype(np.float32)
    where = _pool_where(x, POOL_HAND[0][0]) + ", float32"
    out, _ = _unpack(exercise,
                     call_case(exercise, where, fn, x, POOL_HAND[0][0]),
                     ("out", "cache"), where)
    if getattr(out, "dtype", None) != np.float32:
        raise ExerciseError(
            f"{exercise}: float32 input gave a {getattr(out, 'dtype', None)} "
            f"output; keep the input's dtype (e.g. np.zeros(..., "
            f"dtype=x.dtype)); in {where}"
        )
    included = [what for what, present in (
        ("overlapping windows", _overlapping(cases)),
        ("negative inputs", any(case[2:] for case in cases))) if present]
    also = f", {' and '.join(included)} included" if included else ""
    passed(exercise, f"hand-worked example and random cases match{also}; "
                     f"float32 stays float32")


# The hand-worked example with ties: channel 0 of SEED_X, 2x2 windows with
# stride 2, dout = [[1, 2], [3, 4]]. The top-right window holds two 4s and
# the bottom-right one two 3s; the first in row-major order wins each.
TIE_DOUT = np.array([[1.0, 2.0], [3.0, 4.0]])
TIE_DX = np.array([[0.0, 0.0, 2.0, 0.0],
                   [1.0, 0.0, 0.0, 0.0],
                   [3.0, 0.0, 0.0, 4.0],
                   [0.0, 0.0, 0.0, 0.0]])
TIE_RULE = ("with tied maxima, the first in row-major order gets the whole "
            "gradient (np.argmax's rule)")


def _first_max_dx(x, dout, pp):
    """dx of max pooling by the first-maximum rule, by explicit loops."""
    PH, PW, S = pp["pool_height"], pp["pool_width"], pp["stride"]
    dx = np.zeros_like(x, dtype=np.float64)
    N, C, OH, OW = dout.shape
    for n, c, i, j in np.ndindex(N, C, OH, OW):
        best = None
        for a, d in np.ndindex(PH, PW):  # row-major order
            value = x[n, c, i * S + a, j * S + d]
            if best is None or value > best[0]:
                best = (value, a, d)
        dx[n, c, i * S + best[1], j * S + best[2]] += dout[n, c, i, j]
    return dx


def _check_ties(exercise, fwd_name, forward, backward, x, pp, dout, where):
    """Compare dx on an input with tied maxima with the first-maximum rule."""
    where = f"{where}; {TIE_RULE}"
    out, cache = _unpack(fwd_name, call_case(fwd_name, where, forward, x, pp),
                         ("out", "cache"), where)
    dx = call_case(exercise, where, backward, dout, cache)
    compare(exercise, "dx", dx, _first_max_dx(x, dout, pp), FORWARD_TOL,
            where)


@forbids("naive_layers.max_pool_backward_naive",
         "fast_layers.max_pool_backward_fast")
def check_max_pool_backward(forward, backward,
                            cases=MAX_POOL_BACKWARD_CASES, seed=9):
    """Check a max-pooling backward pass: numerical gradients and ties.

    On tie-free inputs (values at least 0.1 apart, see ``_separated``) every
    window has one clear maximum and the numerical gradient of
    ``sum(forward(x)[0] * dout)`` is exact up to rounding; the default
    cases include overlapping windows, where one input can be the maximum
    of several windows and must collect all their gradients. Passes when
    ``rel_error`` is below ``GRAD_TOL``. Where a window holds tied maxima
    the rule taught in notebook 03 holds: the first maximum in row-major
    order gets the whole gradient. That is checked on the hand-worked
    example (two tied windows) and, for each case, on an input of small
    integers full of ties, against an explicit loop. Also checks that
    ``dout`` and ``x`` are not modified.

    Parameters
    ----------
    forward : callable
        ``forward(x, pool_param) -> (out, cache)``, assumed correct.
    backward : callable
        ``backward(dout, cache) -> dx``, the function checked.
    cases : sequence of tuples
        ``(x shape, (pool_height, pool_width, stride))``; by default three.
    seed : int
        Seed of the generator that draws the inputs and ``dout``.

    Raises
    ------
    ExerciseError
        On an unfinished stub, an exception, a wrong return type or shape, a
        relative error above ``GRAD_TOL`` (naming the worst element), or a
        tie broken otherwise than by the first maximum.
    """
    exercise = _name(backward, "max pool backward")
    fwd_name = _name(forward, "max pool forward")
    rng = np.random.default_rng(seed)
    worst = 0.0
    for shape, window in cases:
        x, pp = _separated(rng, shape), _pool_param(*window)
        where = _pool_where(x, pp)
        out, cache = _unpack(fwd_name,
                             call_case(fwd_name, where, forward, x, pp),
                             ("out", "cache"), where)
        dout = rng.standard_normal(np.shape(out))
        dout0, x0 = dout.copy(), x.copy()
        dx = call_case(exercise, where, backward, dout, cache)
        _check_unchanged(exercise, "dout", dout0, dout, where)
        _check_unchanged(exercise, "cache (x)", x0, x, where)
        num = eval_numerical_gradient_array(lambda v: forward(v, pp)[0], x,
                                            dout)
        worst = max(worst, _check_gradient(exercise, "dx", dx, num, where))
    pp = POOL_HAND[0][0]
    _check_ties(exercise, fwd_name, forward, backward, SEED_X[:, :1].copy(),
                pp, TIE_DOUT[None, None].copy(),
                f"the hand-worked 4x4 example, {_pool_where(SEED_X[:, :1], pp)}"
                f", dout = [[1, 2], [3, 4]]")
    for shape, window in cases:
        x = rng.integers(0, 3, size=shape).astype(np.float64)
        pp = _pool_param(*window)
        dout = rng.standard_normal(max_pool_forward_naive(x, pp)[0].shape)
        _check_ties(exercise, fwd_name, forward, backward, x, pp, dout,
                    f"{_pool_where(x, pp)}, values drawn from 0, 1, 2")
    what = ("overlapping windows included" if _overlapping(cases) else
            "no overlapping windows")
    passed(exercise, f"dx matches the numerical gradient on tie-free inputs "
                     f"({what}), worst relative error {worst:.0e} (tolerance "
                     f"{GRAD_TOL:.0e})")
