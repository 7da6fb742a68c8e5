"""Checkers for the exercises of notebook 02_im2col.

``check_im2col`` grades any function with the signature of
:func:`cs231n_layers.im2col` (the notebook's ``im2col_by_indices``);
``check_col2im`` grades any function with the signature of
:func:`cs231n_layers.col2im`. Both compare with worked examples whose answers
were written out by hand, with independent counts, and with the package's
reference implementation.
"""
import numpy as np

from cs231n_layers.checks._core import (
    EXAMPLE_1x3x4x4,
    ExerciseError,
    call_exercise,
    compare,
    forbids,
    passed,
)
from cs231n_layers.correlation import conv_output_size
from cs231n_layers.im2col import col2im as reference_col2im
from cs231n_layers.im2col import im2col as reference_im2col

__all__ = ["check_im2col", "check_col2im"]

# im2col only copies numbers, so any correct answer is exact; the tolerance
# just leaves room for a round trip through another dtype.
EXACT_TOL = 1e-12
# <im2col(x), Y> and <x, col2im(Y)> sum the same products in different orders.
ADJOINT_TOL = 1e-10

# Worked example 1: N=2, C=2, H=2, W=3 with a 2x2 kernel, stride 1, pad 0.
# Two windows per image, so four rows; each row lists channel 0's window,
# then channel 1's, both row by row.
EXAMPLE_2x2x2x3 = np.array([
    [[[1, 2, 3], [4, 5, 6]], [[6, 5, 4], [3, 2, 1]]],
    [[[0, 1, 0], [2, 2, 3]], [[2, 3, 3], [6, 6, 6]]],
], dtype=float)
EXAMPLE_2x2x2x3_COLS = np.array([
    [1, 2, 4, 5, 6, 5, 3, 2],
    [2, 3, 5, 6, 5, 4, 2, 1],
    [0, 1, 2, 2, 2, 3, 6, 6],
    [1, 0, 2, 3, 3, 3, 6, 6],
], dtype=float)

# Worked example 2: N=1, C=3, H=W=4 with a 2x2 kernel, stride 1, pad 0:
# nine windows of 3*2*2 = 12 numbers. The image, EXAMPLE_1x3x4x4, is
# notebook 03's worked example too, so it lives in checks/_core.py.
EXAMPLE_1x3x4x4_COLS = np.array([
    [3, 0, 6, 5, 1, 2, 3, 0, 4, 2, 1, 2],
    [0, 4, 5, 4, 2, 0, 0, 2, 2, 0, 2, 0],
    [4, 2, 4, 3, 0, 1, 2, 4, 0, 1, 0, 4],
    [6, 5, 3, 0, 3, 0, 1, 0, 1, 2, 3, 0],
    [5, 4, 0, 2, 0, 2, 0, 3, 2, 0, 0, 4],
    [4, 3, 2, 3, 2, 4, 3, 2, 0, 4, 4, 2],
    [3, 0, 1, 0, 1, 0, 4, 3, 3, 0, 6, 2],
    [0, 2, 0, 3, 0, 3, 3, 0, 0, 4, 2, 4],
    [2, 3, 3, 1, 3, 2, 0, 1, 4, 2, 4, 5],
], dtype=float)

# Random cases (N, C, H, W, KH, KW, S, P): strides 1-3, pads 0-2, square and
# non-square kernels and images. The stride divides H + 2P - KH exactly.
CASES = (
    (2, 3, 5, 5, 3, 3, 1, 0),
    (2, 3, 5, 5, 3, 3, 1, 1),
    (1, 2, 7, 7, 3, 3, 2, 0),
    (2, 1, 6, 8, 2, 4, 2, 1),
    (1, 3, 7, 5, 3, 1, 2, 2),
    (2, 2, 7, 7, 2, 2, 3, 2),
    (1, 2, 5, 6, 5, 2, 2, 2),
)
# The float32 case checks that the dtype of the input is kept.
FLOAT32_CASE = (2, 3, 6, 6, 3, 3, 1, 1)


def _describe(name, case):
    N, C, H, W, KH, KW, S, P = case
    return (f"{name} with x.shape={(N, C, H, W)}, KH={KH}, KW={KW}, "
            f"stride={S}, pad={P}")


def _check_dtype(label, result, dtype):
    actual = getattr(result, "dtype", None)
    if actual != dtype:
        raise ExerciseError(
            f"{label}: returned dtype {actual} for {np.dtype(dtype)} input; "
            f"keep the input's dtype (build new arrays with dtype=...)"
        )


@forbids("im2col.im2col")
def check_im2col(fn, cases=CASES, seed=2020):
    """Check an im2col implementation such as ``im2col_by_indices``.

    ``fn(x, kernel_height, kernel_width, stride=S, pad=P)`` must return the
    (N*OH*OW, C*KH*KW) matrix of :func:`cs231n_layers.im2col`: one row per
    window ``(n, i, j)`` in C order, one column per ``(c, a, d)``.

    Checked, in this order: the 2x2x2x3 worked example (the 4x8 matrix), the
    1x3x4x4 worked example (the 9x12 matrix), both written out by hand; one
    random float64 input per entry of ``cases`` against the reference (by
    default seven, with strides 1-3, pads 0-2 and non-square kernels); a
    float32 input, whose dtype must be kept. Every
    element must match to ``1e-12`` (im2col only copies numbers, so a correct
    answer is exact).

    Parameters
    ----------
    fn : callable
        The function to check.
    cases : sequence of tuples
        ``(N, C, H, W, KH, KW, S, P)``: input shape, kernel, stride, pad.
    seed : int
        Seed of the generator that draws the random inputs.

    Raises
    ------
    ExerciseError
        If ``fn`` is unfinished, raises, returns the wrong shape or dtype, or
        puts a wrong number anywhere; the message names the worst element.
    """
    name = getattr(fn, "__name__", "im2col")
    worst = 0.0
    for k, (what, x, expected) in enumerate((
        ("the 2x2x2x3 example", EXAMPLE_2x2x2x3, EXAMPLE_2x2x2x3_COLS),
        ("the 1x3x4x4 example", EXAMPLE_1x3x4x4, EXAMPLE_1x3x4x4_COLS),
    )):
        label = f"{name} on {what} (2x2 kernel, stride 1, pad 0)"
        # The first call names only the function, so an unfinished stub
        # gets the shortest message.
        cols = call_exercise(label if k else name, fn, x.copy(), 2, 2,
                             stride=1, pad=0)
        worst = max(worst, compare(label, "cols", cols, expected, EXACT_TOL))
    rng = np.random.default_rng(seed)
    for case in cases:
        N, C, H, W, KH, KW, S, P = case
        x = rng.standard_normal((N, C, H, W))
        label = _describe(name, case)
        cols = call_exercise(label, fn, x.copy(), KH, KW, stride=S, pad=P)
        expected = reference_im2col(x, KH, KW, S, P)
        worst = max(worst, compare(label, "cols", cols, expected, EXACT_TOL))
    N, C, H, W, KH, KW, S, P = FLOAT32_CASE
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    label = _describe(name, FLOAT32_CASE) + " (float32)"
    cols = call_exercise(label, fn, x.copy(), KH, KW, stride=S, pad=P)
    _check_dtype(label, cols, np.float32)
    compare(label, "cols", cols, reference_im2col(x, KH, KW, S, P), EXACT_TOL)
    passed(name, f"both worked examples, {len(cases)} random shapes and a "
                 f"float32 input match (max error {worst:.0e} <= "
                 f"{EXACT_TOL:.0e})")


def _coverage(size, kernel, stride, pad):
    """How many windows cover each position of one spatial axis.

    Counted window by window, independently of any im2col or col2im code.
    """
    counts = np.zeros(size)
    for start in range(0, conv_output_size(size, kernel, pad, stride) * stride,
                       stride):
        for offset in range(kernel):
            position = start + offset - pad  # padded index -> input index
            if 0 <= position < size:
                counts[position] += 1
    return counts


def _col2im_case(name, fn, case, rng, dtype=np.float64):
    """Call ``fn`` on random rows of the right shape; return (cols, result)."""
    N, C, H, W, KH, KW, S, P = case
    OH = conv_output_size(H, KH, P, S)
    OW = conv_output_size(W, KW, P, S)
    cols = rng.standard_normal((N * OH * OW, C * KH * KW)).astype(dtype)
    label = _describe(name, case).replace("x.shape", "x_shape")
    x = call_exercise(label, fn, cols.copy(), (N, C, H, W), KH, KW,
                      stride=S, pad=P)
    return label, cols, x


@forbids("im2col.col2im")
def check_col2im(fn, cases=CASES, seed=4040):
    """Check a col2im implementation (the notebook's ``col2im`` exercise).

    ``fn(cols, x_shape, kernel_height, kernel_width, stride=S, pad=P)`` must
    add every row of an im2col matrix back onto the positions its window
    covered, as :func:`cs231n_layers.col2im` does.

    Checked, in this order:

    1. count maps: ``fn(im2col(ones))`` must equal, at every pixel, the number
       of windows that cover it, counted independently (exact), for a 3x3
       kernel on a 6x6 image and the first three of ``cases``;
    2. random matrices against the reference, one per entry of ``cases``
       (by default strides 1-3, pads 0-2, non-square kernels; ``1e-12``);
    3. a float32 matrix: the result keeps shape (N, C, H, W) and float32;
    4. the adjoint identity ``<im2col(x), Y> == <x, fn(Y)>`` for random ``x``
       and ``Y`` (relative error ``1e-10``).

    Parameters
    ----------
    fn : callable
        The function to check.
    cases : sequence of tuples
        ``(N, C, H, W, KH, KW, S, P)``: input shape, kernel, stride, pad.
    seed : int
        Seed of the generator that draws the random matrices and inputs.

    Raises
    ------
    ExerciseError
        If ``fn`` is unfinished, raises, returns the wrong shape or dtype, or
        a wrong number; the message names the worst element.
    """
    name = getattr(fn, "__name__", "col2im")
    rng = np.random.default_rng(seed)
    # 1. Count maps, including a 3x3 kernel, stride 1 on a 6x6 image.
    for k, case in enumerate([(1, 1, 6, 6, 3, 3, 1, 0), *cases[:3]]):
        N, C, H, W, KH, KW, S, P = case
        label = _describe(name, case).replace("x.shape", "x_shape")
        ones = reference_im2col(np.ones((N, C, H, W)), KH, KW, S, P)
        # The first call names only the function (short stub message).
        x = call_exercise(label if k else name, fn, ones, (N, C, H, W),
                          KH, KW, stride=S, pad=P)
        counts = np.outer(_coverage(H, KH, S, P), _coverage(W, KW, S, P))
        compare(label, "col2im(im2col(ones))", x,
                np.broadcast_to(counts, (N, C, H, W)), EXACT_TOL)
    # 2. Random matrices against the reference.
    worst = 0.0
    for case in cases:
        N, C, H, W, KH, KW, S, P = case
        label, cols, x = _col2im_case(name, fn, case, rng)
        expected = reference_col2im(cols, (N, C, H, W), KH, KW, S, P)
        worst = max(worst, compare(label, "x", x, expected, EXACT_TOL))
    # 3. Shape and dtype of a float32 result.
    N, C, H, W, KH, KW, S, P = FLOAT32_CASE
    label, cols, x = _col2im_case(name, fn, FLOAT32_CASE, rng, np.float32)
    label += " (float32)"
    _check_dtype(label, x, np.float32)
    compare(label, "x", x, reference_col2im(cols, (N, C, H, W), KH, KW, S, P),
            1e-6)
    # 4. The adjoint identity <im2col(x), Y> = <x, col2im(Y)>.
    for case in cases:
        N, C, H, W, KH, KW, S, P = case
        label, Y, dx = _col2im_case(name, fn, case, rng)
        x = rng.standard_normal((N, C, H, W))
        lhs = float(np.sum(reference_im2col(x, KH, KW, S, P) * Y))
        rhs = float(np.sum(x * dx))
        error = abs(lhs - rhs) / max(abs(lhs), abs(rhs), 1e-12)
        if not error <= ADJOINT_TOL:
            raise ExerciseError(
                f"{label}: <im2col(x), Y> = {lhs:.6g} but <x, {name}(Y)> = "
                f"{rhs:.6g} (relative error {error:.1e} > tolerance "
                f"{ADJOINT_TOL:.0e}); every entry of Y must be added to the "
                f"pixel it was copied from"
            )
    passed(name, f"count maps exact, {len(cases)} random shapes match the "
                 f"reference (max error {worst:.0e} <= {EXACT_TOL:.0e}), "
                 f"float32 kept, adjoint identity holds to "
                 f"{ADJOINT_TOL:.0e}")
