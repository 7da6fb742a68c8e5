"""The checkers of notebook 02_im2col pass right answers and fail wrong ones."""
import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import hidden_kwargs, run_kwargs
from cs231n_layers.checks import ExerciseError, check_col2im, check_im2col
from cs231n_layers.checks import im2col as checks_im2col
from cs231n_layers.correlation import conv_output_size


def _sizes(x_shape, KH, KW, S, P):
    N, C, H, W = x_shape
    return N, C, H, W, conv_output_size(H, KH, P, S), conv_output_size(W, KW, P, S)


# Right answers written independently of the package.

def im2col_by_indices(x, kernel_height, kernel_width, stride=1, pad=0):
    N, C, H, W, OH, OW = _sizes(x.shape, kernel_height, kernel_width,
                                stride, pad)
    c, a, d = np.indices((C, kernel_height, kernel_width)).reshape(3, -1)
    i, j = np.indices((OH, OW)).reshape(2, -1)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    gathered = xp[:, c, stride * i[:, None] + a, stride * j[:, None] + d]
    return gathered.reshape(N * OH * OW, -1)


def col2im_by_add_at(cols, x_shape, kernel_height, kernel_width, stride=1,
                     pad=0):
    N, C, H, W, OH, OW = _sizes(x_shape, kernel_height, kernel_width,
                                stride, pad)
    c, a, d = np.indices((C, kernel_height, kernel_width)).reshape(3, -1)
    i, j = np.indices((OH, OW)).reshape(2, -1)
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    index = (slice(None), c, stride * i[:, None] + a, stride * j[:, None] + d)
    np.add.at(xp, index, cols.reshape(N, OH * OW, -1))
    return xp[:, :, pad:pad + H, pad:pad + W]


# Wrong answers, each with one subtle mistake.

def stub(*args, **kwargs):
    raise NotImplementedError


def im2col_ignores_pad(x, kernel_height, kernel_width, stride=1, pad=0):
    return cl.im2col(x, kernel_height, kernel_width, stride, 0)


def im2col_ignores_stride(x, kernel_height, kernel_width, stride=1, pad=0):
    # right number of windows, but they start at (i, j), not (i*S, j*S)
    N, C, H, W, OH, OW = _sizes(x.shape, kernel_height, kernel_width,
                                stride, pad)
    dense = cl.im2col(x, kernel_height, kernel_width, 1, pad)
    dense = dense.reshape(N, H + 2 * pad - kernel_height + 1,
                          W + 2 * pad - kernel_width + 1, -1)
    return dense[:, :OH, :OW].reshape(N * OH * OW, -1)


def im2col_channels_last(x, kernel_height, kernel_width, stride=1, pad=0):
    # columns ordered (a, d, c) instead of (c, a, d)
    C = x.shape[1]
    cols = cl.im2col(x, kernel_height, kernel_width, stride, pad)
    return cols.reshape(len(cols), C, -1).transpose(0, 2, 1).reshape(cols.shape)


def im2col_off_by_one(x, kernel_height, kernel_width, stride=1, pad=0):
    # windows start one pixel too far right (wraps around at the edge)
    return cl.im2col(np.roll(x, -1, axis=3), kernel_height, kernel_width,
                     stride, pad)


def im2col_as_float64(x, kernel_height, kernel_width, stride=1, pad=0):
    return cl.im2col(x, kernel_height, kernel_width, stride, pad).astype(float)


def im2col_returns_list(x, kernel_height, kernel_width, stride=1, pad=0):
    return cl.im2col(x, kernel_height, kernel_width, stride, pad).tolist()


def col2im_assigns(cols, x_shape, kernel_height, kernel_width, stride=1,
                   pad=0):
    # "=" instead of "+=": overlapping windows overwrite each other
    N, C, H, W, OH, OW = _sizes(x_shape, kernel_height, kernel_width,
                                stride, pad)
    blocks = cols.reshape(N, OH, OW, C, kernel_height, kernel_width)
    blocks = blocks.transpose(0, 3, 4, 5, 1, 2)
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    for a in range(kernel_height):
        for d in range(kernel_width):
            xp[:, :, a:a + stride * OH:stride,
               d:d + stride * OW:stride] = blocks[:, :, a, d]
    return xp[:, :, pad:pad + H, pad:pad + W]


def col2im_fancy_plus_equals(cols, x_shape, kernel_height, kernel_width,
                             stride=1, pad=0):
    # index arrays with "+=" instead of np.add.at: repeats counted once
    N, C, H, W, OH, OW = _sizes(x_shape, kernel_height, kernel_width,
                                stride, pad)
    c, a, d = np.indices((C, kernel_height, kernel_width)).reshape(3, -1)
    i, j = np.indices((OH, OW)).reshape(2, -1)
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    xp[:, c, stride * i[:, None] + a, stride * j[:, None] + d] += cols.reshape(
        N, OH * OW, -1)
    return xp[:, :, pad:pad + H, pad:pad + W]


def col2im_no_crop(cols, x_shape, kernel_height, kernel_width, stride=1,
                   pad=0):
    x = cl.col2im(cols, x_shape, kernel_height, kernel_width, stride, pad)
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def col2im_as_float64(cols, x_shape, kernel_height, kernel_width, stride=1,
                      pad=0):
    return cl.col2im(cols.astype(float), x_shape, kernel_height,
                     kernel_width, stride, pad)


def col2im_averages(cols, x_shape, kernel_height, kernel_width, stride=1,
                    pad=0):
    # divides by the count map: an inverse of im2col, not its adjoint
    args = (x_shape, kernel_height, kernel_width, stride, pad)
    counts = cl.col2im(cl.im2col(np.ones(x_shape), kernel_height,
                                 kernel_width, stride, pad), *args)
    return cl.col2im(cols, *args) / np.maximum(counts, 1)


def col2im_wrong_stride_only(cols, x_shape, kernel_height, kernel_width,
                             stride=1, pad=0):
    # right for stride 1, but the slice step is forgotten otherwise
    N, C, H, W, OH, OW = _sizes(x_shape, kernel_height, kernel_width,
                                stride, pad)
    blocks = cols.reshape(N, OH, OW, C, kernel_height, kernel_width)
    blocks = blocks.transpose(0, 3, 4, 5, 1, 2)
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    for a in range(kernel_height):
        for d in range(kernel_width):
            xp[:, :, a:a + OH, d:d + OW] += blocks[:, :, a, d]
    return xp[:, :, pad:pad + H, pad:pad + W]


# The random cases are valid shapes.

@pytest.mark.parametrize(
    "case",
    checks_im2col.CASES + tuple(hidden_kwargs("check_im2col")["cases"])
    + tuple(hidden_kwargs("check_col2im")["cases"])
    + (checks_im2col.FLOAT32_CASE,),
    ids=str,
)
def test_cases_are_valid_shapes(case):
    N, C, H, W, KH, KW, S, P = case
    assert conv_output_size(H, KH, P, S) >= 1
    assert conv_output_size(W, KW, P, S) >= 1


def test_worked_examples_match_the_reference():
    assert np.array_equal(cl.im2col(checks_im2col.EXAMPLE_2x2x2x3, 2, 2),
                          checks_im2col.EXAMPLE_2x2x2x3_COLS)
    assert np.array_equal(cl.im2col(checks_im2col.EXAMPLE_1x3x4x4, 2, 2),
                          checks_im2col.EXAMPLE_1x3x4x4_COLS)


# (a) right answers pass and say so.

@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("fn", [cl.im2col, im2col_by_indices],
                         ids=["reference", "by_indices"])
def test_check_im2col_passes(fn, hidden, capsys):
    check_im2col(fn, **run_kwargs("check_im2col", hidden))
    out = capsys.readouterr().out
    assert out.startswith(f"PASSED {fn.__name__}:")
    assert out.count("\n") == 1


@pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])
@pytest.mark.parametrize("fn", [cl.col2im, col2im_by_add_at],
                         ids=["reference", "add_at"])
def test_check_col2im_passes(fn, hidden, capsys):
    check_col2im(fn, **run_kwargs("check_col2im", hidden))
    out = capsys.readouterr().out
    assert out.startswith(f"PASSED {fn.__name__}:")
    assert out.count("\n") == 1


# (b) an unfinished stub gives one short line.

@pytest.mark.parametrize("checker", [check_im2col, check_col2im],
                         ids=["im2col", "col2im"])
def test_stub_is_reported_as_not_implemented(checker):
    with pytest.raises(ExerciseError, match=r"^stub: not implemented yet") as info:
        checker(stub)
    assert "\n" not in str(info.value)
    assert info.value._render_traceback_() == [f"ExerciseError: {info.value}"]


# (c) subtly wrong answers fail and say where.

@pytest.mark.parametrize("fn, message", [
    (im2col_ignores_pad, r"pad=1: cols has shape \(18, 27\), expected \(50, 27\)"),
    (im2col_ignores_stride, r"stride=2, pad=0: worst element cols\["),
    (im2col_channels_last, r"2x2x2x3 example .*worst element cols\["),
    (im2col_off_by_one, r"2x2x2x3 example .*worst element cols\["),
    (im2col_as_float64, r"\(float32\): returned dtype float64 for float32"),
    (im2col_returns_list, r"cols should be a numpy array, got list"),
])
def test_check_im2col_catches_mistakes(fn, message):
    with pytest.raises(ExerciseError, match=message) as info:
        check_im2col(fn)
    assert str(info.value).startswith(fn.__name__)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("fn, message", [
    (col2im_assigns, r"x_shape=\(1, 1, 6, 6\).*worst element "
                     r"col2im\(im2col\(ones\)\)\[.*expected 9"),
    (col2im_fancy_plus_equals, r"worst element col2im\(im2col\(ones\)\)\["),
    (col2im_no_crop, r"has shape \(2, 3, 7, 7\), expected \(2, 3, 5, 5\)"),
    (col2im_as_float64, r"\(float32\): returned dtype float64 for float32"),
    (col2im_averages, r"worst element col2im\(im2col\(ones\)\)\["),
    (col2im_wrong_stride_only, r"stride=2, pad=0: worst element "
                               r"col2im\(im2col\(ones\)\)\["),
])
def test_check_col2im_catches_mistakes(fn, message):
    with pytest.raises(ExerciseError, match=message) as info:
        check_col2im(fn)
    assert str(info.value).startswith(fn.__name__)
    assert "\n" not in str(info.value)


def test_check_col2im_reports_a_broken_adjoint(monkeypatch):
    # Right on images of ones (step 1) but not linear. With the reference
    # of step 2 swapped for the same mistake, only the adjoint step is left
    # to catch it, and it must say so in one line.
    def col2im_of_abs(cols, *args, **kwargs):
        return cl.col2im(np.abs(cols), *args, **kwargs)

    monkeypatch.setattr(checks_im2col, "reference_col2im", col2im_of_abs)
    with pytest.raises(ExerciseError, match=r"<im2col\(x\), Y> = .* but "
                                            r"<x, col2im_of_abs\(Y\)> = "
                                            r".*tolerance 1e-10") as info:
        check_col2im(col2im_of_abs)
    assert "\n" not in str(info.value)


def test_student_errors_are_one_line():
    def raises_index_error(x, *args, **kwargs):
        return x[99]

    with pytest.raises(ExerciseError,
                       match=r"^raises_index_error: your code raised "
                             r"IndexError"):
        check_im2col(raises_index_error)
