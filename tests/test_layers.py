"""affine, relu and softmax_loss: hand-worked values, gradients, dtypes."""
import math

import numpy as np
import pytest

from cs231n_layers import (
    affine_backward,
    affine_forward,
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    rel_error,
    relu_backward,
    relu_forward,
    softmax_loss,
)

GRAD_TOL = 1e-7


# ---------------------------------------------------------------- affine

def test_affine_forward_hand_worked():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.array([0.5, -1.0, 2.0])
    out, _ = affine_forward(x, w, b)
    np.testing.assert_array_equal(out, [[5.5, 1.0, 1.0], [11.5, 3.0, -1.0]])


def test_affine_forward_flattens_each_example_row_major():
    # (2, 2, 2) flattens to (2, 4): example 0 is [1, 2, 3, 4].
    x = np.arange(1.0, 9.0).reshape(2, 2, 2)
    w = np.array([[1.0], [10.0], [100.0], [1000.0]])
    out, _ = affine_forward(x, w, np.zeros(1))
    np.testing.assert_array_equal(out, [[4321.0], [8765.0]])


def test_affine_backward_hand_worked():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.array([0.5, -1.0, 2.0])
    _, cache = affine_forward(x, w, b)
    dout = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    dx, dw, db = affine_backward(dout, cache)
    np.testing.assert_array_equal(dx, [[1.0, 2.0], [-1.0, 1.0]])
    np.testing.assert_array_equal(dw, [[1.0, 3.0, 3.0], [2.0, 4.0, 4.0]])
    np.testing.assert_array_equal(db, [1.0, 1.0, 1.0])


def test_affine_backward_keeps_the_input_shape(rng):
    x = rng.standard_normal((3, 2, 5))
    w = rng.standard_normal((10, 4))
    _, cache = affine_forward(x, w, np.zeros(4))
    dx, dw, db = affine_backward(rng.standard_normal((3, 4)), cache)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == (4,)


def test_affine_numerical_gradient(rng):
    x = rng.standard_normal((4, 3, 2))
    w = rng.standard_normal((6, 5))
    b = rng.standard_normal(5)
    dout = rng.standard_normal((4, 5))
    _, cache = affine_forward(x, w, b)
    dx, dw, db = affine_backward(dout, cache)
    num_dx = eval_numerical_gradient_array(
        lambda v: affine_forward(v, w, b)[0], x, dout)
    num_dw = eval_numerical_gradient_array(
        lambda v: affine_forward(x, v, b)[0], w, dout)
    num_db = eval_numerical_gradient_array(
        lambda v: affine_forward(x, w, v)[0], b, dout)
    assert rel_error(dx, num_dx) < GRAD_TOL
    assert rel_error(dw, num_dw) < GRAD_TOL
    assert rel_error(db, num_db) < GRAD_TOL


# ------------------------------------------------------------------ relu

def test_relu_forward_hand_worked():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    out, _ = relu_forward(x)
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0, 0.5, 3.0])


def test_relu_backward_hand_worked_and_zero_at_the_kink():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    _, cache = relu_forward(x)
    dx = relu_backward(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), cache)
    np.testing.assert_array_equal(dx, [0.0, 0.0, 0.0, 4.0, 5.0])


def test_relu_numerical_gradient(separated, rng):
    x = separated((3, 4, 5))  # every |x| >= 0.5: no kink within h
    dout = rng.standard_normal(x.shape)
    _, cache = relu_forward(x)
    dx = relu_backward(dout, cache)
    num_dx = eval_numerical_gradient_array(
        lambda v: relu_forward(v)[0], x, dout)
    assert rel_error(dx, num_dx) < GRAD_TOL


# --------------------------------------------------------------- softmax

def test_softmax_uniform_scores_give_log_num_classes():
    scores = np.zeros((3, 4))
    y = np.array([0, 3, 1])
    loss, dscores = softmax_loss(scores, y)
    assert loss == pytest.approx(math.log(4), rel=1e-12)
    onehot = np.zeros((3, 4))
    onehot[[0, 1, 2], [0, 3, 1]] = 1.0
    np.testing.assert_allclose(dscores, (0.25 - onehot) / 3, rtol=1e-12)


def test_softmax_two_class_hand_worked():
    # Scores (0, ln 3) give probabilities (1/4, 3/4).
    scores = np.array([[0.0, math.log(3.0)], [0.0, math.log(3.0)]])
    y = np.array([1, 0])
    loss, dscores = softmax_loss(scores, y)
    expected = (-math.log(0.75) - math.log(0.25)) / 2
    assert loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(
        dscores, [[0.125, -0.125], [-0.375, 0.375]], rtol=1e-12)


def test_softmax_large_scores_do_not_overflow():
    # exp(1000) overflows; the loss must shift by the row maximum first
    # (RuntimeWarnings from the package are errors in this suite).
    scores = np.array([[1000.0, 1000.0 + math.log(3.0)]])
    loss, dscores = softmax_loss(scores, np.array([1]))
    assert loss == pytest.approx(-math.log(0.75), rel=1e-9)
    assert np.all(np.isfinite(dscores))


def test_softmax_returns_a_python_float():
    loss, _ = softmax_loss(np.zeros((2, 3)), np.array([0, 1]))
    assert type(loss) is float


def test_softmax_numerical_gradient(rng):
    scores = rng.standard_normal((5, 4))
    y = rng.integers(0, 4, size=5)
    _, dscores = softmax_loss(scores, y)
    num = eval_numerical_gradient(lambda s: softmax_loss(s, y)[0], scores)
    assert rel_error(dscores, num) < GRAD_TOL


# ------------------------------------------------------ dtype, mutation

def test_float32_in_float32_out(rng):
    x = rng.standard_normal((2, 3)).astype(np.float32)
    w = rng.standard_normal((3, 4)).astype(np.float32)
    b = np.zeros(4, np.float32)
    out, cache = affine_forward(x, w, b)
    assert out.dtype == np.float32
    grads = affine_backward(np.ones((2, 4), np.float32), cache)
    assert [g.dtype for g in grads] == [np.float32] * 3
    r, rcache = relu_forward(x)
    assert r.dtype == np.float32
    assert relu_backward(np.ones_like(x), rcache).dtype == np.float32
    _, ds = softmax_loss(out, np.array([0, 3]))
    assert ds.dtype == np.float32


def test_no_layer_here_mutates_its_inputs(rng, unchanged):
    x = rng.standard_normal((2, 3, 2))
    w = rng.standard_normal((6, 4))
    b = rng.standard_normal(4)
    dout = rng.standard_normal((2, 4))
    with unchanged(x, w, b):
        out, cache = affine_forward(x, w, b)
    with unchanged(dout, cache):
        affine_backward(dout, cache)
    with unchanged(x):
        _, rcache = relu_forward(x)
    d = rng.standard_normal(x.shape)
    with unchanged(d, rcache):
        relu_backward(d, rcache)
    y = np.array([1, 3])
    with unchanged(out, y):
        softmax_loss(out, y)
