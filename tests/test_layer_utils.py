"""The three sandwich layers: composition, gradients, dtype, no mutation."""
import ast

import numpy as np
import pytest

import cs231n_layers as cl
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


def test_conv_relu_pool_pools_first_with_the_textbook_result(rng):
    x = rng.standard_normal((3, 2, 8, 8))
    w = rng.standard_normal((4, 2, 3, 3))
    b = rng.standard_normal(4)
    cp = {"stride": 1, "pad": 1}
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = cl.conv_relu_pool_forward(x, w, b, cp, pp)
    a, _ = cl.conv_forward_fast(x, w, b, cp)
    textbook, _ = cl.max_pool_forward_fast(np.maximum(a, 0), pp)
    np.testing.assert_array_equal(out, textbook)
    # The ReLU's cache holds the pooled values: it ran after the pool.
    assert cache.relu_cache[0].shape == out.shape


def test_conv_relu_pool_workspace_and_need_dx(rng):
    x = rng.standard_normal((2, 1, 6, 6)).astype(np.float32)
    w = rng.standard_normal((3, 1, 3, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    cp = {"stride": 1, "pad": 1}
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = cl.conv_relu_pool_forward(x, w, b, cp, pp)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    dx, dw, db = cl.conv_relu_pool_backward(dout, cache)
    workspace = {}
    for _ in range(2):  # the second call reuses the workspace's arrays
        out_ws, cache_ws = cl.conv_relu_pool_forward(x, w, b, cp, pp,
                                                     workspace=workspace)
        np.testing.assert_array_equal(out_ws, out)
        no_dx, dw_ws, db_ws = cl.conv_relu_pool_backward(
            dout, cache_ws, need_dx=False)
        assert no_dx is None
        np.testing.assert_array_equal(dw_ws, dw)
        np.testing.assert_array_equal(db_ws, db)
    assert workspace
    assert dx.shape == x.shape and dx.dtype == np.float32


def test_model_keeps_one_workspace_and_uses_only_public_names():
    import cs231n_layers.classifiers.cnn as cnn
    import cs231n_layers.layer_utils as lu

    model = cl.ThreeLayerConvNet(input_dim=(1, 8, 8), num_filters=2,
                                 filter_size=3, hidden_dim=5, seed=0)
    X = np.random.default_rng(1).standard_normal((4, 1, 8, 8))
    model.loss(X, np.arange(4))
    assert model.workspace
    for module in (cnn, lu):
        with open(module.__file__) as file:
            tree = ast.parse(file.read())
        private = [alias.name for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom)
                   and node.module != "cs231n_layers._validation"
                   for alias in node.names if alias.name.startswith("_")]
        assert not private, (module.__name__, private)
