"""The checkers of notebook 03 pass right answers and name what is wrong.

Each checker is tried three ways: the package's reference passes, an
unfinished stub gives one "not implemented yet" line, and subtly wrong
versions (missing bias, flipped kernel, zero-initialised maximum, ``=``
instead of ``+=``...) fail naming the worst element and the tolerance.
Notebook 04 grades its two exercises with the same checkers; the last
section tries them on those exercises' solutions and likely slips.
"""
import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import run_kwargs
from cs231n_layers.checks import (
    ExerciseError,
    check_conv_backward,
    check_conv_forward,
    check_max_pool_backward,
    check_max_pool_forward,
)

WORST = r"worst element {}\[[0-9, ]+\] = .*tolerance"


# ------------------------------------------------------ the three kinds

def _stub(*args):
    raise NotImplementedError("TODO")


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("variant", ["naive", "fast"])
def test_reference_layers_pass(capsys, hidden, variant):
    conv_f, conv_b = getattr(cl, f"conv_forward_{variant}"), getattr(
        cl, f"conv_backward_{variant}")
    pool_f, pool_b = getattr(cl, f"max_pool_forward_{variant}"), getattr(
        cl, f"max_pool_backward_{variant}")
    check_conv_forward(conv_f, **run_kwargs("check_conv_forward", hidden))
    check_conv_backward(conv_f, conv_b,
                        **run_kwargs("check_conv_backward", hidden))
    check_max_pool_forward(pool_f,
                           **run_kwargs("check_max_pool_forward", hidden))
    check_max_pool_backward(pool_f, pool_b,
                            **run_kwargs("check_max_pool_backward", hidden))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(ln.startswith("PASSED ") for ln in lines)


@pytest.mark.parametrize("run", [
    lambda: check_conv_forward(_stub),
    lambda: check_conv_backward(cl.conv_forward_naive, _stub),
    lambda: check_max_pool_forward(_stub),
    lambda: check_max_pool_backward(cl.max_pool_forward_naive, _stub),
], ids=["conv_forward", "conv_backward", "pool_forward", "pool_backward"])
def test_stub_gives_one_line(run):
    with pytest.raises(ExerciseError, match="_stub: not implemented yet") as info:
        run()
    assert "\n" not in str(info.value)


# ---------------------------------------------------------- conv forward

def conv_no_bias(x, w, b, conv_param):
    out, cache = cl.conv_forward_naive(x, w, b, conv_param)
    return out - b[None, :, None, None], cache


def conv_flipped_kernel(x, w, b, conv_param):
    """A true convolution instead of a cross-correlation."""
    return cl.conv_forward_naive(x, w[:, :, ::-1, ::-1].copy(), b, conv_param)


def conv_ignores_stride(x, w, b, conv_param):
    return cl.conv_forward_naive(x, w, b, {**conv_param, "stride": 1})


def conv_float64(x, w, b, conv_param):
    out, cache = cl.conv_forward_naive(x, w, b, conv_param)
    return out.astype(np.float64), cache


def conv_out_only(x, w, b, conv_param):
    return cl.conv_forward_naive(x, w, b, conv_param)[0]


def conv_pads_in_place(x, w, b, conv_param):
    out, cache = cl.conv_forward_naive(x, w, b, conv_param)
    x[...] = 0.0
    return out, cache


@pytest.mark.parametrize("fn, message", [
    (conv_no_bias, WORST.format("out") + ".*hand-worked example"),
    (conv_flipped_kernel, WORST.format("out")),
    (conv_ignores_stride, r"out has shape \(1, 3, 5, 5\), expected "
                          r"\(1, 3, 3, 3\); in x of shape \(1, 2, 6, 6\)"),
    (conv_float64, "float32 inputs gave a float64 output"),
    (conv_out_only, r"should return the tuple \(out, cache\), got ndarray"),
    (conv_pads_in_place, "your code modified its argument x in place"),
])
def test_conv_forward_wrong_answers(fn, message):
    with pytest.raises(ExerciseError, match=fn.__name__ + ": " + message) as info:
        check_conv_forward(fn)
    text = str(info.value)
    assert "\n" not in text and "np.int64" not in text


def test_conv_forward_reports_exceptions():
    def conv_crashes(x, w, b, conv_param):
        return x[9]

    with pytest.raises(ExerciseError, match="conv_crashes: your code raised "
                                            "IndexError"):
        check_conv_forward(conv_crashes)


# --------------------------------------------------------- conv backward

def conv_back_first_sample_only(dout, cache):
    """dw forgets to sum over the batch."""
    dx, dw, db = cl.conv_backward_naive(dout, cache)
    x, w, b, conv_param = cache
    _, dw0, _ = cl.conv_backward_naive(
        dout[:1], cl.ConvNaiveCache(x[:1], w, b, conv_param))
    return dx, dw0, db


def conv_back_flipped_kernel(dout, cache):
    x, w, b, conv_param = cache
    dx, _, _ = cl.conv_backward_naive(
        dout, cl.ConvNaiveCache(x, w[:, :, ::-1, ::-1].copy(), b, conv_param))
    _, dw, db = cl.conv_backward_naive(dout, cache)
    return dx, dw, db


def conv_back_db_mean(dout, cache):
    dx, dw, db = cl.conv_backward_naive(dout, cache)
    return dx, dw, dout.mean(axis=(0, 2, 3))


def conv_back_padded_dx(dout, cache):
    """Forgets to crop the padding off dx."""
    x, w, b, conv_param = cache
    p = conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    return cl.conv_backward_naive(
        dout, cl.ConvNaiveCache(xp, w, b, {**conv_param, "pad": 0}))


def conv_back_zeroes_dout(dout, cache):
    grads = cl.conv_backward_naive(dout, cache)
    dout[...] = 0.0
    return grads


@pytest.mark.parametrize("fn, message", [
    (conv_back_first_sample_only,
     r"dw has relative error .* worst element dw\[[0-9, ]+\] = .*numerical"),
    (conv_back_flipped_kernel, "dx has relative error"),
    (conv_back_db_mean, "db has relative error"),
    (conv_back_padded_dx, r"dx has shape \(2, 3, 7, 7\), expected "
                          r"\(2, 3, 5, 5\)"),
    (conv_back_zeroes_dout, "your code modified its argument dout in place"),
])
def test_conv_backward_wrong_answers(fn, message):
    with pytest.raises(ExerciseError, match=fn.__name__ + ": " + message):
        check_conv_backward(cl.conv_forward_naive, fn)


def test_conv_backward_names_worst_element_and_tolerance():
    with pytest.raises(ExerciseError) as info:
        check_conv_backward(cl.conv_forward_naive, conv_back_flipped_kernel)
    text = str(info.value)
    assert "tolerance 1e-07" in text and "worst element dx[" in text
    assert "numerical gradient" in text and "stride 1, pad 1" in text
    assert "\n" not in text and "np.int64" not in text


# ------------------------------------------------------ max-pool forward

def pool_zero_init(x, pool_param):
    """Starts each maximum at 0: wrong when a whole window is negative."""
    out, cache = cl.max_pool_forward_naive(x, pool_param)
    return np.maximum(out, 0.0), cache


def pool_no_stride(x, pool_param):
    """Steps windows by 1 whatever the stride (keeping the output size)."""
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    out, cache = cl.max_pool_forward_naive(x, pool_param)
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x[:, :, i:i + ph, j:j + pw].max(axis=(2, 3))
    return out, cache


def pool_float64(x, pool_param):
    out, cache = cl.max_pool_forward_naive(x, pool_param)
    return out.astype(np.float64), cache


@pytest.mark.parametrize("fn, message", [
    (pool_zero_init, WORST.format("out")),
    (pool_no_stride, WORST.format("out") + r".*hand-worked 4x4 example"),
    (pool_float64, "float32 input gave a float64 output"),
])
def test_max_pool_forward_wrong_answers(fn, message):
    with pytest.raises(ExerciseError, match=fn.__name__ + ": " + message):
        check_max_pool_forward(fn)


# ----------------------------------------------------- max-pool backward

def pool_back_assigns(dout, cache):
    """``=`` instead of ``+=``: overlapping windows overwrite each other."""
    x, pool_param = cache
    ph, pw, s = (pool_param[k] for k in ("pool_height", "pool_width",
                                          "stride"))
    dx = np.zeros_like(x)
    for n, c, i, j in np.ndindex(*dout.shape):
        window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
        a, d = np.unravel_index(np.argmax(window), window.shape)
        dx[n, c, i * s + a, j * s + d] = dout[n, c, i, j]
    return dx


def pool_back_spreads(dout, cache):
    """Shares the gradient over the window, as average pooling would."""
    return cl.avg_pool_backward_naive(dout, cl.AvgPoolNaiveCache(*cache))


def pool_back_pair(dout, cache):
    return cl.max_pool_backward_naive(dout, cache), None


@pytest.mark.parametrize("fn, message", [
    (pool_back_assigns, "dx has relative error .* worst element dx\\["),
    (pool_back_spreads, "dx has relative error"),
    (pool_back_pair, "dx should be a numpy array, got tuple"),
])
def test_max_pool_backward_wrong_answers(fn, message):
    with pytest.raises(ExerciseError, match=fn.__name__ + ": " + message):
        check_max_pool_backward(cl.max_pool_forward_naive, fn)


def test_checkers_leave_global_random_state_alone():
    before = np.random.get_state()[1].copy()
    check_max_pool_forward(cl.max_pool_forward_naive)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_success_lines_describe_the_cases_given(capsys):
    check_conv_backward(cl.conv_forward_naive, cl.conv_backward_naive,
                        cases=[((1, 1, 4, 4), (1, 1, 3, 3), 1, 0)])
    check_max_pool_forward(cl.max_pool_forward_naive,
                           cases=[((1, 1, 4, 4), (2, 2, 2))])
    check_max_pool_backward(cl.max_pool_forward_naive,
                            cl.max_pool_backward_naive,
                            cases=[((1, 1, 4, 4), (2, 2, 2))])
    out = capsys.readouterr().out
    assert "gradients (stride 1, without padding), worst" in out
    assert "random cases match; float32 stays float32" in out
    assert "inputs (no overlapping windows), worst" in out


def test_max_pool_forward_case_flags_are_checked():
    with pytest.raises(ValueError, match='"negative" or nothing, not '
                                         "'negativ'"):
        check_max_pool_forward(cl.max_pool_forward_naive,
                               cases=[((1, 1, 4, 4), (2, 2, 2), "negativ")])


# ------------------------------------ notebook 04: the same checkers reused
#
# Notebook 04's exercises are checked by check_conv_forward and
# check_max_pool_forward. Their solutions are written out here (they live in
# the notebook only), with the slips a student is likely to make there.

def conv_forward_matmul(x, w, b, conv_param):
    """Notebook 04, exercise 1: im2col and one matmul, viewed as NCHW."""
    S, P = conv_param["stride"], conv_param["pad"]
    N, F, (_, _, KH, KW) = x.shape[0], w.shape[0], w.shape
    OH = (x.shape[2] + 2 * P - KH) // S + 1
    OW = (x.shape[3] + 2 * P - KW) // S + 1
    cols = cl.im2col(x, KH, KW, stride=S, pad=P)
    out = w.reshape(F, -1) @ cols.T + b.reshape(F, 1)  # (F, N*OH*OW)
    cache = cl.ConvFastCache(x, w, b, dict(conv_param), cols)
    return out.reshape(F, N, OH, OW).transpose(1, 0, 2, 3), cache


def max_pool_forward_slices(x, pool_param):
    """Notebook 04, exercise 3: the maximum of PH*PW strided slices."""
    PH, PW, S = (pool_param[k] for k in ("pool_height", "pool_width",
                                          "stride"))
    OH, OW = (x.shape[2] - PH) // S + 1, (x.shape[3] - PW) // S + 1
    out = x[:, :, 0:S * OH:S, 0:S * OW:S].copy()
    for a in range(PH):
        for d in range(PW):
            np.maximum(out, x[:, :, a:a + S * OH:S, d:d + S * OW:S], out=out)
    return out, (x, dict(pool_param))


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
def test_notebook_04_solutions_pass(capsys, hidden):
    check_conv_forward(conv_forward_matmul,
                       **run_kwargs("check_conv_forward", hidden))
    check_max_pool_forward(max_pool_forward_slices,
                           **run_kwargs("check_max_pool_forward", hidden))
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == [
        "PASSED conv_forward_matmul", "PASSED max_pool_forward_slices"]


def test_notebook_04_solution_keeps_the_fast_cache_layout():
    # The exercise returns the cache of conv_forward_fast, a ConvFastCache,
    # so the package's backward pass accepts it and gives the same
    # gradients.
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3))
    b, cp = rng.standard_normal(4), {"stride": 2, "pad": 1}
    out, cache = conv_forward_matmul(x, w, b, cp)
    dout = rng.standard_normal(out.shape)
    _, fast_cache = cl.conv_forward_fast(x, w, b, cp)
    np.testing.assert_array_equal(cache[4], fast_cache[4])
    for mine, ref in zip(cl.conv_backward_fast(dout, cache),
                         cl.conv_backward_fast(dout, fast_cache)):
        np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-12)


def test_notebook_04_stubs_give_one_line_naming_the_exercise():
    def conv_forward_matmul(x, w, b, conv_param):
        raise NotImplementedError("Exercise nb04_conv_forward_matmul")

    def max_pool_forward_slices(x, pool_param):
        raise NotImplementedError("Exercise nb04_max_pool_forward_slices")

    for check, stub in [(check_conv_forward, conv_forward_matmul),
                        (check_max_pool_forward, max_pool_forward_slices)]:
        with pytest.raises(ExerciseError) as info:
            check(stub)
        text = str(info.value)
        assert text.startswith(f"{stub.__name__}: not implemented yet")
        assert "\n" not in text


def matmul_reshape_not_transpose(x, w, b, conv_param):
    """reshape(N, K, M) instead of swapping the axes: scrambled columns."""
    S, P = conv_param["stride"], conv_param["pad"]
    N, F, (_, C, KH, KW) = x.shape[0], w.shape[0], w.shape
    OH = (x.shape[2] + 2 * P - KH) // S + 1
    OW = (x.shape[3] + 2 * P - KW) // S + 1
    rows = cl.im2col(x, KH, KW, stride=S, pad=P)
    cols = rows.reshape(N, C * KH * KW, OH * OW)
    out = w.reshape(F, -1) @ cols + b.reshape(F, 1)
    cache = cl.ConvFastCache(x, w, b, dict(conv_param), cols)
    return out.reshape(N, F, OH, OW), cache


def matmul_no_bias(x, w, b, conv_param):
    out, cache = conv_forward_matmul(x, w, b, conv_param)
    return out - b.reshape(1, -1, 1, 1), cache


def matmul_bias_as_row(x, w, b, conv_param):
    """b added along the last axis: only broadcasts when F == OH*OW."""
    out, cache = conv_forward_matmul(x, w, np.zeros_like(b), conv_param)
    N, F, OH, OW = out.shape
    return (out.reshape(N, F, OH * OW) + b).reshape(out.shape), cache


def matmul_in_float64(x, w, b, conv_param):
    out, cache = conv_forward_matmul(x, w, b, conv_param)
    return out.astype(np.float64), cache


@pytest.mark.parametrize("fn, message", [
    (matmul_reshape_not_transpose,
     WORST.format("out") + ".*hand-worked example"),
    (matmul_no_bias, WORST.format("out") + ".*hand-worked example"),
    (matmul_bias_as_row, "your code raised ValueError"),
    (matmul_in_float64, "float32 inputs gave a float64 output"),
])
def test_notebook_04_conv_slips(fn, message):
    pattern = fn.__name__ + ": " + message
    with pytest.raises(ExerciseError, match=pattern) as info:
        check_conv_forward(fn)
    assert "\n" not in str(info.value)


def slices_from_zero(x, pool_param):
    """Starts the maximum at 0: wrong when a whole window is negative."""
    out, cache = max_pool_forward_slices(x, pool_param)
    return np.maximum(out, 0.0), cache


def slices_first_column_only(x, pool_param):
    """Loops over the window's rows but forgets its columns (d = 0 only)."""
    PH, S = pool_param["pool_height"], pool_param["stride"]
    OH = (x.shape[2] - PH) // S + 1
    OW = (x.shape[3] - pool_param["pool_width"]) // S + 1
    out = x[:, :, 0:S * OH:S, 0:S * OW:S].copy()
    for a in range(PH):
        np.maximum(out, x[:, :, a:a + S * OH:S, 0:S * OW:S], out=out)
    return out, (x, dict(pool_param))


def slices_into_x(x, pool_param):
    """Keeps the maximum in the first slice itself, a view of x."""
    PH, PW, S = (pool_param[k] for k in ("pool_height", "pool_width",
                                          "stride"))
    OH, OW = (x.shape[2] - PH) // S + 1, (x.shape[3] - PW) // S + 1
    out = x[:, :, 0:S * OH:S, 0:S * OW:S]
    for a in range(PH):
        for d in range(PW):
            np.maximum(out, x[:, :, a:a + S * OH:S, d:d + S * OW:S], out=out)
    return out.copy(), (x, dict(pool_param))


@pytest.mark.parametrize("fn, message", [
    (slices_from_zero, r"worst element out\[[0-9, ]+\] = 0, expected -"),
    (slices_first_column_only, WORST.format("out")),
    (slices_into_x, "your code modified its argument x in place"),
])
def test_notebook_04_pool_slips(fn, message):
    pattern = fn.__name__ + ": " + message
    with pytest.raises(ExerciseError, match=pattern) as info:
        check_max_pool_forward(fn)
    assert "\n" not in str(info.value)
