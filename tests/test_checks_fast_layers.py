"""The checkers of notebook 04's exercises pass right answers and fail the
typical wrong ones, each with a one-line message that names the case."""
import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import run_kwargs
from cs231n_layers.checks import (
    ExerciseError,
    check_conv_backward_matmul,
    check_max_pool_backward_slices,
)

# ------------------------------------------------ right answers (notebook 04)


def conv_backward_matmul(dout, cache):
    x, w, b, conv_param, cols = cache
    S, P = conv_param["stride"], conv_param["pad"]
    N, F, OH, OW = dout.shape
    D = dout.transpose(1, 0, 2, 3).reshape(F, N * OH * OW)
    dcols = D.T @ w.reshape(F, -1)
    dx = cl.col2im(dcols, x.shape, *w.shape[2:], stride=S, pad=P)
    return dx, (D @ cols).reshape(w.shape), D.sum(axis=1)


def _slices(x, pool_param):
    PH, PW, S = (pool_param[k] for k in ("pool_height", "pool_width",
                                          "stride"))
    OH, OW = (x.shape[2] - PH) // S + 1, (x.shape[3] - PW) // S + 1
    for a in range(PH):
        for d in range(PW):
            yield (slice(None), slice(None), slice(a, a + S * OH, S),
                   slice(d, d + S * OW, S))


def max_pool_backward_slices(dout, cache):
    x, pool_param = cache
    out, _ = cl.max_pool_forward_fast(x, pool_param)
    dx = np.zeros_like(x)
    served = np.zeros(out.shape, dtype=bool)
    for index in _slices(x, pool_param):
        first = (x[index] == out) & ~served
        dx[index] += dout * first
        served |= first
    return dx


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
def test_right_answers_pass(capsys, hidden):
    check_conv_backward_matmul(
        conv_backward_matmul,
        **run_kwargs("check_conv_backward_matmul", hidden))
    check_max_pool_backward_slices(
        max_pool_backward_slices,
        **run_kwargs("check_max_pool_backward_slices", hidden))
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "PASSED conv_backward_matmul", "PASSED max_pool_backward_slices"]


# ------------------------------------------------------------ wrong answers

def _conv_wrong(slip):
    def conv_backward_matmul(dout, cache):
        x, w, b, conv_param, cols = cache
        S, P = conv_param["stride"], conv_param["pad"]
        N, F, OH, OW = dout.shape
        if slip == "reshape":  # no transpose: scrambles D
            D = dout.reshape(F, N * OH * OW)
        else:
            D = dout.transpose(1, 0, 2, 3).reshape(F, N * OH * OW)
        dcols = D.T @ w.reshape(F, -1)
        if slip == "no_pad":  # col2im without the padding
            P = 0
        dx = cl.col2im(dcols, x.shape, *w.shape[2:], stride=S, pad=P)
        db = D.sum(axis=1) if slip != "db_mean" else D.mean(axis=1)
        dw = (D @ cols).reshape(w.shape)
        if slip == "float64":
            dx, dw, db = (a.astype(np.float64) for a in (dx, dw, db))
        if slip == "in_place":
            dout *= 1.0
            dout[0, 0, 0, 0] += 1.0
        return dx, dw, db
    return conv_backward_matmul




def _pool_wrong(slip):
    def max_pool_backward_slices(dout, cache):
        x, pool_param = cache
        out, _ = cl.max_pool_forward_fast(x, pool_param)
        dx = np.zeros_like(x)
        served = np.zeros(out.shape, dtype=bool)
        for index in _slices(x, pool_param):
            hit = x[index] == out
            if slip == "every_tie":
                dx[index] += dout * hit
            elif slip == "split":
                count = sum((x[i] == out).astype(float)
                            for i in _slices(x, pool_param))
                dx[index] += dout * hit / count
            elif slip == "last_tie":
                dx[index] = np.where(hit, dout, dx[index])
            else:
                first = hit & ~served
                if slip == "assign":  # = instead of +=: overlaps lost
                    dx[index] = dout * first
                else:
                    dx[index] += dout * first
                served |= first
        if slip == "float64":
            dx = dx.astype(np.float64)
        if slip == "mutate":
            x[...] = 0
        return dx
    return max_pool_backward_slices


WRONG = [
    (check_conv_backward_matmul, _conv_wrong, slip, words, ", pad ")
    for slip, words in [
        ("reshape", "worst element dx"),
        ("no_pad", "your code raised ValueError"),
        ("db_mean", "worst element db"),
        ("float64", "float32 in should give float32 dx"),
        ("in_place", "modified dout in place"),
    ]
] + [
    (check_max_pool_backward_slices, _pool_wrong, slip, words, "windows")
    for slip, words in [
        ("every_tie", "dx sums to"),
        ("split", "tied maxima (x of shape (1, 1, 4, 4)"),
        ("last_tie", "never split or copied among tied maxima"),
        ("assign", "add with +="),
        ("float64", "float32 in should give float32 dx"),
        ("mutate", "modified x in place"),
    ]
]


@pytest.mark.parametrize("check, wrong, slip, words, case", WRONG,
                         ids=[f"{w[2]}" for w in WRONG])
def test_wrong_answers_fail_with_one_line_naming_the_case(check, wrong, slip,
                                                          words, case):
    fn = wrong(slip)
    with pytest.raises(ExerciseError) as info:
        check(fn)
    text = str(info.value)
    assert text.startswith(f"{fn.__name__}: ") and words in text
    assert "x of shape" in text and ", stride " in text and case in text
    assert "\n" not in text


def test_stubs_give_one_line_naming_the_exercise():
    def conv_backward_matmul(dout, cache):
        raise NotImplementedError

    def max_pool_backward_slices(dout, cache):
        raise NotImplementedError

    for check, stub in [(check_conv_backward_matmul, conv_backward_matmul),
                        (check_max_pool_backward_slices,
                         max_pool_backward_slices)]:
        with pytest.raises(ExerciseError) as info:
            check(stub)
        assert str(info.value).startswith(
            f"{stub.__name__}: not implemented yet")


def test_the_package_functions_are_refused_in_a_notebook():
    from cs231n_layers.checks._core import _ALLOWED
    token = _ALLOWED.set(False)
    try:
        with pytest.raises(ExerciseError, match="finished"):
            check_conv_backward_matmul(cl.conv_backward_fast)
    finally:
        _ALLOWED.reset(token)
