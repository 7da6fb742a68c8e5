"""The checkers of notebook 01_cross_correlation pass, and fail as they should.

Each checker is tried three ways: with the package's reference (or, for the
notebook-only ``learn_kernel``, a reference written here) it passes with one
line; with an unfinished stub it raises ExerciseError "not implemented yet";
with a subtly wrong answer it raises ExerciseError naming what is wrong.
"""
import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import hidden_kwargs, run_kwargs
from cs231n_layers.checks import (
    ExerciseError,
    check_conv_output_size,
    check_corr2d,
    check_learn_kernel,
)


def stub(*args, **kwargs):
    raise NotImplementedError()


def learn_kernel_reference(X, Y, kernel_shape, learning_rate=0.5,
                           num_steps=100, rng=None):
    rng = np.random.default_rng(0) if rng is None else rng
    K = 0.1 * rng.standard_normal(kernel_shape)
    losses = []
    for _ in range(num_steps):
        R = cl.corr2d(X, K) - Y
        losses.append(0.5 * float(np.mean(R ** 2)))
        K = K - learning_rate * cl.corr2d(X, R) / R.size
    return K, losses


# ----------------------------------------------------------- the reference

@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("checker, fn", [
    (check_corr2d, cl.corr2d),
    (check_conv_output_size, cl.conv_output_size),
    (check_learn_kernel, learn_kernel_reference),
])
def test_reference_passes_with_one_line(checker, fn, hidden, capsys):
    checker(fn, **run_kwargs(checker.__name__, hidden))
    out = capsys.readouterr().out
    assert out.startswith("PASSED ") and out.count("\n") == 1


# -------------------------------------------------------- unfinished stubs

@pytest.mark.parametrize("checker, name", [
    (check_corr2d, "corr2d"),
    (check_conv_output_size, "conv_output_size"),
    (check_learn_kernel, "learn_kernel"),
])
def test_stub_is_reported_as_not_implemented(checker, name, capsys):
    with pytest.raises(ExerciseError, match=f"^{name}: not implemented yet"):
        checker(stub)
    assert capsys.readouterr().out == ""


# ------------------------------------------------------ wrong corr2d answers

def corr2d_flipped(X, K):
    """A convolution instead of a cross-correlation."""
    return cl.corr2d(X, np.flip(np.asarray(K)))


def corr2d_off_by_one(X, K):
    """Forgets the + 1 in the output size."""
    X, K = np.asarray(X), np.asarray(K)
    KH, KW = K.shape
    Y = np.zeros((X.shape[0] - KH, X.shape[1] - KW))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = np.sum(X[i:i + KH, j:j + KW] * K)
    return Y


def corr2d_integer(X, K):
    """Right numbers, but keeps the integer dtype of integer inputs."""
    Y = cl.corr2d(X, K)
    X, K = np.asarray(X), np.asarray(K)
    return Y.astype(np.result_type(X, K))


def corr2d_shifted_window(X, K):
    """The window of Y[i, j] starts one row too low on the last row."""
    Y = cl.corr2d(X, K)
    if Y.shape[0] > 1:
        Y[-1] = cl.corr2d(X, K)[-2]
    return Y


def corr2d_in_place(X, K):
    """Right answer, but scribbles on its input."""
    Y = cl.corr2d(X, K)
    X[...] = 0
    return Y


def test_corr2d_flipped_kernel_names_the_worst_element():
    with pytest.raises(ExerciseError) as info:
        check_corr2d(corr2d_flipped)
    message = str(info.value)
    assert message.startswith("corr2d: worst element Y[")
    assert "expected 19" in message and "D2L's example" in message


def test_corr2d_off_by_one_reports_the_shape():
    with pytest.raises(ExerciseError, match=r"has shape \(1, 1\), expected \(2, 2\)"):
        check_corr2d(corr2d_off_by_one)


def test_corr2d_integer_output_is_rejected():
    with pytest.raises(ExerciseError,
                       match="for integer inputs the output should be float64"):
        check_corr2d(corr2d_integer)


def test_corr2d_wrong_window_is_caught():
    with pytest.raises(ExerciseError, match=r"worst element Y\[1, "):
        check_corr2d(corr2d_shifted_window)


def test_corr2d_modifying_the_input_is_caught():
    with pytest.raises(ExerciseError, match="modified its input"):
        check_corr2d(corr2d_in_place)


def test_corr2d_float32_slip_is_caught_by_the_hidden_cases():
    """Rounds float32 results: the hidden block's float32 case sees it."""
    def corr2d_rounded_float32(X, K):
        Y = cl.corr2d(X, K)
        return Y.round(1) if Y.dtype == np.float32 else Y

    check_corr2d(corr2d_rounded_float32)
    with pytest.raises(ExerciseError, match=r"; in X \(5, 6\), K \(2, 3\), "
                                            r"float32 input$"):
        check_corr2d(corr2d_rounded_float32, **hidden_kwargs("check_corr2d"))


def test_corr2d_cases_are_float64_or_float32():
    with pytest.raises(ValueError, match="float64 or float32, not int64"):
        check_corr2d(cl.corr2d, cases=[((3, 3), (2, 2), "int64")])


# --------------------------------------------- wrong conv_output_size answers

def size_true_division(in_size, kernel_size, pad=0, stride=1):
    return cl.conv_output_size(in_size, kernel_size, pad, stride) * 1.0


def size_without_plus_one(in_size, kernel_size, pad=0, stride=1):
    return cl.conv_output_size(in_size, kernel_size, pad, stride) - 1


def size_floor(in_size, kernel_size, pad=0, stride=1):
    """PyTorch's rule: never raises for the stride."""
    padded = in_size + 2 * pad
    if kernel_size > padded:
        raise ValueError("does not fit")
    return (padded - kernel_size) // stride + 1


def size_without_fit_check(in_size, kernel_size, pad=0, stride=1):
    padded = in_size + 2 * pad
    if (padded - kernel_size) % stride:
        raise ValueError("does not tile")
    return (padded - kernel_size) // stride + 1


def size_forgets_double_pad(in_size, kernel_size, pad=0, stride=1):
    return cl.conv_output_size(in_size - pad, kernel_size, pad, stride)


def size_wrong_exception(in_size, kernel_size, pad=0, stride=1):
    padded = in_size + 2 * pad
    if kernel_size > padded or (padded - kernel_size) % stride:
        raise AssertionError("bad size")
    return (padded - kernel_size) // stride + 1


def test_conv_output_size_float_result_is_rejected():
    with pytest.raises(ExerciseError, match=r"returned 2\.0 of type float"):
        check_conv_output_size(size_true_division)


def test_conv_output_size_wrong_value_shows_the_formula():
    expected = r"returned 1, expected 2 = \(3 \+ 2\*0 - 2\) / 1 \+ 1"
    with pytest.raises(ExerciseError, match=expected):
        check_conv_output_size(size_without_plus_one)


def test_conv_output_size_floor_must_raise():
    expected = r"stride=2\) returned 2, but .* should raise ValueError"
    with pytest.raises(ExerciseError, match=expected):
        check_conv_output_size(size_floor)


def test_conv_output_size_missing_fit_check_must_raise():
    with pytest.raises(ExerciseError, match="larger than the padded input"):
        check_conv_output_size(size_without_fit_check)


def test_conv_output_size_pad_mistake_is_caught():
    with pytest.raises(ExerciseError, match="expected 5"):
        check_conv_output_size(size_forgets_double_pad)


def test_conv_output_size_wrong_exception_type_is_reported():
    expected = "should raise ValueError, but raised AssertionError"
    with pytest.raises(ExerciseError, match=expected):
        check_conv_output_size(size_wrong_exception)


def test_conv_output_size_hidden_cases_catch_more():
    """A fit check on the unpadded size passes the visible rows only."""
    def unpadded_fit(in_size, kernel_size, pad=0, stride=1):
        if kernel_size > in_size:
            raise ValueError("does not fit")
        return cl.conv_output_size(in_size, kernel_size, pad, stride)

    check_conv_output_size(unpadded_fit)
    expected = (r"in_size=3, kernel_size=5, pad=1, stride=1\) raised "
                r"ValueError: does not fit; expected 1")
    with pytest.raises(ExerciseError, match=expected):
        check_conv_output_size(unpadded_fit,
                               **hidden_kwargs("check_conv_output_size"))


# ------------------------------------------------- wrong learn_kernel answers

def learn_wrong_sign(X, Y, kernel_shape, learning_rate=0.5, num_steps=100,
                     rng=None):
    """Climbs the loss instead of descending it."""
    K = 0.1 * rng.standard_normal(kernel_shape)
    losses = []
    for _ in range(num_steps):
        R = cl.corr2d(X, K) - Y
        losses.append(0.5 * float(np.mean(R ** 2)))
        K = K + learning_rate * cl.corr2d(X, R) / R.size
    return K, losses


def learn_sum_not_mean(X, Y, kernel_shape, learning_rate=0.5, num_steps=100,
                       rng=None):
    """Forgets to divide the gradient by M: the steps are 42x too long."""
    K = 0.1 * rng.standard_normal(kernel_shape)
    losses = []
    for _ in range(num_steps):
        R = cl.corr2d(X, K) - Y
        losses.append(0.5 * float(np.mean(R ** 2)))
        K = K - learning_rate * cl.corr2d(X, R)
    return K, losses


def learn_too_few_steps(X, Y, kernel_shape, learning_rate=0.5, num_steps=100,
                        rng=None):
    """Ignores num_steps and stops after 5 steps."""
    return learn_kernel_reference(X, Y, kernel_shape, learning_rate, 5, rng)


def learn_no_losses(X, Y, kernel_shape, learning_rate=0.5, num_steps=100,
                    rng=None):
    return learn_kernel_reference(X, Y, kernel_shape, learning_rate,
                                  num_steps, rng)[0]


def learn_hard_coded(X, Y, kernel_shape, learning_rate=0.5, num_steps=100,
                     rng=None):
    """Returns the edge kernel whatever the data."""
    return np.array([[1.0, -1.0]]), list(np.geomspace(1.0, 1e-6, num_steps))


def test_learn_kernel_wrong_sign_is_caught():
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises(ExerciseError, match="went up|diverged"):
        check_learn_kernel(learn_wrong_sign)


def test_learn_kernel_missing_mean_is_caught():
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises(ExerciseError, match="went up|diverged"):
        check_learn_kernel(learn_sum_not_mean)


def test_learn_kernel_too_few_steps_is_caught():
    with pytest.raises(ExerciseError, match=r"shape \(200,\), got shape \(5,\)"):
        check_learn_kernel(learn_too_few_steps)


def test_learn_kernel_must_return_a_pair():
    with pytest.raises(ExerciseError, match=r"should return a tuple \(K, losses\)"):
        check_learn_kernel(learn_no_losses)


def test_learn_kernel_hard_coded_answer_fails():
    """Made-up losses do not start at the loss of the given start."""
    for kwargs in ({}, hidden_kwargs("check_learn_kernel")):
        with pytest.raises(ExerciseError, match=r"losses\[0\] is 1, but the "
                           r"starting kernel"):
            check_learn_kernel(learn_hard_coded, **kwargs)


def test_learn_kernel_losses_must_match_the_kernel():
    """Losses that end far below the returned kernel's real loss."""
    def lying(X, Y, kernel_shape, learning_rate=0.5, num_steps=100, rng=None):
        K, losses = learn_kernel_reference(X, Y, kernel_shape, learning_rate,
                                           num_steps, rng)
        return K, [loss * 1e-3 for loss in losses]

    with pytest.raises(ExerciseError, match=r"losses\[0\] is 0.000139198"):
        check_learn_kernel(lying)


def learn_loss_after_update(X, Y, kernel_shape, learning_rate=0.5,
                            num_steps=100, rng=None):
    """Records each loss after its update, against the docstring."""
    rng = np.random.default_rng(0) if rng is None else rng
    K = 0.1 * rng.standard_normal(kernel_shape)
    losses = []
    for _ in range(num_steps):
        R = cl.corr2d(X, K) - Y
        K = K - learning_rate * cl.corr2d(X, R) / R.size
        losses.append(float(0.5 * np.mean((cl.corr2d(X, K) - Y)
                                          ** 2)))
    return K, losses


def test_learn_kernel_loss_after_the_update_fails_visible_and_hidden():
    expected = (r"losses\[0\] is 0.120022, but the starting kernel "
                r".* has loss 0.139198 and losses\[0\] is the loss after "
                r"the first update: record each loss before its update")
    for kwargs in ({}, hidden_kwargs("check_learn_kernel")):
        with pytest.raises(ExerciseError, match=expected):
            check_learn_kernel(learn_loss_after_update, **kwargs)


def test_learn_kernel_losses_must_be_a_list_and_inputs_unchanged():
    def as_array(X, Y, kernel_shape, learning_rate=0.5, num_steps=100,
                 rng=None):
        K, losses = learn_kernel_reference(X, Y, kernel_shape, learning_rate,
                                           num_steps, rng)
        return K, np.array(losses)

    def changes_x(X, Y, kernel_shape, learning_rate=0.5, num_steps=100,
                 rng=None):
        X[0, 0] += 1.0  # in place
        return learn_kernel_reference(X, Y, kernel_shape, learning_rate,
                                      num_steps, rng)

    with pytest.raises(ExerciseError, match="losses should be a list of "
                                            "floats, got ndarray"):
        check_learn_kernel(as_array)
    with pytest.raises(ExerciseError, match="modified its input X or Y"):
        check_learn_kernel(changes_x)


def test_learn_kernel_default_rng_is_seed_0():
    def other_default(X, Y, kernel_shape, learning_rate=0.5, num_steps=100,
                      rng=None):
        rng = np.random.default_rng(1) if rng is None else rng
        return learn_kernel_reference(X, Y, kernel_shape, learning_rate,
                                      num_steps, rng)

    with pytest.raises(ExerciseError, match="the default is "
                                            r"np.random.default_rng\(0\)"):
        check_learn_kernel(other_default)


def test_learn_kernel_not_converged_names_the_worst_element():
    def slow(X, Y, kernel_shape, learning_rate=0.5, num_steps=100, rng=None):
        return learn_kernel_reference(X, Y, kernel_shape, 0.01, num_steps,
                                      rng)

    expected = (r"worst element losses\[\d+\] .* > tolerance 1e-06\); in "
                r"edge image")
    with pytest.raises(ExerciseError, match=expected):
        check_learn_kernel(slow)
