"""Fast conv/pool layers: equal to the naive ones, gradients, and no Python
loops over N, C, H or W."""
import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

import cs231n_layers
from cs231n_layers import (
    avg_pool_backward_fast,
    avg_pool_backward_naive,
    avg_pool_forward_fast,
    avg_pool_forward_naive,
    conv_backward_fast,
    conv_backward_naive,
    conv_forward_fast,
    conv_forward_naive,
    eval_numerical_gradient_array,
    max_pool_backward_fast,
    max_pool_backward_naive,
    max_pool_forward_fast,
    max_pool_forward_naive,
    rel_error,
)

GRAD_TOL = 1e-7
CLOSE = {"rtol": 1e-10, "atol": 1e-12}


def conv_case(N, C, H, W, F, KH, KW, S, P):
    """A parametrize entry with a readable id; checks the stride tiles."""
    assert (H + 2 * P - KH) % S == 0 and (W + 2 * P - KW) % S == 0
    ident = f"N{N}-C{C}-{H}x{W}-F{F}-k{KH}x{KW}-s{S}-p{P}"
    return pytest.param((N, C, H, W, F, KH, KW, S, P), id=ident)


def tiling_size(kernel, stride, pad, target):
    """The odd-if-possible size >= 3 nearest ``target`` that S tiles."""
    sizes = [n for n in range(1, 12)
             if n + 2 * pad >= kernel and (n + 2 * pad - kernel) % stride == 0]
    return min(sizes, key=lambda n: (abs(n - target), n % 2 == 0))


# Every stride 1-3 with every pad 0-3, a square and a non-square kernel.
CONV_CASES = [
    conv_case(2, 3, tiling_size(KH, S, P, 7), tiling_size(KW, S, P, 6), 2,
              KH, KW, S, P)
    for (KH, KW), S, P in itertools.product(((3, 3), (2, 3)), (1, 2, 3),
                                            (0, 1, 2, 3))
] + [
    conv_case(1, 1, 5, 5, 1, 3, 3, 1, 0),     # C = F = N = 1
    conv_case(3, 1, 9, 7, 1, 5, 3, 2, 0),     # C = F = 1, N > 1
    conv_case(1, 4, 7, 9, 3, 3, 5, 2, 1),     # non-square input and kernel
    conv_case(2, 2, 4, 4, 3, 1, 1, 1, 0),     # 1x1 kernel
    conv_case(2, 2, 3, 3, 2, 5, 5, 1, 1),     # kernel = padded input
    conv_case(1, 2, 7, 7, 2, 1, 1, 3, 0),     # 1x1 kernel, stride 3
]


def pool_case(N, C, H, W, PH, PW, S, note):
    assert (H - PH) % S == 0 and (W - PW) % S == 0
    ident = f"N{N}-C{C}-{H}x{W}-pool{PH}x{PW}-s{S}-{note}"
    return pytest.param((N, C, H, W, PH, PW, S), id=ident)


POOL_CASES = [
    pool_case(2, 3, 4, 6, 2, 2, 2, "tiling"),
    pool_case(1, 2, 7, 9, 3, 3, 2, "overlap"),
    pool_case(2, 1, 5, 5, 2, 2, 1, "overlap"),
    pool_case(1, 1, 5, 5, 1, 1, 1, "identity"),
    pool_case(3, 2, 5, 7, 1, 3, 1, "non-square"),
    pool_case(1, 3, 7, 4, 3, 2, 2, "non-square-overlap"),
    pool_case(2, 2, 9, 9, 3, 3, 3, "tiling-3"),
    pool_case(1, 2, 5, 5, 5, 5, 1, "global"),
]

POOL_PAIRS = {
    "max": (max_pool_forward_naive, max_pool_backward_naive,
            max_pool_forward_fast, max_pool_backward_fast),
    "avg": (avg_pool_forward_naive, avg_pool_backward_naive,
            avg_pool_forward_fast, avg_pool_backward_fast),
}


def conv_inputs(rng, geometry, dtype=np.float64):
    N, C, H, W, F, KH, KW, S, P = geometry
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    w = rng.standard_normal((F, C, KH, KW)).astype(dtype)
    b = rng.standard_normal(F).astype(dtype)
    return x, w, b, {"stride": S, "pad": P}


def pool_inputs(geometry, separated, dtype=np.float64):
    N, C, H, W, PH, PW, S = geometry
    x = separated((N, C, H, W)).astype(dtype)
    return x, {"pool_height": PH, "pool_width": PW, "stride": S}


# ----------------------------------------------------- fast equals naive

@pytest.mark.parametrize("geometry", CONV_CASES)
def test_conv_fast_equals_naive(geometry):
    rng = np.random.default_rng(1)
    x, w, b, cp = conv_inputs(rng, geometry)
    naive, naive_cache = conv_forward_naive(x, w, b, cp)
    fast, fast_cache = conv_forward_fast(x, w, b, cp)
    assert fast.shape == naive.shape
    np.testing.assert_allclose(fast, naive, **CLOSE)
    dout = rng.standard_normal(naive.shape)
    for g_fast, g_naive in zip(conv_backward_fast(dout, fast_cache),
                               conv_backward_naive(dout, naive_cache)):
        assert g_fast.shape == g_naive.shape
        np.testing.assert_allclose(g_fast, g_naive, **CLOSE)


@pytest.mark.parametrize("kind", POOL_PAIRS)
@pytest.mark.parametrize("geometry", POOL_CASES)
def test_pool_fast_equals_naive(separated, kind, geometry):
    fwd_naive, bwd_naive, fwd_fast, bwd_fast = POOL_PAIRS[kind]
    x, pp = pool_inputs(geometry, separated)
    naive, naive_cache = fwd_naive(x, pp)
    fast, fast_cache = fwd_fast(x, pp)
    assert fast.shape == naive.shape
    np.testing.assert_allclose(fast, naive, **CLOSE)
    dout = np.random.default_rng(2).standard_normal(naive.shape)
    np.testing.assert_allclose(bwd_fast(dout, fast_cache),
                               bwd_naive(dout, naive_cache), **CLOSE)


@pytest.mark.parametrize("geometry", POOL_CASES)
def test_max_pool_fast_routes_ties_like_naive(geometry):
    # Values from {0, 1, 2}: most windows hold tied maxima. Both versions
    # must send the gradient to the first maximum in row-major order.
    N, C, H, W, PH, PW, S = geometry
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=(N, C, H, W)).astype(np.float64)
    pp = {"pool_height": PH, "pool_width": PW, "stride": S}
    naive, naive_cache = max_pool_forward_naive(x, pp)
    fast, fast_cache = max_pool_forward_fast(x, pp)
    np.testing.assert_array_equal(fast, naive)
    dout = rng.standard_normal(naive.shape)
    np.testing.assert_allclose(max_pool_backward_fast(dout, fast_cache),
                               max_pool_backward_naive(dout, naive_cache),
                               **CLOSE)


def test_max_pool_fast_ties_go_to_the_first_in_row_major_order():
    x = np.full((1, 1, 2, 2), 5.0)
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    _, cache = max_pool_forward_fast(x, pp)
    dx = max_pool_backward_fast(np.array([[[[3.0]]]]), cache)
    np.testing.assert_array_equal(dx, [[[[3.0, 0.0], [0.0, 0.0]]]])


# ------------------------------------------------- hand-worked examples

def test_conv_forward_fast_d2l_example():
    x = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0],
                  [6.0, 7.0, 8.0]]).reshape(1, 1, 3, 3)
    w = np.array([[0.0, 1.0], [2.0, 3.0]]).reshape(1, 1, 2, 2)
    out, _ = conv_forward_fast(x, w, np.zeros(1), {"stride": 1, "pad": 0})
    np.testing.assert_array_equal(out, [[[[19.0, 25.0], [37.0, 43.0]]]])


def test_conv_forward_fast_seed_example():
    raw = [3, 0, 4, 2, 6, 5, 4, 3, 3, 0, 2, 3, 1, 0, 3, 1,
           1, 2, 0, 1, 3, 0, 2, 4, 1, 0, 3, 2, 4, 3, 0, 1,
           4, 2, 0, 1, 1, 2, 0, 4, 3, 0, 4, 2, 6, 2, 4, 5]
    x = np.array(raw, dtype=np.float64).reshape(1, 3, 4, 4)
    w = np.array([1.0] * 12 + [2.0] * 12).reshape(2, 3, 2, 2)
    out, _ = conv_forward_fast(x, w, np.zeros(2), {"stride": 1, "pad": 0})
    # Row sums of the walk-through's 9x12 im2col matrix, worked by hand.
    ones = [[29.0, 21.0, 25.0], [24.0, 22.0, 33.0], [23.0, 21.0, 30.0]]
    twos = [[58.0, 42.0, 50.0], [48.0, 44.0, 66.0], [46.0, 42.0, 60.0]]
    np.testing.assert_array_equal(out, [[ones, twos]])


def test_pool_fast_hand_worked():
    x = np.array([[1.0, 3.0, 2.0, 4.0], [5.0, 6.0, 1.0, 0.0],
                  [7.0, 2.0, 9.0, 8.0], [0.0, 1.0, 3.0, 4.0]])
    x = x.reshape(1, 1, 4, 4)
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    mx, mcache = max_pool_forward_fast(x, pp)
    av, acache = avg_pool_forward_fast(x, pp)
    np.testing.assert_array_equal(mx, [[[[6.0, 4.0], [7.0, 9.0]]]])
    np.testing.assert_array_equal(av, [[[[3.75, 1.75], [2.5, 6.0]]]])
    dmx = max_pool_backward_fast(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]),
                                 mcache)
    np.testing.assert_array_equal(
        dmx, [[[[0, 0, 0, 2], [0, 1, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]]])
    dav = avg_pool_backward_fast(np.array([[[[4.0, 8.0], [12.0, 16.0]]]]),
                                 acache)
    np.testing.assert_array_equal(
        dav, [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]])


def test_max_pool_fast_overlapping_windows_add_up():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 9.0, 5.0],
                  [6.0, 7.0, 8.0]]).reshape(1, 1, 3, 3)
    pp = {"pool_height": 2, "pool_width": 2, "stride": 1}
    _, cache = max_pool_forward_fast(x, pp)
    dx = max_pool_backward_fast(np.ones((1, 1, 2, 2)), cache)
    np.testing.assert_array_equal(dx, [[[[0, 0, 0], [0, 4, 0], [0, 0, 0]]]])


# ---------------------------------------------------- numerical gradient

@pytest.mark.parametrize(
    "geometry",
    [conv_case(2, 3, 5, 5, 2, 3, 3, 1, 1),
     conv_case(1, 2, 7, 5, 3, 3, 1, 2, 0),
     conv_case(2, 1, 4, 4, 2, 2, 2, 2, 1)])
def test_conv_fast_numerical_gradient(rng, geometry):
    x, w, b, cp = conv_inputs(rng, geometry)
    out, cache = conv_forward_fast(x, w, b, cp)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv_backward_fast(dout, cache)
    num_dx = eval_numerical_gradient_array(
        lambda v: conv_forward_fast(v, w, b, cp)[0], x, dout)
    num_dw = eval_numerical_gradient_array(
        lambda v: conv_forward_fast(x, v, b, cp)[0], w, dout)
    num_db = eval_numerical_gradient_array(
        lambda v: conv_forward_fast(x, w, v, cp)[0], b, dout)
    assert rel_error(dx, num_dx) < GRAD_TOL
    assert rel_error(dw, num_dw) < GRAD_TOL
    assert rel_error(db, num_db) < GRAD_TOL


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize(
    "geometry",
    [pool_case(2, 2, 4, 6, 2, 2, 2, "tiling"),
     pool_case(1, 2, 5, 5, 3, 3, 2, "overlap"),
     pool_case(2, 1, 3, 4, 2, 3, 1, "non-square-overlap")])
def test_pool_fast_numerical_gradient(separated, rng, kind, geometry):
    _, _, fwd, bwd = POOL_PAIRS[kind]
    x, pp = pool_inputs(geometry, separated)  # no ties within h
    out, cache = fwd(x, pp)
    dout = rng.standard_normal(out.shape)
    dx = bwd(dout, cache)
    num = eval_numerical_gradient_array(lambda v: fwd(v, pp)[0], x, dout)
    assert rel_error(dx, num) < GRAD_TOL


# ------------------------------------------------------ dtype, mutation

@pytest.mark.parametrize("impl", ["naive", "fast"])
def test_conv_float32_in_float32_out(rng, impl):
    fwd, bwd = {"naive": (conv_forward_naive, conv_backward_naive),
                "fast": (conv_forward_fast, conv_backward_fast)}[impl]
    x, w, b, cp = conv_inputs(rng, (2, 3, 5, 5, 4, 3, 3, 2, 1), np.float32)
    out, cache = fwd(x, w, b, cp)
    assert out.dtype == np.float32
    grads = bwd(np.ones_like(out), cache)
    assert [g.dtype for g in grads] == [np.float32] * 3


@pytest.mark.parametrize("impl", ["naive", "fast"])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_float32_in_float32_out(separated, kind, impl):
    fwd_naive, bwd_naive, fwd_fast, bwd_fast = POOL_PAIRS[kind]
    fwd, bwd = (fwd_naive, bwd_naive) if impl == "naive" else (fwd_fast,
                                                               bwd_fast)
    x, pp = pool_inputs((2, 2, 7, 7, 3, 3, 2), separated, np.float32)
    out, cache = fwd(x, pp)
    assert out.dtype == np.float32
    assert bwd(np.ones_like(out), cache).dtype == np.float32


def test_fast_float32_matches_float64(rng):
    x, w, b, cp = conv_inputs(rng, (2, 3, 6, 6, 4, 3, 3, 1, 1))
    out64, _ = conv_forward_fast(x, w, b, cp)
    out32, _ = conv_forward_fast(*(a.astype(np.float32) for a in (x, w, b)),
                                 cp)
    np.testing.assert_allclose(out32, out64, rtol=1e-4, atol=1e-5)


def test_fast_layers_do_not_mutate_their_inputs(rng, separated, unchanged):
    x, w, b, cp = conv_inputs(rng, (2, 3, 5, 5, 2, 3, 3, 2, 1))
    with unchanged(x, w, b, cp):
        out, cache = conv_forward_fast(x, w, b, cp)
    dout = rng.standard_normal(out.shape)
    with unchanged(dout, cache):
        conv_backward_fast(dout, cache)
    for kind in POOL_PAIRS:
        _, _, fwd, bwd = POOL_PAIRS[kind]
        x, pp = pool_inputs((2, 2, 5, 5, 3, 3, 2), separated)
        with unchanged(x, pp):
            out, cache = fwd(x, pp)
        dout = rng.standard_normal(out.shape)
        with unchanged(dout, cache):
            bwd(dout, cache)


# ------------------------------------------- no Python loop over N, C, H, W

PACKAGE_DIR = str(Path(cs231n_layers.__file__).parent)


def count_package_lines(func):
    """Number of line events ``func()`` executes inside the package."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(PACKAGE_DIR):
            return None
        if event == "line":
            count += 1
        return tracer

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        func()
    finally:
        sys.settrace(old)
    return count


def conv_round_trip(forward, backward, N, C, H, W):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((3, C, 3, 3))
    cp = {"stride": 1, "pad": 1}
    out, cache = forward(x, w, np.zeros(3), cp)
    backward(np.ones_like(out), cache)


def pool_round_trip(forward, backward, N, C, H, W):
    x = np.random.default_rng(5).standard_normal((N, C, H, W))
    out, cache = forward(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
    backward(np.ones_like(out), cache)


def test_line_counter_sees_the_naive_loops():
    # The counter must tell the loops apart, or the test below proves nothing.
    small = count_package_lines(lambda: conv_round_trip(
        conv_forward_naive, conv_backward_naive, 1, 1, 4, 4))
    large = count_package_lines(lambda: conv_round_trip(
        conv_forward_naive, conv_backward_naive, 2, 1, 4, 4))
    assert large > small


@pytest.mark.parametrize(
    "round_trip, forward, backward",
    [(conv_round_trip, conv_forward_fast, conv_backward_fast),
     (pool_round_trip, max_pool_forward_fast, max_pool_backward_fast),
     (pool_round_trip, avg_pool_forward_fast, avg_pool_backward_fast)],
    ids=["conv", "max_pool", "avg_pool"])
def test_fast_layers_run_the_same_lines_for_any_N_C_H_W(round_trip, forward,
                                                       backward):
    base = count_package_lines(lambda: round_trip(forward, backward,
                                                  1, 1, 4, 4))
    for N, C, H, W in ((64, 1, 4, 4), (1, 8, 4, 4), (1, 1, 16, 12)):
        lines = count_package_lines(lambda: round_trip(forward, backward,
                                                       N, C, H, W))
        assert lines == base, (N, C, H, W)


# ------------------------------------------------- the options for training

def _train_conv(rng, dtype=np.float32):
    x = rng.standard_normal((4, 2, 9, 9)).astype(dtype)
    w = rng.standard_normal((3, 2, 3, 3)).astype(dtype)
    b = rng.standard_normal(3).astype(dtype)
    return x, w, b, {"stride": 1, "pad": 1}


def test_conv_workspace_gives_the_same_results_and_reuses_memory(rng):
    x, w, b, cp = _train_conv(rng)
    ws = {}
    out1, cache1 = conv_forward_fast(x, w, b, cp, workspace=ws)
    np.testing.assert_array_equal(out1, conv_forward_fast(x, w, b, cp)[0])
    out2, cache2 = conv_forward_fast(2 * x, w, b, cp, workspace=ws)
    assert np.shares_memory(out1, out2)
    assert cache1.cols is cache2.cols
    np.testing.assert_array_equal(out2,
                                  conv_forward_fast(2 * x, w, b, cp)[0])


def test_conv_workspace_follows_a_change_of_shape(rng):
    x, w, b, cp = _train_conv(rng)
    ws = {}
    conv_forward_fast(x, w, b, cp, workspace=ws)
    out, _ = conv_forward_fast(x[:2], w, b, cp, workspace=ws)
    np.testing.assert_array_equal(out, conv_forward_fast(x[:2], w, b, cp)[0])


def test_conv_workspace_must_be_a_dict(rng):
    x, w, b, cp = _train_conv(rng)
    with pytest.raises(TypeError, match="conv_forward_fast: workspace"):
        conv_forward_fast(x, w, b, cp, workspace=[])


def test_need_dx_false_skips_dx_and_keeps_dw_db(rng):
    x, w, b, cp = _train_conv(rng, np.float64)
    out, cache = conv_forward_fast(x, w, b, cp)
    dout = rng.standard_normal(out.shape)
    _, dw, db = conv_backward_fast(dout, cache)
    no_dx, dw2, db2 = conv_backward_fast(dout, cache, need_dx=False)
    assert no_dx is None
    np.testing.assert_array_equal(dw, dw2)
    np.testing.assert_array_equal(db, db2)
    with pytest.raises(TypeError, match="need_dx"):
        conv_backward_fast(dout, cache, need_dx="no")


@pytest.mark.parametrize("layout", ["c", "like_out"])
def test_conv_backward_accepts_dout_in_any_memory_order(rng, layout):
    x, w, b, cp = _train_conv(rng, np.float64)
    out, cache = conv_forward_fast(x, w, b, cp)
    dout = rng.standard_normal(out.shape)
    if layout == "like_out":
        like_out = np.empty_like(out)  # memory order (F, N, OH, OW)
        like_out[...] = dout
        dout = like_out
        assert not dout.flags.c_contiguous
    naive = conv_backward_naive(dout, cs231n_layers.ConvNaiveCache(x, w, b,
                                                                  cp))
    for fast, ref in zip(conv_backward_fast(dout, cache), naive):
        np.testing.assert_allclose(fast, ref, **CLOSE)


def test_max_pool_backward_out_is_filled_and_returned(rng):
    x = rng.standard_normal((2, 3, 8, 8))
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = max_pool_forward_fast(x, pp)
    dout = rng.standard_normal(out.shape)
    buf = np.full_like(x, 7.0)
    dx = max_pool_backward_fast(dout, cache, out=buf)
    assert dx is buf
    np.testing.assert_array_equal(dx, max_pool_backward_fast(dout, cache))


def test_max_pool_backward_out_may_be_x_but_not_dout(rng):
    x = rng.standard_normal((2, 3, 8, 8))
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = max_pool_forward_fast(x, pp)
    dout = rng.standard_normal(out.shape)
    expected = max_pool_backward_fast(dout, cache)
    np.testing.assert_array_equal(
        max_pool_backward_fast(dout, cache, out=x), expected)
    for bad, error in [(np.empty((2, 3, 8, 7)), ValueError),
                       (np.empty((2, 3, 8, 8), np.float32), ValueError),
                       ([0.0], TypeError)]:
        with pytest.raises(error, match="max_pool_backward_fast: out"):
            max_pool_backward_fast(dout, cache, out=bad)


@pytest.mark.parametrize("module", ["fast_layers", "im2col"])
def test_no_private_name_is_imported_from_another_module(module):
    import ast
    path = Path(cs231n_layers.__file__).parent / f"{module}.py"
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            assert not any(alias.name.startswith("_")
                           for alias in node.names), ast.unparse(node)
