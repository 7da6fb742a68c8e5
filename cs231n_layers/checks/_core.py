"""What every exercise checker shares: the error type and the comparisons."""
import numpy as np


class ExerciseError(AssertionError):
    """A failed exercise check, shown in Jupyter as one readable line.

    IPython calls ``_render_traceback_`` when it exists, instead of printing
    the whole traceback through the checker's internals; the student sees
    only what went wrong and in which exercise.
    """

    def _render_traceback_(self):
        return [f"ExerciseError: {self}"]


def call_exercise(exercise, fn, *args, **kwargs):
    """Call the student's function, turning any failure into one line."""
    try:
        return fn(*args, **kwargs)
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
