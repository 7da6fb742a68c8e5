"""A check gives no points to code that calls the package's finished version
of the exercise, however it reaches it, and still passes the student's own
code that uses other package functions."""
import sys

import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import hidden_kwargs, run_kwargs
from cs231n_layers.checks import (
    ExerciseError,
    check_col2im,
    check_conv_forward,
    check_conv_relu_pool_backward,
    check_corr2d,
    check_three_layer_convnet,
)
from cs231n_layers.correlation import corr2d as aliased_corr2d

MESSAGE = (r"{}: your code calls the package's finished {}, so this check "
           r"gives no points")


def wrapped_corr2d(X, K):
    return cl.corr2d(np.asarray(X), np.asarray(K))


def aliased(X, K):
    return aliased_corr2d(X, K)


def through_conv(X, K):
    x = np.asarray(X, dtype=float)[None, None]
    w = np.asarray(K, dtype=float)[None, None]
    out, _ = cl.conv_forward_naive(x, w, np.zeros(1), {"stride": 1, "pad": 0})
    return out[0, 0]


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("fn, called", [
    (wrapped_corr2d, "corr2d"), (aliased, "corr2d"),
    (through_conv, "conv_forward_naive")])
def test_corr2d_that_calls_the_package_scores_nothing(fn, called, hidden):
    with pytest.raises(ExerciseError, match=MESSAGE.format("corr2d", called)):
        check_corr2d(fn, **run_kwargs("check_corr2d", hidden))
    assert sys.getprofile() is None


def own_corr2d(X, K):
    # Float64 for integer inputs, float32 kept, as corr2d's docstring says.
    dtype = np.result_type(X, K)
    dtype = dtype if np.issubdtype(dtype, np.floating) else np.float64
    X, K = np.asarray(X, dtype=dtype), np.asarray(K, dtype=dtype)
    OH, OW = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    return np.array([[np.sum(X[i:i + K.shape[0], j:j + K.shape[1]] * K)
                      for j in range(OW)] for i in range(OH)])


def test_own_code_passes(capsys):
    check_corr2d(own_corr2d)
    check_corr2d(own_corr2d, **hidden_kwargs("check_corr2d"))
    assert capsys.readouterr().out.count("PASSED corr2d") == 2


def conv_forward_matmul(x, w, b, conv_param):
    # Uses the package's im2col, which the exercise allows, and then the
    # package's finished fast convolution, which it does not.
    cl.im2col(x, w.shape[2], w.shape[3], **conv_param)
    return cl.conv_forward_fast(x, w, b, conv_param)


def test_a_fast_conv_that_hides_the_package_call_scores_nothing():
    with pytest.raises(ExerciseError, match=MESSAGE.format(
            "conv_forward_matmul", "conv_forward_fast")):
        check_conv_forward(conv_forward_matmul)


def test_col2im_wrapper_scores_nothing():
    def col2im(*args, **kwargs):
        return cl.col2im(*args, **kwargs)
    with pytest.raises(ExerciseError, match=MESSAGE.format("col2im", "col2im")):
        check_col2im(col2im)


def test_sandwich_backward_may_use_the_pieces_not_the_sandwich(capsys):
    def conv_relu_pool_backward(dout, cache):
        return cl.conv_relu_pool_backward(dout, cache)
    with pytest.raises(ExerciseError, match=MESSAGE.format(
            "conv_relu_pool_backward", "conv_relu_pool_backward")):
        check_conv_relu_pool_backward(conv_relu_pool_backward)


def test_a_model_inheriting_the_finished_loss_scores_nothing():
    class ThreeLayerConvNet(cl.ThreeLayerConvNet):
        def loss(self, X, y=None):
            return super().loss(X, y)
    with pytest.raises(ExerciseError, match=MESSAGE.format(
            "ThreeLayerConvNet.loss", "loss")):
        check_three_layer_convnet(ThreeLayerConvNet)


def test_a_right_answer_that_warns_prints_nothing_to_stderr(capsys):
    def corr2d(X, K):
        np.log(np.zeros(1))               # RuntimeWarning: divide by zero
        import warnings
        warnings.warn("a remark of the student's own", stacklevel=1)
        return own_corr2d(X, K)
    check_corr2d(corr2d)
    out = capsys.readouterr()
    assert out.out.startswith("PASSED corr2d") and out.err == ""
