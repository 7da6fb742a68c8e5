"""rel_error and the two numerical-gradient helpers, on functions with known
gradients."""
import numpy as np
import pytest

from cs231n_layers import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    rel_error,
)

# ------------------------------------------------------------- rel_error

@pytest.mark.parametrize(
    "x, y, expected",
    [([1.0, 2.0], [1.0, 2.0], 0.0),
     ([3.0, 4.0], [0.0, 0.0], 1.0),         # |x - y| = 5, |x| + |y| = 5
     ([1.0], [1.5], 0.2),                   # 0.5 / 2.5
     ([0.0, 0.0], [0.0, 0.0], 0.0)],        # the floor keeps it finite
    ids=["equal", "one-zero", "scalar-like", "both-zero"])
def test_rel_error_hand_worked(x, y, expected):
    assert rel_error(np.array(x), np.array(y)) == pytest.approx(expected)


def test_rel_error_is_a_float_and_symmetric(rng):
    x, y = rng.standard_normal((2, 3, 4))
    assert type(rel_error(x, y)) is float
    assert rel_error(x, y) == rel_error(y, x)


# ------------------------------------------------- eval_numerical_gradient

def test_numerical_gradient_of_sum_of_squares(rng):
    x = rng.standard_normal((3, 4))
    grad = eval_numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert isinstance(grad, np.ndarray) and grad.shape == x.shape
    assert rel_error(grad, 2 * x) < 1e-9


def test_numerical_gradient_of_a_smooth_function(rng):
    x = rng.standard_normal(5)
    grad = eval_numerical_gradient(lambda v: np.sum(np.sin(v) * v), x)
    assert rel_error(grad, np.cos(x) * x + np.sin(x)) < 1e-8


def test_numerical_gradient_uses_centred_differences_with_step_h():
    # For x**3, ((x + h)**3 - (x - h)**3) / 2h = 3 x**2 + h**2 exactly;
    # a one-sided difference would give 3 x**2 + 3 x h + h**2.
    x = np.array([1.0, 2.0])
    grad = eval_numerical_gradient(lambda v: np.sum(v ** 3), x, h=0.1)
    np.testing.assert_allclose(grad, 3 * x ** 2 + 0.01, rtol=1e-10)


def test_numerical_gradient_is_silent_unless_verbose(capsys):
    x = np.array([1.0, 2.0])
    grad = eval_numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert grad is not None
    assert capsys.readouterr().out == ""
    eval_numerical_gradient(lambda v: np.sum(v ** 2), x, verbose=True)
    assert len(capsys.readouterr().out.strip().splitlines()) == 2


def test_numerical_gradient_rejects_an_array_valued_f():
    with pytest.raises(ValueError, match="f must return a scalar"):
        eval_numerical_gradient(lambda v: v * 2, np.ones(3))


# ------------------------------------------- eval_numerical_gradient_array

def test_numerical_gradient_array_of_squares(rng):
    x = rng.standard_normal((2, 3))
    df = rng.standard_normal((2, 3))
    grad = eval_numerical_gradient_array(lambda v: v ** 2, x, df)
    assert isinstance(grad, np.ndarray) and grad.shape == x.shape
    assert rel_error(grad, 2 * x * df) < 1e-9


def test_numerical_gradient_array_of_a_linear_map(rng):
    A = rng.standard_normal((4, 3))
    x = rng.standard_normal(3)
    df = rng.standard_normal(4)
    grad = eval_numerical_gradient_array(lambda v: A @ v, x, df)
    assert rel_error(grad, A.T @ df) < 1e-9


@pytest.mark.parametrize(
    "f, expected",
    [(lambda v: v, lambda df: df),
     (lambda v: v.reshape(-1)[::-1], lambda df: df[::-1].reshape(2, 3)),
     (lambda v: v.T, lambda df: df.T)],
    ids=["identity", "reversed-view", "transpose-view"])
def test_numerical_gradient_array_when_f_returns_a_view_of_x(rng, f,
                                                             expected):
    # f(x) may share memory with x; restoring x must not corrupt f(x + h)
    # or f(x - h) before they are used.
    x = rng.standard_normal((2, 3))
    df = rng.standard_normal(f(x).shape)
    grad = eval_numerical_gradient_array(f, x, df)
    np.testing.assert_allclose(grad, expected(df), rtol=1e-9)


def test_numerical_gradient_array_rejects_df_of_the_wrong_shape():
    # A df of shape (1,) would broadcast silently and give a wrong gradient.
    with pytest.raises(ValueError, match="df must have the shape of f"):
        eval_numerical_gradient_array(lambda v: 2 * v, np.ones(3), np.ones(1))


# ------------------------------------------------------ restoring x

@pytest.mark.parametrize("which", ["scalar", "array"])
def test_x_is_restored_bit_for_bit(rng, which):
    # Values such as 0.1 do not survive x + h - h in floating point; the
    # helpers must put the original back, not undo the step arithmetically.
    x = rng.standard_normal((3, 3)) + np.array([0.1, 1e8, 1e-12])
    before = x.copy()
    if which == "scalar":
        eval_numerical_gradient(lambda v: np.sum(v ** 2), x)
    else:
        eval_numerical_gradient_array(lambda v: v ** 2, x, np.ones((3, 3)))
    np.testing.assert_array_equal(x, before)


def test_undoing_the_step_arithmetically_would_not_restore_x():
    # Guards the test above: here x + h - h really differs from x.
    x = np.array([0.1, 1e8, 1e-12])
    assert not np.array_equal(x + 1e-5 - 1e-5, x)


class Boom(Exception):
    pass


@pytest.mark.parametrize("fail_on_call", [1, 2, 5], ids=["plus", "minus",
                                                         "later-index"])
@pytest.mark.parametrize("which", ["scalar", "array"])
def test_x_is_restored_even_when_f_raises(rng, fail_on_call, which):
    x = rng.standard_normal((2, 2)) + 0.1
    before = x.copy()
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == fail_on_call:
            raise Boom
        return np.sum(v ** 2) if which == "scalar" else v ** 2

    with pytest.raises(Boom):
        if which == "scalar":
            eval_numerical_gradient(f, x)
        else:
            eval_numerical_gradient_array(f, x, np.ones((2, 2)))
    np.testing.assert_array_equal(x, before)


def test_helpers_see_the_perturbed_x_in_place():
    # The helpers perturb the very array they were given (documented), so a
    # closure over x sees the step: d/dx of sum(x) through the closure is 1.
    x = np.zeros(3)
    grad = eval_numerical_gradient(lambda _: float(np.sum(x)), x)
    np.testing.assert_allclose(grad, np.ones(3))


def test_helpers_reject_integer_x():
    with pytest.raises(TypeError, match="x must have a floating-point dtype"):
        eval_numerical_gradient(lambda v: float(v.sum()), np.arange(3))
    with pytest.raises(TypeError, match="x must have a floating-point dtype"):
        eval_numerical_gradient_array(lambda v: v, np.arange(3), np.ones(3))
