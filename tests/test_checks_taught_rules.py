"""The checkers hold the rules the notebooks teach, and their messages name
the case, also when the student's code raises.

- Max pooling backward (notebook 03): on ties the first maximum in
  row-major order gets the whole gradient; a backward pass that splits the
  gradient among tied maxima, or sends it to every one, or to the last,
  fails the visible and the hidden check.
- An exception raised by the student's code becomes one ExerciseError line
  naming the exercise, the error and the case (shapes, stride, pad).

(``learn_kernel``'s loss-before-update rule is tested in
test_checks_correlation.py.)
"""
import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import hidden_kwargs
from cs231n_layers.checks import (
    ExerciseError,
    check_conv_forward,
    check_im2col,
    check_max_pool_backward,
    check_max_pool_forward,
)
from cs231n_layers.checks._core import (
    call_case,
    call_exercise,
    describe_call,
    package_calls_allowed,
)


def _windows(x, pool_param):
    PH, PW = pool_param["pool_height"], pool_param["pool_width"]
    S = pool_param["stride"]
    N, C, H, W = x.shape
    for n, c, i, j in np.ndindex(N, C, (H - PH) // S + 1, (W - PW) // S + 1):
        rows, cols = slice(i * S, i * S + PH), slice(j * S, j * S + PW)
        yield (n, c, i, j), (n, c, rows, cols), x[n, c, rows, cols]


def split_ties(dout, cache):
    """Shares each window's gradient equally among its tied maxima."""
    x, pool_param = cache
    dx = np.zeros_like(x)
    for out_index, region, window in _windows(x, pool_param):
        winners = window == window.max()
        dx[region] += winners * dout[out_index] / winners.sum()
    return dx


def every_tie(dout, cache):
    """Gives each tied maximum the whole gradient."""
    x, pool_param = cache
    dx = np.zeros_like(x)
    for out_index, region, window in _windows(x, pool_param):
        dx[region] += (window == window.max()) * dout[out_index]
    return dx


def last_tie(dout, cache):
    """Gives the gradient to the last maximum in row-major order."""
    x, pool_param = cache
    dx = np.zeros_like(x)
    for out_index, region, window in _windows(x, pool_param):
        flat = window.size - 1 - np.argmax(window.ravel()[::-1])
        a, d = np.unravel_index(flat, window.shape)
        n, c, rows, cols = region
        dx[n, c, rows.start + a, cols.start + d] += dout[out_index]
    return dx


@pytest.mark.parametrize("backward", [split_ties, every_tie, last_tie])
@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
def test_max_pool_backward_breaking_ties_otherwise_fails(backward, hidden):
    kwargs = (hidden_kwargs("check_max_pool_backward") if hidden else {})
    with pytest.raises(ExerciseError) as err:
        check_max_pool_backward(cl.max_pool_forward_naive, backward,
                                **kwargs)
    message = str(err.value)
    assert message.startswith(f"{backward.__name__}: worst element dx[")
    assert "the first in row-major order gets the whole gradient" in message
    assert "\n" not in message


def test_the_tie_rule_holds_on_random_cases_too():
    """Without the hand-worked example, the random tied inputs catch it."""
    from cs231n_layers.checks import conv_pool

    x = np.array([[[[1.0, 1.0], [0.0, 0.0]]]])
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    dout = np.array([[[[2.0]]]])
    assert np.array_equal(conv_pool._first_max_dx(x, dout, pp),
                          [[[[2.0, 0.0], [0.0, 0.0]]]])
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(2, 2, 5, 5)).astype(float)
    pp = {"pool_height": 3, "pool_width": 3, "stride": 1}
    _, cache = cl.max_pool_forward_naive(x, pp)
    dout = rng.standard_normal((2, 2, 3, 3))
    assert np.array_equal(conv_pool._first_max_dx(x, dout, pp),
                          cl.max_pool_backward_naive(dout, cache))
    assert not np.allclose(split_ties(dout, cache),
                           cl.max_pool_backward_naive(dout, cache))


def test_the_package_and_fast_layers_keep_the_tie_rule():
    with package_calls_allowed():
        check_max_pool_backward(cl.max_pool_forward_naive,
                                cl.max_pool_backward_naive)
        check_max_pool_backward(cl.max_pool_forward_fast,
                                cl.max_pool_backward_fast)


# --- messages when the student's code raises --------------------------------

def conv_forward_naive(x, w, b, conv_param):
    """Forgets to pad: the windows at the border come out too small."""
    S = conv_param["stride"]
    N, _, H, W = x.shape
    F, _, KH, KW = w.shape
    P = conv_param["pad"]
    OH, OW = (H + 2 * P - KH) // S + 1, (W + 2 * P - KW) // S + 1
    out = np.zeros((N, F, OH, OW))
    for n, f, i, j in np.ndindex(N, F, OH, OW):
        window = x[n, :, i * S:i * S + KH, j * S:j * S + KW]
        out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def test_conv_forward_without_padding_names_the_case():
    with pytest.raises(ExerciseError) as err:
        check_conv_forward(conv_forward_naive)
    message = str(err.value)
    assert message == (
        "conv_forward_naive: your code raised ValueError: operands could "
        "not be broadcast together with shapes (3,3,2) (3,3,3) (at "
        "`out[n, f, i, j] = np.sum(window * w[f]) + b[f]`); in x of shape "
        "(2, 3, 5, 5), w of shape (4, 3, 3, 3), stride 1, pad 1"), message


def im2col(x, kernel_height, kernel_width, stride=1, pad=0):
    """Swaps the row and column of the window's corner."""
    N, C, H, W = x.shape
    KH, KW, S = kernel_height, kernel_width, stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    OH, OW = (H + 2 * pad - KH) // S + 1, (W + 2 * pad - KW) // S + 1
    cols = np.zeros((N * OH * OW, C * KH * KW), dtype=x.dtype)
    for n, i, j in np.ndindex(N, OH, OW):
        for c, a, d in np.ndindex(C, KH, KW):
            cols[(n * OH + i) * OW + j, (c * KH + a) * KW + d] = \
                xp[n, c, j * S + a, i * S + d]
    return cols


def test_im2col_with_swapped_indices_names_the_case():
    with pytest.raises(ExerciseError) as err:
        check_im2col(im2col)
    message = str(err.value)
    assert message == (
        "im2col: your code raised IndexError: index 2 is out of bounds for "
        "axis 2 with size 2 (at `xp[n, c, j * S + a, i * S + d]`); in the "
        "call with x of shape (2, 2, 2, 3) float64, kernel_height = 2, "
        "kernel_width = 2, stride = 1, pad = 0"), message


def test_call_exercise_keeps_its_contract_and_describes_the_call():
    def add(a, b=1):
        return a + b

    assert call_exercise("add", add, 1, b=2) == 3
    assert call_case("add", "one and two", add, 1, b=2) == 3
    with pytest.raises(ExerciseError, match=r"^add: not implemented yet"):
        call_exercise("add", lambda: (_ for _ in ()).throw(
            NotImplementedError("stub")))

    def multi_line(x):
        raise ValueError("first line\nsecond line")

    with pytest.raises(ExerciseError) as err:
        call_exercise("multi", multi_line, np.zeros((2, 3), np.float32))
    assert "\n" not in str(err.value)
    assert str(err.value).startswith(
        "multi: your code raised ValueError: first line second line")
    assert str(err.value).endswith(
        "; in the call with x of shape (2, 3) float32")
    assert describe_call(add, (np.ones(2),), {"b": {"pad": 1}}) == (
        "the call with a of shape (2,) float64, b = {'pad': 1}")
    assert describe_call(len, ([1, 2],), {}) == "the call with obj = [1, 2]"


@pytest.mark.parametrize("window, stride", [(2, 2), (3, 1), (3, 2)])
def test_pytorch_breaks_ties_the_same_way(window, stride):
    """Notebook 03 says PyTorch's CPU max pooling also gives a tied
    window's gradient to its first maximum in row-major order."""
    torch = pytest.importorskip("torch")
    from cs231n_layers.checks import conv_pool

    rng = np.random.default_rng(window * 10 + stride)
    size = 8 if window == 2 else 7
    x = rng.integers(0, 3, size=(2, 3, size, size)).astype(np.float64)
    pp = {"pool_height": window, "pool_width": window, "stride": stride}
    out, cache = cl.max_pool_forward_naive(x, pp)
    dout = rng.standard_normal(out.shape)
    xt = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(xt, window, stride).backward(
        torch.tensor(dout))
    expected = conv_pool._first_max_dx(x, dout, pp)
    assert np.array_equal(xt.grad.numpy(), expected)
    assert np.array_equal(cl.max_pool_backward_naive(dout, cache), expected)


# --- what the docstrings promise -------------------------------------------

def test_conv_and_pool_forward_caches_are_checked_when_asked():
    from cs231n_layers.caches import ConvNaiveCache, MaxPoolNaiveCache

    def plain_tuple(x, w, b, conv_param):
        out, _ = cl.conv_forward_naive(x, w, b, conv_param)
        return out, (x, w, b, conv_param)

    def same_dict(x, w, b, conv_param):
        out, _ = cl.conv_forward_naive(x, w, b, conv_param)
        return out, ConvNaiveCache(x, w, b, conv_param)

    def pool_keeps_nothing(x, pool_param):
        out, _ = cl.max_pool_forward_naive(x, pool_param)
        return out, MaxPoolNaiveCache(None, dict(pool_param))

    with package_calls_allowed():
        check_conv_forward(plain_tuple)  # no cache type asked for
        with pytest.raises(ExerciseError, match=r"the cache should be a "
                           r"ConvNaiveCache \(x, w, b, conv_param\), got "
                           r"tuple; in x of shape"):
            check_conv_forward(plain_tuple, cache=ConvNaiveCache)
        with pytest.raises(ExerciseError, match=r"conv_param should be a "
                           r"copy of the argument \(dict\(conv_param\)\), "
                           r"got the argument itself"):
            check_conv_forward(same_dict, cache=ConvNaiveCache)
        with pytest.raises(ExerciseError, match="the cache's x should be "
                                                "the argument x"):
            check_max_pool_forward(pool_keeps_nothing,
                                   cache=MaxPoolNaiveCache)
        check_conv_forward(cl.conv_forward_naive, cache=ConvNaiveCache)
        check_max_pool_forward(cl.max_pool_forward_naive,
                               cache=MaxPoolNaiveCache)


def test_corr2d_keeps_the_documented_dtype():
    from cs231n_layers.checks import check_corr2d

    def float32_always(X, K):
        return cl.corr2d(X, K).astype(np.float32)

    def float64_always(X, K):
        return cl.corr2d(X, K).astype(np.float64)

    with package_calls_allowed():
        with pytest.raises(ExerciseError, match="for integer inputs the "
                                                "output should be float64"):
            check_corr2d(float32_always)
        check_corr2d(float64_always)
        with pytest.raises(ExerciseError, match="float32 inputs gave Y of "
                                                "dtype float64"):
            check_corr2d(float64_always, cases=[((4, 4), (2, 2), "float32")])


def test_spatial_batchnorm_by_reshaping_returns_batchnorms_cache():
    from cs231n_layers.checks import check_spatial_batchnorm_forward

    def plain_tuple_cache(x, gamma, beta, bn_param):
        N, C, H, W = x.shape
        rows = x.transpose(0, 2, 3, 1).reshape(-1, C)
        out, cache = cl.batchnorm_forward(rows, gamma, beta, bn_param)
        return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), tuple(cache)

    with pytest.raises(ExerciseError, match="the cache should be the "
                                            "NormCache that batchnorm_forward"
                                            " returns, got tuple; in x of "
                                            "shape"):
        check_spatial_batchnorm_forward(plain_tuple_cache)
