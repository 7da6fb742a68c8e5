"""im2col / col2im: worked examples, layout, adjointness, window counts."""
import numpy as np
import pytest

from cs231n_layers import col2im, im2col

# The two worked examples of the seeds (the im2row notebook's 2x2x2x3 input
# and the im2col walk-through's 1x3x4x4 input), stated once, in the checkers.
from cs231n_layers.checks.im2col import (
    EXAMPLE_1x3x4x4,
    EXAMPLE_1x3x4x4_COLS,
    EXAMPLE_2x2x2x3,
    EXAMPLE_2x2x2x3_COLS,
)

# (N, C, H, W, KH, KW, S, P); every stride tiles the padded input.
GEOMETRIES = [
    (2, 3, 5, 5, 3, 3, 1, 0),
    (1, 2, 6, 4, 2, 2, 2, 0),
    (2, 1, 5, 7, 3, 1, 2, 1),
    (1, 2, 4, 4, 3, 3, 1, 2),
    (3, 1, 7, 7, 4, 1, 3, 3),
    (1, 1, 3, 3, 5, 5, 1, 1),
]
GEOMETRY_IDS = ["3x3-s1-p0", "2x2-s2-p0", "3x1-s2-p1", "3x3-s1-p2",
                "4x1-s3-p3", "kernel=padded-input"]


def out_size(size, kernel, stride, pad):
    return (size + 2 * pad - kernel) // stride + 1


def test_im2col_seed_notebook_example():
    cols = im2col(EXAMPLE_2x2x2x3, 2, 2)
    assert cols.shape == (4, 8)
    np.testing.assert_array_equal(cols, EXAMPLE_2x2x2x3_COLS)


def test_im2col_walk_through_seed():
    cols = im2col(EXAMPLE_1x3x4x4, 2, 2, stride=1, pad=0)
    assert cols.shape == (9, 12)
    np.testing.assert_array_equal(cols, EXAMPLE_1x3x4x4_COLS)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=GEOMETRY_IDS)
def test_im2col_layout_matches_its_docstring(rng, geometry):
    # Row (n*OH + i)*OW + j, column (c*KH + a)*KW + d holds
    # x_pad[n, c, i*S + a, j*S + d]; checked element by element.
    N, C, H, W, KH, KW, S, P = geometry
    x = rng.standard_normal((N, C, H, W))
    xp = np.zeros((N, C, H + 2 * P, W + 2 * P))
    xp[:, :, P:P + H, P:P + W] = x
    OH, OW = out_size(H, KH, S, P), out_size(W, KW, S, P)
    cols = im2col(x, KH, KW, S, P)
    assert cols.shape == (N * OH * OW, C * KH * KW)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for c in range(C):
                    for a in range(KH):
                        for d in range(KW):
                            row = (n * OH + i) * OW + j
                            col = (c * KH + a) * KW + d
                            assert cols[row, col] == xp[n, c, i * S + a,
                                                        j * S + d]


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=GEOMETRY_IDS)
def test_col2im_is_the_adjoint_of_im2col(rng, geometry):
    N, C, H, W, KH, KW, S, P = geometry
    x = rng.standard_normal((N, C, H, W))
    Y = rng.standard_normal(im2col(x, KH, KW, S, P).shape)
    lhs = np.sum(im2col(x, KH, KW, S, P) * Y)
    rhs = np.sum(x * col2im(Y, x.shape, KH, KW, S, P))
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


def window_counts(H, W, KH, KW, S, P):
    """How many windows cover each pixel, counted one window at a time."""
    counts = np.zeros((H + 2 * P, W + 2 * P))
    for i in range(out_size(H, KH, S, P)):
        for j in range(out_size(W, KW, S, P)):
            counts[i * S:i * S + KH, j * S:j * S + KW] += 1
    return counts[P:P + H, P:P + W]


def test_window_counts_helper_hand_worked():
    # 3x3 map, 2x2 windows, stride 1: corners 1, edges 2, centre 4.
    np.testing.assert_array_equal(window_counts(3, 3, 2, 2, 1, 0),
                                  [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=GEOMETRY_IDS)
def test_col2im_of_im2col_scales_by_window_counts(rng, geometry):
    N, C, H, W, KH, KW, S, P = geometry
    x = rng.standard_normal((N, C, H, W))
    back = col2im(im2col(x, KH, KW, S, P), x.shape, KH, KW, S, P)
    np.testing.assert_allclose(back, x * window_counts(H, W, KH, KW, S, P),
                               rtol=1e-12, atol=1e-12)


def test_col2im_is_not_an_inverse_for_overlapping_windows(rng):
    x = rng.standard_normal((1, 1, 4, 4))
    back = col2im(im2col(x, 3, 3), x.shape, 3, 3)
    assert not np.allclose(back, x)
    # The centre pixels sit in all four 3x3 windows.
    np.testing.assert_allclose(back[0, 0, 1:3, 1:3], 4 * x[0, 0, 1:3, 1:3])


def test_col2im_inverts_im2col_when_windows_tile_without_overlap(rng):
    x = rng.standard_normal((2, 3, 6, 4))
    back = col2im(im2col(x, 2, 2, stride=2), x.shape, 2, 2, stride=2)
    np.testing.assert_array_equal(back, x)


def test_im2col_and_col2im_keep_float32(rng):
    x = rng.standard_normal((2, 2, 5, 5)).astype(np.float32)
    cols = im2col(x, 3, 3, 1, 1)
    assert cols.dtype == np.float32
    assert col2im(cols, x.shape, 3, 3, 1, 1).dtype == np.float32


def test_im2col_and_col2im_do_not_mutate_their_inputs(rng, unchanged):
    x = rng.standard_normal((2, 2, 5, 5))
    with unchanged(x):
        cols = im2col(x, 3, 3, 2, 1)
    Y = rng.standard_normal(cols.shape)
    with unchanged(Y):
        col2im(Y, x.shape, 3, 3, 2, 1)


@pytest.mark.parametrize(
    "shape, kh, kw",
    [((1, 1, 4, 4), 1, 1), ((2, 1, 3, 3), 1, 1), ((1, 1, 4, 4), 4, 4)],
    ids=["N1-C1-1x1", "N2-C1-1x1", "kernel=image"])
def test_im2col_returns_a_writable_copy(rng, shape, kh, kw):
    # The docstring promises one copy of the data. For these shapes the
    # final reshape of the window view needs no copy, and im2col returns a
    # read-only view into x instead.
    x = rng.standard_normal(shape)
    cols = im2col(x, kh, kw)
    assert not np.shares_memory(cols, x)
    assert cols.flags.writeable


# ------------------------------------------- memory order and the out buffer

def test_im2col_is_column_major_with_the_documented_values(rng):
    x = rng.standard_normal((2, 3, 7, 6))
    cols = im2col(x, 3, 2, stride=2, pad=1)
    assert cols.T.flags.c_contiguous
    np.testing.assert_array_equal(
        cols, np.ascontiguousarray(im2col(x, 3, 2, 2, 1)))


def test_im2col_out_is_refilled_and_returned(rng):
    x = rng.standard_normal((2, 3, 7, 7))
    cols = im2col(x, 3, 3, stride=2, pad=1)
    again = im2col(2 * x, 3, 3, stride=2, pad=1, out=cols)
    assert again is cols
    np.testing.assert_array_equal(
        cols, im2col(2 * x, 3, 3, stride=2, pad=1))


@pytest.mark.parametrize("bad, error, words", [
    ("list", TypeError, "out must be a numpy array"),
    ("shape", ValueError, "shape (32, 27)"),
    ("dtype", ValueError, "dtype float64"),
    ("c_order", ValueError, "column-major"),
])
def test_im2col_refuses_an_unusable_out(rng, bad, error, words):
    x = rng.standard_normal((2, 3, 7, 7))
    out = {"list": [0.0],
           "shape": np.empty((27, 31)).T,
           "dtype": np.empty((27, 32), np.float32).T,
           "c_order": np.empty((32, 27))}[bad]
    with pytest.raises(error, match="im2col") as info:
        im2col(x, 3, 3, stride=2, pad=1, out=out)
    assert words in str(info.value)


def test_col2im_gives_the_same_result_for_both_memory_orders(rng):
    shape = (2, 3, 7, 6)
    cols = rng.standard_normal((2 * 4 * 4, 3 * 3 * 2))
    c_order = col2im(cols, shape, 3, 2, stride=2, pad=1)
    f_order = col2im(np.asfortranarray(cols), shape, 3, 2,
                                   stride=2, pad=1)
    np.testing.assert_array_equal(c_order, f_order)
