"""Checkers for the fast layers' exercises (notebook 04_fast_conv_pool).

``check_conv_backward_matmul`` checks a convolution backward pass that takes
the cache of :func:`~cs231n_layers.fast_layers.conv_forward_fast` (im2col's
matrix inside); ``check_max_pool_backward_slices`` checks a max-pooling
backward pass that takes the cache ``(x, pool_param)`` and must follow the
first-maximum rule on ties. Both compare with the naive layers of notebook
03 and name the case (shapes, pad, stride, window) in every failure.
"""
import numpy as np

from cs231n_layers.caches import MaxPoolNaiveCache
from cs231n_layers.checks._core import (
    ExerciseError,
    call_exercise,
    compare,
    forbids,
    passed,
)
from cs231n_layers.fast_layers import conv_forward_fast
from cs231n_layers.naive_layers import (
    conv_backward_naive,
    conv_forward_naive,
    max_pool_backward_naive,
)

__all__ = ["check_conv_backward_matmul", "check_max_pool_backward_slices"]

TOL = 1e-10          # float64, relative to max(1, |expected|)
FLOAT32_TOL = 1e-4   # float32 against the float64 reference

# (x shape, w shape, stride, pad): the visible cases.
CONV_BACKWARD_CASES = (
    ((2, 3, 7, 7), (4, 3, 3, 3), 2, 1),
    ((1, 2, 5, 6), (3, 2, 2, 3), 1, 0),
    ((3, 1, 6, 6), (2, 1, 3, 3), 1, 2),
)

# (x shape, (pool_height, pool_width, stride)): the visible cases.
MAX_POOL_BACKWARD_CASES = (
    ((2, 3, 4, 6), (2, 2, 2)),
    ((1, 2, 7, 7), (3, 3, 2)),
    ((2, 1, 5, 5), (2, 2, 1)),
)

# The 4x4 image of notebook 03's worked example: its top-right window holds
# two 4s and its bottom-right window two 3s.
TIED_IMAGE = np.array([[3, 0, 4, 2], [6, 5, 4, 3], [3, 0, 2, 3],
                       [1, 0, 3, 1]], dtype=np.float64)[None, None]


def _call(exercise, fn, where, *args):
    """:func:`call_exercise`, with the case named in its message."""
    try:
        return call_exercise(exercise, fn, *args)
    except ExerciseError as err:
        raise ExerciseError(f"{err}; in {where}") from None


def _unchanged(exercise, what, before, after, where):
    if not np.array_equal(before, after):
        raise ExerciseError(
            f"{exercise}: your code modified {what} in place; work on a new "
            f"array instead; in {where}")


def _tuple_of(exercise, result, names, where):
    if not isinstance(result, tuple) or len(result) != len(names):
        raise ExerciseError(
            f"{exercise}: should return the tuple ({', '.join(names)}), got "
            f"{type(result).__name__}; in {where}")
    return result


def _dtype(exercise, what, value, where):
    if getattr(value, "dtype", None) != np.float32:
        raise ExerciseError(
            f"{exercise}: float32 in should give float32 {what}, got "
            f"{getattr(value, 'dtype', type(value).__name__)}; in {where}")


# ------------------------------------------------------------ convolution

def _conv_case(rng, x_shape, w_shape, stride, pad):
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b, cp = rng.standard_normal(w_shape[0]), {"stride": stride, "pad": pad}
    where = (f"x of shape {x_shape}, w of shape {w_shape}, stride {stride}, "
             f"pad {pad}")
    return x, w, b, cp, where


@forbids("naive_layers.conv_backward_naive", "fast_layers.conv_backward_fast")
def check_conv_backward_matmul(fn, cases=CONV_BACKWARD_CASES, seed=11):
    """Check ``fn(dout, cache) -> (dx, dw, db)`` for conv_forward_fast.

    The cache comes from :func:`conv_forward_fast` (its ``cols`` is
    im2col's matrix, column-major). For every case, in float64, dx, dw and
    db must match :func:`conv_backward_naive` (tolerance ``TOL`` relative);
    ``dout`` and the cache must be unchanged; then the first case in
    float32 must give float32 gradients.

    Parameters
    ----------
    fn : callable
        The backward pass checked.
    cases : sequence of tuples ``(x shape, w shape, stride, pad)``
    seed : int
        Seed of the generator that draws the inputs.
    """
    exercise = getattr(fn, "__name__", "conv backward")
    rng = np.random.default_rng(seed)
    for x_shape, w_shape, stride, pad in cases:
        x, w, b, cp, where = _conv_case(rng, x_shape, w_shape, stride, pad)
        out, cache = conv_forward_fast(x, w, b, cp)
        dout = rng.standard_normal(out.shape)
        kept = [dout.copy(), x.copy(), w.copy(), cache.cols.copy()]
        got = _tuple_of(exercise, _call(exercise, fn, where, dout, cache),
                        ("dx", "dw", "db"), where)
        for what, before, after in zip(("dout", "x", "w", "cache.cols"),
                                       kept, (dout, x, w, cache.cols)):
            _unchanged(exercise, what, before, after, where)
        _, naive_cache = conv_forward_naive(x, w, b, cp)
        for what, mine, ref in zip(("dx", "dw", "db"), got,
                                   conv_backward_naive(dout, naive_cache)):
            compare(exercise, what, mine, ref, TOL, where)
    if cases:
        x, w, b, cp, where = _conv_case(rng, *cases[0])
        x, w, b = (a.astype(np.float32) for a in (x, w, b))
        out, cache = conv_forward_fast(x, w, b, cp)
        dout = rng.standard_normal(out.shape).astype(np.float32)
        where = f"{where}, float32"
        got = _tuple_of(exercise, _call(exercise, fn, where, dout, cache),
                        ("dx", "dw", "db"), where)
        for what, value in zip(("dx", "dw", "db"), got):
            _dtype(exercise, what, value, where)
    passed(exercise, f"dx, dw and db match conv_backward_naive on "
                     f"{len(cases)} cases (tolerance {TOL:.0e}); float32 "
                     f"stays float32")


# ---------------------------------------------------------------- pooling

def _pool_where(shape, pp):
    return (f"x of shape {shape}, {pp['pool_height']}x{pp['pool_width']} "
            f"windows, stride {pp['stride']}")


def _check_pool_case(exercise, fn, x, pp, dout, where=None):
    """Compare ``fn(dout, (x, pp))`` with the naive backward pass."""
    where = where or _pool_where(x.shape, pp)
    kept = (x.copy(), dout.copy())
    dx = _call(exercise, fn, where, dout, (x, dict(pp)))
    _unchanged(exercise, "x", kept[0], x, where)
    _unchanged(exercise, "dout", kept[1], dout, where)
    compare(exercise, "dx", dx, np.zeros_like(x), np.inf, where)  # shape
    expected = max_pool_backward_naive(dout, _naive_cache(x, pp))
    sent = float(np.sum(dx, dtype=np.float64))
    if not np.isclose(sent, float(np.sum(expected)), rtol=1e-9, atol=1e-9):
        raise ExerciseError(
            f"{exercise}: dx sums to {sent:.6g}, but dout sums to "
            f"{float(np.sum(dout)):.6g}: each window's gradient must reach "
            f"dx exactly once, at one input (on ties the first maximum in "
            f"row-major order, never split or copied among tied maxima; "
            f"with overlapping windows, add with +=); in {where}")
    compare(exercise, "dx", dx, expected, TOL, where)


def _naive_cache(x, pp):
    return MaxPoolNaiveCache(x, dict(pp))


@forbids("naive_layers.max_pool_backward_naive",
         "fast_layers.max_pool_backward_fast")
def check_max_pool_backward_slices(fn, cases=MAX_POOL_BACKWARD_CASES,
                                   seed=13):
    """Check a max-pooling backward pass ``fn(dout, (x, pool_param))``.

    Runs notebook 03's 4x4 example (tied maxima in two windows) with 2x2
    windows and stride 2, then every case on inputs full of ties (integers
    0 to 2) and on tie-free random inputs, against
    :func:`max_pool_backward_naive`, which sends each window's gradient to
    the first of its maxima in row-major order. A version that splits or
    copies the gradient among tied maxima fails. Also checks that ``x`` and
    ``dout`` are unchanged and that float32 stays float32.

    Parameters
    ----------
    fn : callable
        The backward pass checked.
    cases : sequence of tuples ``(x shape, (pool_height, pool_width, stride))``
    seed : int
        Seed of the generator that draws the inputs.
    """
    exercise = getattr(fn, "__name__", "max pool backward")
    rng = np.random.default_rng(seed)
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    _check_pool_case(exercise, fn, TIED_IMAGE.copy(), pp,
                     rng.standard_normal((1, 1, 2, 2)),
                     f"notebook 03's 4x4 example, whose top-right and "
                     f"bottom-right windows hold tied maxima "
                     f"({_pool_where(TIED_IMAGE.shape, pp)})")
    for shape, (ph, pw, stride) in cases:
        pp = {"pool_height": ph, "pool_width": pw, "stride": stride}
        oh, ow = (shape[2] - ph) // stride + 1, (shape[3] - pw) // stride + 1
        for x in (rng.integers(0, 3, size=shape).astype(np.float64),
                  rng.standard_normal(shape)):
            dout = rng.standard_normal((*shape[:2], oh, ow))
            _check_pool_case(exercise, fn, x, pp, dout)
    x32 = TIED_IMAGE.astype(np.float32)
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    where = f"{_pool_where(x32.shape, pp)}, float32"
    dx = _call(exercise, fn, where, np.ones((1, 1, 2, 2), np.float32),
               (x32, dict(pp)))
    _dtype(exercise, "dx", dx, where)
    passed(exercise, f"dx matches max_pool_backward_naive on the tied 4x4 "
                     f"example and {len(cases)} cases with ties; float32 "
                     f"stays float32")
