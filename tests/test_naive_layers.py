"""corr2d and the naive conv/pool layers: worked examples and gradients."""
import numpy as np
import pytest

from cs231n_layers import (
    avg_pool_backward_naive,
    avg_pool_forward_naive,
    conv_backward_naive,
    conv_forward_naive,
    conv_output_size,
    corr2d,
    eval_numerical_gradient_array,
    max_pool_backward_naive,
    max_pool_forward_naive,
    rel_error,
)
from cs231n_layers.checks.im2col import EXAMPLE_1x3x4x4

GRAD_TOL = 1e-7

# D2L's worked example of a 2-D cross-correlation.
D2L_X = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]
D2L_K = [[0.0, 1.0], [2.0, 3.0]]
D2L_Y = [[19.0, 25.0], [37.0, 43.0]]

# The im2col walk-through seed's 3-channel 4x4 image (EXAMPLE_1x3x4x4),
# whose 2x2 windows (all 3 channels, 12 values each) sum to these, by hand.
SEED_WINDOW_SUMS = [[29.0, 21.0, 25.0], [24.0, 22.0, 33.0],
                    [23.0, 21.0, 30.0]]
SEED_CONV_OUT = [SEED_WINDOW_SUMS,                       # filter of ones
                 [[58.0, 42.0, 50.0], [48.0, 44.0, 66.0],  # filter of twos
                  [46.0, 42.0, 60.0]]]

# A 4x4 map for hand-worked 2x2, stride-2 pooling.
POOL_X = [[1.0, 3.0, 2.0, 4.0],
          [5.0, 6.0, 1.0, 0.0],
          [7.0, 2.0, 9.0, 8.0],
          [0.0, 1.0, 3.0, 4.0]]
POOL_2x2_S2 = {"pool_height": 2, "pool_width": 2, "stride": 2}


def seed_conv_inputs():
    x = EXAMPLE_1x3x4x4.copy()
    w = np.array([1.0] * 12 + [2.0] * 12).reshape(2, 3, 2, 2)
    return x, w, np.zeros(2)


# ---------------------------------------------------------------- corr2d

def test_corr2d_d2l_example():
    np.testing.assert_array_equal(corr2d(np.array(D2L_X), np.array(D2L_K)),
                                  D2L_Y)


def test_corr2d_accepts_nested_lists_and_ints_as_float64():
    Y = corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, D2L_Y)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.int64])
def test_corr2d_integer_inputs_give_float64(dtype):
    # As documented: "float64 for integer inputs" (uint8 images included).
    Y = corr2d(np.array(D2L_X).astype(dtype), np.array(D2L_K).astype(dtype))
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, D2L_Y)


def test_corr2d_keeps_float32():
    Y = corr2d(np.array(D2L_X, np.float32), np.array(D2L_K, np.float32))
    assert Y.dtype == np.float32


def test_corr2d_vertical_edge_detector():
    # D2L's edge example: a [1, -1] kernel marks where 1s turn into 0s.
    X = np.ones((3, 6))
    X[:, 2:4] = 0.0
    Y = corr2d(X, np.array([[1.0, -1.0]]))
    np.testing.assert_array_equal(Y, [[0.0, 1.0, 0.0, -1.0, 0.0]] * 3)


@pytest.mark.parametrize(
    "in_size, kernel, pad, stride, expected",
    [(3, 2, 0, 1, 2), (5, 3, 1, 1, 5), (7, 3, 1, 2, 4), (4, 4, 0, 1, 1),
     (28, 7, 3, 1, 28), (7, 1, 0, 3, 3)],
    ids=["I3-K2", "I5-K3-P1", "I7-K3-P1-S2", "K=I", "I28-K7-P3", "I7-K1-S3"])
def test_conv_output_size(in_size, kernel, pad, stride, expected):
    assert conv_output_size(in_size, kernel, pad, stride) == expected


# ------------------------------------------------------------------ conv

def test_conv_forward_naive_d2l_example():
    x = np.array(D2L_X).reshape(1, 1, 3, 3)
    w = np.array(D2L_K).reshape(1, 1, 2, 2)
    out, _ = conv_forward_naive(x, w, np.zeros(1), {"stride": 1, "pad": 0})
    np.testing.assert_array_equal(out, np.array(D2L_Y).reshape(1, 1, 2, 2))


def test_conv_forward_naive_seed_example():
    x, w, b = seed_conv_inputs()
    out, _ = conv_forward_naive(x, w, b, {"stride": 1, "pad": 0})
    np.testing.assert_array_equal(out, np.array([SEED_CONV_OUT]))


def test_conv_forward_naive_adds_bias_and_pads_with_zeros():
    # An all-ones 3x3 kernel with pad 1 on a 2x2 map of ones: each output
    # sees all four ones; the bias is added once per output.
    out, _ = conv_forward_naive(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)),
                                np.array([0.5]), {"stride": 1, "pad": 1})
    np.testing.assert_array_equal(out, [[[[4.5, 4.5], [4.5, 4.5]]]])


def test_conv_forward_naive_stride_two_hand_worked():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    w = np.zeros((1, 1, 3, 3))
    w[0, 0, 1, 1] = 1.0  # picks the centre of each window
    out, _ = conv_forward_naive(x, w, np.zeros(1), {"stride": 2, "pad": 0})
    np.testing.assert_array_equal(out, [[[[6.0, 8.0], [16.0, 18.0]]]])


def test_conv_backward_naive_hand_worked():
    # One 2x2 output from a 3x3 input with a 2x2 kernel, dout all ones:
    # dw[a, d] sums the inputs each kernel entry saw; db = 4; dx counts how
    # many windows cover each pixel, weighted by the kernel.
    x = np.array(D2L_X).reshape(1, 1, 3, 3)
    w = np.array(D2L_K).reshape(1, 1, 2, 2)
    _, cache = conv_forward_naive(x, w, np.zeros(1), {"stride": 1, "pad": 0})
    dx, dw, db = conv_backward_naive(np.ones((1, 1, 2, 2)), cache)
    np.testing.assert_array_equal(dw, [[[[8.0, 12.0], [20.0, 24.0]]]])
    np.testing.assert_array_equal(db, [4.0])
    np.testing.assert_array_equal(
        dx, [[[[0.0, 1.0, 1.0], [2.0, 6.0, 4.0], [2.0, 5.0, 3.0]]]])


@pytest.mark.parametrize(
    "shape_x, shape_w, stride, pad",
    [((2, 3, 5, 5), (2, 3, 3, 3), 1, 1),
     ((1, 2, 7, 5), (3, 2, 3, 1), 2, 0),
     ((2, 1, 4, 4), (1, 1, 2, 2), 2, 1)],
    ids=["3x3-s1-p1", "3x1-s2-p0", "2x2-s2-p1"])
def test_conv_naive_numerical_gradient(rng, shape_x, shape_w, stride, pad):
    x = rng.standard_normal(shape_x)
    w = rng.standard_normal(shape_w)
    b = rng.standard_normal(shape_w[0])
    cp = {"stride": stride, "pad": pad}
    out, cache = conv_forward_naive(x, w, b, cp)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv_backward_naive(dout, cache)
    num_dx = eval_numerical_gradient_array(
        lambda v: conv_forward_naive(v, w, b, cp)[0], x, dout)
    num_dw = eval_numerical_gradient_array(
        lambda v: conv_forward_naive(x, v, b, cp)[0], w, dout)
    num_db = eval_numerical_gradient_array(
        lambda v: conv_forward_naive(x, w, v, cp)[0], b, dout)
    assert rel_error(dx, num_dx) < GRAD_TOL
    assert rel_error(dw, num_dw) < GRAD_TOL
    assert rel_error(db, num_db) < GRAD_TOL


# --------------------------------------------------------------- pooling

def test_max_pool_forward_naive_hand_worked():
    out, _ = max_pool_forward_naive(np.array(POOL_X).reshape(1, 1, 4, 4),
                                    POOL_2x2_S2)
    np.testing.assert_array_equal(out, [[[[6.0, 4.0], [7.0, 9.0]]]])


def test_max_pool_backward_naive_routes_to_the_maximum():
    _, cache = max_pool_forward_naive(np.array(POOL_X).reshape(1, 1, 4, 4),
                                      POOL_2x2_S2)
    dx = max_pool_backward_naive(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), cache)
    expected = np.zeros((1, 1, 4, 4))
    expected[0, 0, 1, 1] = 1.0  # the 6
    expected[0, 0, 0, 3] = 2.0  # the 4
    expected[0, 0, 2, 0] = 3.0  # the 7
    expected[0, 0, 2, 2] = 4.0  # the 9
    np.testing.assert_array_equal(dx, expected)


def test_max_pool_naive_overlapping_windows_add_up():
    # Every 2x2 window of this 3x3 map (stride 1) holds the central 9.
    x = np.array([[1.0, 2.0, 3.0], [4.0, 9.0, 5.0], [6.0, 7.0, 8.0]])
    pp = {"pool_height": 2, "pool_width": 2, "stride": 1}
    out, cache = max_pool_forward_naive(x.reshape(1, 1, 3, 3), pp)
    np.testing.assert_array_equal(out, np.full((1, 1, 2, 2), 9.0))
    dx = max_pool_backward_naive(np.ones((1, 1, 2, 2)), cache)
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, 1, 1] = 4.0
    np.testing.assert_array_equal(dx, expected)


def test_max_pool_naive_ties_go_to_the_first_in_row_major_order():
    x = np.array([[5.0, 5.0], [5.0, 5.0]]).reshape(1, 1, 2, 2)
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    _, cache = max_pool_forward_naive(x, pp)
    dx = max_pool_backward_naive(np.array([[[[3.0]]]]), cache)
    np.testing.assert_array_equal(dx, [[[[3.0, 0.0], [0.0, 0.0]]]])


def test_avg_pool_forward_naive_hand_worked():
    out, _ = avg_pool_forward_naive(np.array(POOL_X).reshape(1, 1, 4, 4),
                                    POOL_2x2_S2)
    np.testing.assert_array_equal(out, [[[[3.75, 1.75], [2.5, 6.0]]]])


def test_avg_pool_backward_naive_shares_equally():
    _, cache = avg_pool_forward_naive(np.array(POOL_X).reshape(1, 1, 4, 4),
                                      POOL_2x2_S2)
    dx = avg_pool_backward_naive(np.array([[[[4.0, 8.0], [12.0, 16.0]]]]),
                                 cache)
    expected = [[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0],
                [3.0, 3.0, 4.0, 4.0], [3.0, 3.0, 4.0, 4.0]]
    np.testing.assert_array_equal(dx, np.array(expected).reshape(1, 1, 4, 4))


def test_pooling_naive_non_square_window_hand_worked():
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    pp = {"pool_height": 3, "pool_width": 2, "stride": 1}
    mx, _ = max_pool_forward_naive(x, pp)
    av, _ = avg_pool_forward_naive(x, pp)
    np.testing.assert_array_equal(mx, [[[[9.0, 10.0, 11.0]]]])
    np.testing.assert_array_equal(av, [[[[4.5, 5.5, 6.5]]]])


POOL_GRAD_CASES = [
    ((2, 2, 4, 6), {"pool_height": 2, "pool_width": 2, "stride": 2}),
    ((1, 2, 5, 5), {"pool_height": 3, "pool_width": 3, "stride": 2}),
    ((2, 1, 3, 4), {"pool_height": 2, "pool_width": 3, "stride": 1}),
]
POOL_GRAD_IDS = ["2x2-s2", "3x3-s2-overlap", "2x3-s1-overlap"]


@pytest.mark.parametrize("shape, pp", POOL_GRAD_CASES, ids=POOL_GRAD_IDS)
def test_max_pool_naive_numerical_gradient(separated, rng, shape, pp):
    x = separated(shape)  # values 0.1 apart: no ties within h
    out, cache = max_pool_forward_naive(x, pp)
    dout = rng.standard_normal(out.shape)
    dx = max_pool_backward_naive(dout, cache)
    num = eval_numerical_gradient_array(
        lambda v: max_pool_forward_naive(v, pp)[0], x, dout)
    assert rel_error(dx, num) < GRAD_TOL


@pytest.mark.parametrize("shape, pp", POOL_GRAD_CASES, ids=POOL_GRAD_IDS)
def test_avg_pool_naive_numerical_gradient(rng, shape, pp):
    x = rng.standard_normal(shape)
    out, cache = avg_pool_forward_naive(x, pp)
    dout = rng.standard_normal(out.shape)
    dx = avg_pool_backward_naive(dout, cache)
    num = eval_numerical_gradient_array(
        lambda v: avg_pool_forward_naive(v, pp)[0], x, dout)
    assert rel_error(dx, num) < GRAD_TOL


# ------------------------------------------------------ dtype, mutation

def test_naive_layers_keep_float32(rng):
    x = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    b = np.zeros(3, np.float32)
    out, cache = conv_forward_naive(x, w, b, {"stride": 1, "pad": 1})
    assert out.dtype == np.float32
    grads = conv_backward_naive(np.ones_like(out), cache)
    assert [g.dtype for g in grads] == [np.float32] * 3
    for fwd, bwd in ((max_pool_forward_naive, max_pool_backward_naive),
                     (avg_pool_forward_naive, avg_pool_backward_naive)):
        out, cache = fwd(x, POOL_2x2_S2)
        assert out.dtype == np.float32
        assert bwd(np.ones_like(out), cache).dtype == np.float32


def test_corr2d_does_not_mutate_its_inputs(rng, unchanged):
    X, K = rng.standard_normal((5, 4)), rng.standard_normal((2, 3))
    with unchanged(X, K):
        corr2d(X, K)


def test_naive_layers_do_not_mutate_their_inputs(rng, unchanged):
    x = rng.standard_normal((2, 2, 4, 4))
    w = rng.standard_normal((3, 2, 3, 3))
    b = rng.standard_normal(3)
    cp = {"stride": 1, "pad": 1}
    with unchanged(x, w, b, cp):
        out, cache = conv_forward_naive(x, w, b, cp)
    dout = rng.standard_normal(out.shape)
    with unchanged(dout, cache):
        conv_backward_naive(dout, cache)
    for fwd, bwd in ((max_pool_forward_naive, max_pool_backward_naive),
                     (avg_pool_forward_naive, avg_pool_backward_naive)):
        pp = dict(POOL_2x2_S2)
        with unchanged(x, pp):
            out, cache = fwd(x, pp)
        dout = rng.standard_normal(out.shape)
        with unchanged(dout, cache):
            bwd(dout, cache)
