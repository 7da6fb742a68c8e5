"""What every exercise checker shares: the error type and the comparisons,
and the tolerances, worked example and helpers of several topic modules."""
import contextlib
import contextvars
import functools
import importlib
import inspect
import linecache
import sys
import warnings

import numpy as np

from cs231n_layers.gradient_check import rel_error

# Package functions the student's code may not call in the check running
# now: set by @forbids around a checker, read by call_exercise.
_FORBIDDEN = contextvars.ContextVar("forbidden", default=())
# True inside package_calls_allowed(): the checkers' own tests build right
# and wrong answers out of the package's functions.
_ALLOWED = contextvars.ContextVar("allowed", default=False)


@contextlib.contextmanager
def package_calls_allowed():
    """Inside, checkers accept code that calls the package's finished
    functions; for testing the checkers themselves, not for notebooks."""
    token = _ALLOWED.set(True)
    try:
        yield
    finally:
        _ALLOWED.reset(token)


class ExerciseError(AssertionError):
    """A failed exercise check, shown in Jupyter as one readable line.

    IPython calls ``_render_traceback_`` when it exists, instead of printing
    the whole traceback through the checker's internals; the student sees
    only what went wrong and in which exercise.
    """

    def _render_traceback_(self):
        return [f"ExerciseError: {self}"]


def forbids(*names):
    """Decorate a checker: the student's code may not call these functions.

    ``names`` are the package's finished versions of what the exercise asks
    for, as ``"module.function"`` or ``"module.Class.method"`` below
    ``cs231n_layers``. While the checker runs, :func:`call_exercise` fails
    the check if the student's code calls one of them, however it was
    imported or wrapped.
    """
    def decorate(checker):
        @functools.wraps(checker)
        def wrapper(*args, **kwargs):
            token = _FORBIDDEN.set(() if _ALLOWED.get() else names)
            try:
                return checker(*args, **kwargs)
            finally:
                _FORBIDDEN.reset(token)
        return wrapper
    return decorate


def _code_of(name):
    """The code object of ``cs231n_layers.<name>`` (a function or method)."""
    module, *attrs = name.split(".")
    obj = importlib.import_module(f"cs231n_layers.{module}")
    for attr in attrs:
        obj = getattr(obj, attr)
    return obj.__code__


def _run_watched(fn, args, kwargs):
    """``fn(*args, **kwargs)`` and the forbidden functions it called.

    Warnings are silenced: under nbgrader's rule anything written to stderr
    costs a check its points, and a right answer may well warn on the way
    (a wrong one is caught by the comparisons, NaN included).
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _run_profiled(fn, args, kwargs)


def _run_profiled(fn, args, kwargs):
    forbidden = {_code_of(name): name.rsplit(".", 1)[-1]
                 for name in _FORBIDDEN.get()}
    if not forbidden:
        return fn(*args, **kwargs), []
    called = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code in forbidden:
            called.append(forbidden[frame.f_code])

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        result = fn(*args, **kwargs)
    finally:
        sys.setprofile(previous)
    return result, called


def call_exercise(exercise, fn, *args, **kwargs):
    """Call the student's function, turning any failure into one line.

    The line names the exercise, the error's type and message, the line of
    the student's code that raised it when it can be found, and the case:
    the arguments, described by :func:`describe_call` (use
    :func:`call_case` to give a description in the checker's own words).
    Inside a checker decorated with :func:`forbids`, a call of one of the
    package's finished functions fails the check too.
    """
    return _call(exercise, None, fn, args, kwargs)


def call_case(exercise, where, fn, *args, **kwargs):
    """:func:`call_exercise` for the case ``where``, e.g. ``"x of shape
    (2, 3, 5, 5), stride 1, pad 1"``: a failure names that case."""
    return _call(exercise, where, fn, args, kwargs)


def _call(exercise, where, fn, args, kwargs):
    try:
        result, called = _run_watched(fn, args, kwargs)
    except NotImplementedError:
        raise ExerciseError(
            f"{exercise}: not implemented yet. Replace the line raising "
            f"NotImplementedError in the exercise cell with your code, run that "
            f"cell, then run this check again."
        ) from None
    except Exception as err:  # the student's code may raise anything
        if where is None:
            where = describe_call(fn, args, kwargs)
        message = " ".join(str(err).split())  # one line
        raise ExerciseError(
            f"{exercise}: your code raised {type(err).__name__}: {message}"
            f"{_raised_at(err, fn)}; in {where}"
        ) from None
    if called:
        raise ExerciseError(
            f"{exercise}: your code calls the package's finished "
            f"{called[0]}, so this check gives no points: write it yourself. "
            f"(The cells after the check use the package's version, so the "
            f"rest of the notebook runs either way.)")
    return result


def _raised_at(err, fn):
    """`` (at `code`)``: the last line of the student's cell that ran
    before ``err`` was raised, or ``""`` when it cannot be found."""
    code = getattr(fn, "__code__", None) or getattr(
        getattr(fn, "__func__", None), "__code__", None)
    if code is None:
        return ""
    found = None
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == code.co_filename:
            found = tb
        tb = tb.tb_next
    if found is None:
        return ""
    text = linecache.getline(code.co_filename, found.tb_lineno).strip()
    if not text:
        return ""
    if len(text) > 70:
        text = text[:67] + "..."
    return f" (at `{text}`)"


def _describe_value(value):
    """A short description of one argument: arrays by shape and dtype."""
    if isinstance(value, np.ndarray):
        return f"shape {value.shape} {value.dtype}"
    if isinstance(value, dict):
        return repr(value) if len(repr(value)) <= 80 else "a dict"
    if isinstance(value, (bool, int, float, str, np.generic)) or value is None:
        return repr(value)
    if isinstance(value, (tuple, list)) and len(repr(value)) <= 40:
        return repr(value)
    arrays = [v for v in value if isinstance(v, np.ndarray)] \
        if isinstance(value, tuple) else []
    if arrays:
        return (f"a {type(value).__name__} holding arrays of shape "
                f"{', '.join(str(a.shape) for a in arrays)}")
    return f"a {type(value).__name__}"


def describe_call(fn, args, kwargs):
    """The arguments of a call, for a message: ``"x of shape (2, 3) float64,
    conv_param {'stride': 1, 'pad': 0}"``; named after ``fn``'s parameters
    when its signature can be read."""
    try:
        bound = inspect.signature(fn).bind_partial(*args, **kwargs)
        pairs = list(bound.arguments.items())
    except (TypeError, ValueError):
        pairs = [(f"argument {k + 1}", v) for k, v in enumerate(args)]
        pairs += list(kwargs.items())
    parts = []
    for name, value in pairs:
        text = _describe_value(value)
        joiner = " of " if text.startswith("shape") else (
            " = " if not text.startswith("a ") else ": ")
        parts.append(f"{name}{joiner}{text}")
    return "the call with " + ", ".join(parts) if parts else "the call"


def _index(flat, shape):
    """A flat index as a tuple of plain ints (prints as ``[1, 0]``)."""
    return tuple(int(i) for i in np.unravel_index(flat, shape))


def compare(exercise, what, actual, expected, tol, where=None):
    """Check ``actual`` against ``expected`` element by element.

    Passes when every ``|actual - expected| <= tol * max(1, |expected|)``.
    Returns the largest such scaled error; raises :class:`ExerciseError`
    naming the worst element otherwise, followed by ``where`` (the case
    that failed, e.g. ``"stride 2, pad 1"``) when given.
    """
    try:
        return _compare(exercise, what, actual, expected, tol)
    except ExerciseError as err:
        if where is None:
            raise
        raise ExerciseError(f"{err}; in {where}") from None


def _compare(exercise, what, actual, expected, tol):
    """:func:`compare` without the case description."""
    expected = np.asarray(expected)
    if not isinstance(actual, (np.ndarray, np.generic, float, int)):
        raise ExerciseError(
            f"{exercise}: {what} should be a numpy array, got "
            f"{type(actual).__name__}"
        )
    actual = np.asarray(actual)
    if actual.shape != expected.shape:
        raise ExerciseError(
            f"{exercise}: {what} has shape {actual.shape}, expected "
            f"{expected.shape}"
        )
    if actual.size == 0:
        return 0.0
    if not np.all(np.isfinite(actual)):
        bad = _index(np.argmin(np.isfinite(actual)), actual.shape)
        raise ExerciseError(
            f"{exercise}: {what}{list(bad)} is {actual[bad]}, not a finite "
            f"number"
        )
    scaled = np.abs(actual - expected) / np.maximum(1.0, np.abs(expected))
    worst = _index(np.argmax(scaled), scaled.shape)
    if scaled[worst] > tol:
        raise ExerciseError(
            f"{exercise}: worst element {what}{list(worst)} = "
            f"{actual[worst]:.6g}, expected {expected[worst]:.6g} "
            f"(error {scaled[worst]:.1e} > tolerance {tol:.0e})"
        )
    return float(scaled[worst])


def passed(exercise, detail):
    """Print the one-line success message."""
    print(f"PASSED {exercise}: {detail}")


# ------------------------------------------- shared by the topic modules
# What more than one checker module uses, defined here once: tolerances,
# the worked example of notebooks 02 and 03, and small helpers. The topic
# modules import the helpers under their old private names (``_name``, ...).

FORWARD_TOL = 1e-10  # float64 forward vs exact values or the reference
GRAD_TOL = 1e-7      # rel_error of an analytic vs a numerical gradient

# The worked example of notebooks 02 (im2col, its example 2) and 03 (the
# convolution by hand): one image, N=1, C=3, H=W=4, 48 numbers.
EXAMPLE_1x3x4x4 = np.array(
    [3, 0, 4, 2, 6, 5, 4, 3, 3, 0, 2, 3, 1, 0, 3, 1,
     1, 2, 0, 1, 3, 0, 2, 4, 1, 0, 3, 2, 4, 3, 0, 1,
     4, 2, 0, 1, 1, 2, 0, 4, 3, 0, 4, 2, 6, 2, 4, 5],
    dtype=np.float64,
).reshape(1, 3, 4, 4)


def exercise_name(fn, default):
    """The exercise's name in messages: the function's own name."""
    name = getattr(fn, "__name__", "")
    return name if name and name != "<lambda>" else default


def unpack(exercise, result, names, where=None):
    """Check that ``result`` is a tuple of ``len(names)`` values; a failure
    names the case ``where`` when given."""
    if not isinstance(result, tuple) or len(result) != len(names):
        got = (f"a tuple of {len(result)}" if isinstance(result, tuple)
               else type(result).__name__)
        case = f"; in {where}" if where else ""
        raise ExerciseError(
            f"{exercise}: should return the tuple ({', '.join(names)}), "
            f"got {got}{case}"
        )
    return result


def compare_gradient(exercise, what, analytic, numeric, where, tol=GRAD_TOL):
    """Compare a gradient with its numerical estimate by ``rel_error``.

    Returns the relative error; raises :class:`ExerciseError` naming the
    element that differs most when it exceeds ``tol`` (a layer's
    ``GRAD_TOL`` by default; a whole model allows more).
    """
    # Type, shape and finiteness; the element-wise tolerance is never hit.
    compare(exercise, what, analytic, numeric, np.inf, where)
    err = rel_error(analytic, numeric)
    if not err < tol:
        diff = np.abs(np.asarray(analytic, dtype=np.float64) - numeric)
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(diff),
                                                        diff.shape))
        raise ExerciseError(
            f"{exercise}: {what} has relative error {err:.1e} > tolerance "
            f"{tol:.0e}; worst element {what}{list(worst)} = "
            f"{analytic[worst]:.6g}, numerical gradient {numeric[worst]:.6g}; "
            f"in {where}"
        )
    return err


def require_unchanged(exercise, what, before, after, where=None):
    """Fail if an argument was modified in place (in the case ``where``)."""
    if not np.array_equal(before, after):
        case = f"; in {where}" if where else ""
        raise ExerciseError(
            f"{exercise}: your code modified its argument {what} in place; "
            f"work on a copy (or a new array) instead{case}"
        )


def in_words(n):
    """``"two"`` for 2: small counts in a success line, as prose."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven",
             "eight", "nine")
    return words[n] if n < len(words) else str(n)
