"""The three sandwich layers: composition, gradients, dtype, no mutation."""
import numpy as np
import pytest

from cs231n_layers import (
    affine_forward,
    affine_relu_backward,
    affine_relu_forward,
    conv_forward_fast,
    conv_forward_naive,
    conv_relu_backward,
    conv_relu_forward,
    conv_relu_pool_backward,
    conv_relu_pool_forward,
    eval_numerical_gradient_array,
    max_pool_forward_naive,
    rel_error,
)

GRAD_TOL = 1e-7
# A step of h = 1e-5 moves a pre-activation by well under 1e-3 for these
# inputs, so a margin of 1e-3 keeps every numerical gradient off the kinks.
MARGIN = 1e-3
CP = {"stride": 1, "pad": 1}
PP = {"pool_height": 2, "pool_width": 2, "stride": 2}


def assert_off_relu_kinks(pre_activation):
    smallest = np.min(np.abs(pre_activation))
    assert smallest > MARGIN, f"precondition: |a| = {smallest:.1e} at a kink"


def assert_no_pooling_near_ties(relu_out):
    """Every 2x2 window with a positive maximum has a clear winner."""
    N, C, H, W = relu_out.shape
    windows = relu_out.reshape(N, C, H // 2, 2, W // 2, 2)
    windows = windows.transpose(0, 1, 2, 4, 3, 5).reshape(-1, 4)
    top_two = np.sort(windows, axis=1)[:, -2:]
    live = top_two[:, 1] > 0
    gap = np.min(top_two[live, 1] - top_two[live, 0])
    assert gap > MARGIN, f"precondition: pooling near-tie, gap {gap:.1e}"


def conv_inputs(rng):
    x = rng.standard_normal((2, 3, 4, 4))
    w = rng.standard_normal((3, 3, 3, 3))
    b = rng.standard_normal(3)
    return x, w, b


# ------------------------------------------------------------ composition

def test_affine_relu_forward_is_relu_of_affine(rng):
    x = rng.standard_normal((4, 2, 3))
    w = rng.standard_normal((6, 5))
    b = rng.standard_normal(5)
    out, _ = affine_relu_forward(x, w, b)
    a = x.reshape(4, 6) @ w + b
    np.testing.assert_allclose(out, np.where(a > 0, a, 0.0), rtol=1e-12)


def test_conv_relu_pool_forward_matches_the_naive_chain(rng):
    x, w, b = conv_inputs(rng)
    out, _ = conv_relu_pool_forward(x, w, b, CP, PP)
    a, _ = conv_forward_naive(x, w, b, CP)
    expected, _ = max_pool_forward_naive(np.maximum(a, 0), PP)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    out2, _ = conv_relu_forward(x, w, b, CP)
    np.testing.assert_allclose(out2, np.maximum(a, 0), rtol=1e-10,
                               atol=1e-12)


# ---------------------------------------------------- numerical gradients

def test_affine_relu_numerical_gradient(rng):
    x = rng.standard_normal((4, 2, 3))
    w = rng.standard_normal((6, 5))
    b = rng.standard_normal(5)
    assert_off_relu_kinks(affine_forward(x, w, b)[0])
    out, cache = affine_relu_forward(x, w, b)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = affine_relu_backward(dout, cache)
    for analytic, arg in ((dx, 0), (dw, 1), (db, 2)):
        def f(v, arg=arg):
            args = [x, w, b]
            args[arg] = v
            return affine_relu_forward(*args)[0]
        numeric = eval_numerical_gradient_array(f, [x, w, b][arg], dout)
        assert rel_error(analytic, numeric) < GRAD_TOL, arg


@pytest.mark.parametrize("sandwich", ["conv_relu", "conv_relu_pool"])
def test_conv_sandwich_numerical_gradient(rng, sandwich):
    x, w, b = conv_inputs(rng)
    a, _ = conv_forward_fast(x, w, b, CP)
    assert_off_relu_kinks(a)
    if sandwich == "conv_relu":
        forward = lambda *args: conv_relu_forward(*args, CP)  # noqa: E731
        backward = conv_relu_backward
    else:
        assert_no_pooling_near_ties(np.maximum(a, 0))
        forward = lambda *args: conv_relu_pool_forward(  # noqa: E731
            *args, CP, PP)
        backward = conv_relu_pool_backward
    out, cache = forward(x, w, b)
    dout = rng.standard_normal(out.shape)
    grads = backward(dout, cache)
    for arg, analytic in enumerate(grads):
        def f(v, arg=arg):
            args = [x, w, b]
            args[arg] = v
            return forward(*args)[0]
        numeric = eval_numerical_gradient_array(f, [x, w, b][arg], dout)
        assert rel_error(analytic, numeric) < GRAD_TOL, arg


# ------------------------------------------------------ dtype, mutation

def test_sandwiches_keep_float32(rng):
    x, w, b = (a.astype(np.float32) for a in conv_inputs(rng))
    for forward, backward, extra in (
            (conv_relu_forward, conv_relu_backward, (CP,)),
            (conv_relu_pool_forward, conv_relu_pool_backward, (CP, PP))):
        out, cache = forward(x, w, b, *extra)
        assert out.dtype == np.float32
        grads = backward(np.ones_like(out), cache)
        assert [g.dtype for g in grads] == [np.float32] * 3
    xa = x.reshape(2, -1)
    wa = np.ones((xa.shape[1], 3), np.float32)
    out, cache = affine_relu_forward(xa, wa, np.zeros(3, np.float32))
    assert out.dtype == np.float32
    grads = affine_relu_backward(np.ones_like(out), cache)
    assert [g.dtype for g in grads] == [np.float32] * 3


def test_sandwiches_do_not_mutate_their_inputs(rng, unchanged):
    x, w, b = conv_inputs(rng)
    for forward, backward, extra in (
            (conv_relu_forward, conv_relu_backward, (dict(CP),)),
            (conv_relu_pool_forward, conv_relu_pool_backward,
             (dict(CP), dict(PP)))):
        with unchanged(x, w, b, *extra):
            out, cache = forward(x, w, b, *extra)
        dout = rng.standard_normal(out.shape)
        with unchanged(dout, cache):
            backward(dout, cache)
    xa, wa, ba = x.reshape(2, -1), rng.standard_normal((48, 5)), b[:2]
    wa = wa[:, :2]
    with unchanged(xa, wa, ba):
        out, cache = affine_relu_forward(xa, wa, ba)
    dout = rng.standard_normal(out.shape)
    with unchanged(dout, cache):
        affine_relu_backward(dout, cache)
