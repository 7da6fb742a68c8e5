"""What every exercise checker shares: the error type and the comparisons."""
import contextlib
import contextvars
import functools
import importlib
import sys
import warnings

import numpy as np

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

    Inside a checker decorated with :func:`forbids`, a call of one of the
    package's finished functions fails the check too.
    """
    try:
        result, called = _run_watched(fn, args, kwargs)
    except NotImplementedError:
        raise ExerciseError(
            f"{exercise}: not implemented yet. Replace the line raising "
            f"NotImplementedError in the exercise cell with your code, run that "
            f"cell, then run this check again."
        ) from None
    except Exception as err:  # the student's code may raise anything
        raise ExerciseError(
            f"{exercise}: your code raised {type(err).__name__}: {err}"
        ) from None
    if called:
        raise ExerciseError(
            f"{exercise}: your code calls the package's finished "
            f"{called[0]}, so this check gives no points: write it yourself. "
            f"(The cells after the check use the package's version, so the "
            f"rest of the notebook runs either way.)")
    return result


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
