"""The checkers of notebook 06 pass right answers and name what is wrong.

Each checker is tried three ways: the package's reference (and the
notebook's solution) passes, an unfinished stub gives one "not implemented
yet" line, and subtly wrong versions (a term left out, the wrong axes, a
reshape without its transpose, a cache the backward pass cannot use) fail
naming the exercise and what is wrong.
"""
import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import run_kwargs
from cs231n_layers.checks import (
    ExerciseError,
    check_batchnorm_backward_alt,
    check_spatial_batchnorm_forward,
    check_spatial_groupnorm_forward,
)
from cs231n_layers.normalization import _standardize
from test_checks_convnet import one_line


def stub(name):
    """An unfinished exercise as the student edition has it."""
    def fn(*args):
        raise NotImplementedError(f"Exercise for {name}")
    fn.__name__ = name
    return fn


@pytest.mark.parametrize("checker, name", [
    (check_batchnorm_backward_alt, "batchnorm_backward_alt"),
    (check_spatial_batchnorm_forward, "spatial_batchnorm_by_reshaping"),
    (check_spatial_groupnorm_forward, "spatial_groupnorm_forward"),
])
def test_stub_gives_one_line(checker, name):
    with pytest.raises(ExerciseError) as info:
        checker(stub(name))
    assert one_line(info).startswith(f"{name}: not implemented yet")


# ------------------------------------------------ batchnorm_backward_alt

def over_axis_0(dout, cache):
    """Right for (N, D), wrong for a spatial cache."""
    x_hat, inv_std, gamma = cache[:3]
    M = x_hat.shape[0]
    dbeta = dout.sum(axis=0, keepdims=True)
    dgamma = np.sum(dout * x_hat, axis=0, keepdims=True)
    dx = gamma * inv_std / M * (M * dout - dbeta - x_hat * dgamma)
    return dx, dgamma.reshape(cache.gamma_shape), dbeta.reshape(
        cache.gamma_shape)


def without_dgamma_term(dout, cache):
    x_hat, inv_std, gamma, axes = cache[:4]
    M = x_hat.size // inv_std.size
    dbeta = dout.sum(axis=axes, keepdims=True)
    dgamma = np.sum(dout * x_hat, axis=axes, keepdims=True)
    dx = gamma * inv_std / M * (M * dout - dbeta)
    return dx, dgamma.reshape(cache.gamma_shape), dbeta.reshape(
        cache.gamma_shape)


def keepdims_shapes(dout, cache):
    """Returns dgamma and dbeta as (1, D) instead of gamma's shape."""
    dx, dgamma, dbeta = cl.batchnorm_backward_alt(dout, cache)
    return dx, dgamma.reshape(1, -1), dbeta.reshape(1, -1)


def in_float64(dout, cache):
    return tuple(g.astype(np.float64)
                 for g in cl.batchnorm_backward_alt(dout, cache))


def modifies_dout(dout, cache):
    grads = cl.batchnorm_backward_alt(dout, cache)
    dout *= 2
    return grads


def test_summing_over_axis_0_passes_visible_fails_hidden():
    check_batchnorm_backward_alt(over_axis_0)
    with pytest.raises(ExerciseError) as info:
        check_batchnorm_backward_alt(
            over_axis_0, **run_kwargs("check_batchnorm_backward_alt", True))
    # dgamma summed over axis 0 only keeps the positions: (1, C, H, W).
    assert one_line(info).startswith(
        "over_axis_0: your code raised ValueError: cannot reshape array of "
        "size 30 into shape (3,)")


# ------------------------------------------- spatial batchnorm, forward

def spatial_batchnorm_by_reshaping(x, gamma, beta, bn_param):
    """The notebook's solution."""
    N, C, H, W = x.shape
    rows = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out, cache = cl.batchnorm_forward(rows, gamma, beta, bn_param)
    return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), cache


def no_transpose(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    out, cache = cl.batchnorm_forward(x.reshape(-1, C), gamma, beta,
                                      bn_param)
    return out.reshape(N, C, H, W), cache


def own_bn_param(x, gamma, beta, bn_param):
    """Gives batch norm a copy: the running statistics never come back."""
    return spatial_batchnorm_by_reshaping(x, gamma, beta, dict(bn_param))


def always_train(x, gamma, beta, bn_param):
    bn_param["mode"] = "train"
    return spatial_batchnorm_by_reshaping(x, gamma, beta, bn_param)


def modifies_x(x, gamma, beta, bn_param):
    result = spatial_batchnorm_by_reshaping(x, gamma, beta, bn_param)
    x -= x.mean()
    return result


# ------------------------------------------------ group norm, forward

def interleaved_groups(x, gamma, beta, G, gn_param):
    """Channel c in group c % G rather than c // (C / G)."""
    N, C, H, W = x.shape
    xs = x.reshape(N, C // G, G, H, W).transpose(0, 2, 1, 3, 4)
    x_hat, _, _, inv_std = _standardize(xs, (2, 3, 4), 1e-5)
    x_hat = x_hat.transpose(0, 2, 1, 3, 4).reshape(N, C, H, W)
    out = x_hat * gamma.reshape(1, C, 1, 1) + beta.reshape(1, C, 1, 1)
    return out, None


def wrong_param_axes(x, gamma, beta, G, gn_param):
    out, cache = cl.spatial_groupnorm_forward(x, gamma, beta, G, gn_param)
    return out, cache._replace(param_axes=(0, 2, 3, 4))


def not_a_cache(x, gamma, beta, G, gn_param):
    out, cache = cl.spatial_groupnorm_forward(x, gamma, beta, G, gn_param)
    return out, tuple(cache)


def shape_of_gamma_ignored(x, gamma, beta, G, gn_param):
    out, cache = cl.spatial_groupnorm_forward(x, gamma, beta, G, gn_param)
    return out, cache._replace(gamma_shape=(x.shape[1],))


BN, SBN, GN = (check_batchnorm_backward_alt, check_spatial_batchnorm_forward,
               check_spatial_groupnorm_forward)
# The package's exercise functions are the notebook's solutions.
RIGHT = [(BN, cl.batchnorm_backward_alt), (BN, cl.batchnorm_backward),
         (SBN, cl.spatial_batchnorm_forward),
         (SBN, spatial_batchnorm_by_reshaping),
         (GN, cl.spatial_groupnorm_forward)]


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("checker, fn", RIGHT, ids=[
    f"{fn.__module__.split('.')[0]}.{fn.__name__}" for _, fn in RIGHT])
def test_right_answers_pass_with_one_line(capsys, checker, fn, hidden):
    checker(fn, **run_kwargs(checker.__name__, hidden))
    out = capsys.readouterr().out
    assert out.startswith("PASSED ") and out.count("\n") == 1
    assert "tolerance 1e-" in out


MISTAKES = [
    (BN, without_dgamma_term, r"dx has relative error .* > tolerance "
                              r"1e-07; worst element dx\[\d+, \d+\]"),
    (BN, keepdims_shapes, r"dgamma has shape \(1, 5\), expected \(5,\)"),
    (BN, in_float64, r"float32 inputs gave dx of dtype float64"),
    (BN, modifies_dout, r"modified its argument dout in place"),
    (SBN, no_transpose, r"worst element out\[\d+, \d+, \d+, \d+\]"),
    (SBN, own_bn_param, r"bn_param has no 'running_mean' after the call"),
    (SBN, always_train, r"test mode \(call 3 of 3\)"),
    (SBN, modifies_x, r"modified its argument x in place"),
    (GN, interleaved_groups, r"worst element out\[0, \d+, \d+, \d+\]"),
    (GN, wrong_param_axes, r"the package's spatial_groupnorm_backward "
                           r"cannot use your cache"),
    (GN, not_a_cache, r"cannot use your cache \(TypeError: "),
    (GN, shape_of_gamma_ignored, r"dgamma \(from your cache\) has shape "
                                 r"\(\d\,\), expected \(1, \d, 1, 1\)"),
]


@pytest.mark.parametrize("checker, wrong, expected", MISTAKES,
                         ids=[m[1].__name__ for m in MISTAKES])
def test_mistakes_are_named(checker, wrong, expected):
    with pytest.raises(ExerciseError, match=expected) as info:
        checker(wrong)
    one_line(info)
