"""Numerical gradients by centred differences, and the relative error."""
import numpy as np

from cs231n_layers._validation import (
    check_bool,
    check_float_array,
    check_real,
    check_real_array,
)

__all__ = ["rel_error", "eval_numerical_gradient", "eval_numerical_gradient_array"]


def rel_error(x, y):
    """Relative error between two arrays, ``|x - y| / max(|x| + |y|, 1e-12)``.

    Norms are Euclidean over all elements. Unlike an element-wise ratio, this
    is not thrown off by single entries near zero, and the floor keeps it
    finite when both arrays are zero. Around 1e-8 or below means agreement to
    float64 rounding; above 1e-4 almost always means a bug.

    Parameters
    ----------
    x, y : array_like, same shape
        Real numbers (integers, float32 or float64), all finite.

    Returns
    -------
    float
    """
    x = check_real_array(x, "x", "rel_error").astype(np.float64)
    y = check_real_array(y, "y", "rel_error").astype(np.float64)
    if x.shape != y.shape:
        raise ValueError(
            f"rel_error: x and y must have the same shape, got {x.shape} "
            f"and {y.shape}"
        )
    diff = np.linalg.norm((x - y).ravel())
    scale = np.linalg.norm(x.ravel()) + np.linalg.norm(y.ravel())
    return float(diff / max(scale, 1e-12))


def _check_arguments(f, x, h, func):
    """Check what both numerical gradients take; return ``h`` as a float."""
    if not callable(f):
        raise TypeError(f"{func}: f must be callable, got {type(f).__name__}")
    check_float_array(x, "x", func)
    if not x.flags.writeable:
        raise ValueError(
            f"{func}: x must be writeable: it is perturbed in place, one "
            f"element at a time, and restored (pass x.copy())"
        )
    return check_real(h, "h", func, "(0, inf)")


def _perturbed(f, x, index, h, func):
    """Return ``f`` evaluated at ``x[index] + h`` and ``x[index] - h``.

    ``x`` is perturbed in place and restored afterwards, even if ``f`` raises.
    Both results must be finite real numbers.
    """
    old = x[index]
    try:
        x[index] = old + h
        plus = np.array(f(x), copy=True)
        x[index] = old - h
        minus = np.array(f(x), copy=True)
    finally:
        x[index] = old
    # Both are copies: ``f`` may return a view of ``x`` (``lambda x: x``),
    # which restoring ``x`` would otherwise overwrite.
    for value in (plus, minus):
        check_real_array(value, f"f(x) (x perturbed at {index})", func)
    return plus, minus


def eval_numerical_gradient(f, x, verbose=False, h=1e-5):
    """Gradient of a scalar function by centred differences.

    .. math:: \\frac{\\partial f}{\\partial x_i} \\approx
              \\frac{f(x + h e_i) - f(x - h e_i)}{2h}

    Parameters
    ----------
    f : callable
        Takes ``x`` and returns a scalar.
    x : ndarray of float, any shape
        The point. It is perturbed in place one element at a time and
        restored; use float64, in float32 the differences drown in rounding.
    verbose : bool
        Print each index and its estimate as it goes.
    h : float
        Step size, > 0.

    Returns
    -------
    grad : ndarray, shape of x

    Raises
    ------
    TypeError, ValueError
        If ``f`` is not callable, ``x`` is not a writeable float array of
        finite numbers, ``h`` is not a positive finite number, ``verbose``
        not a bool, or ``f`` returns anything but one finite real number.
    """
    func = "eval_numerical_gradient"
    h = _check_arguments(f, x, h, func)
    verbose = check_bool(verbose, "verbose", func)
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        plus, minus = _perturbed(f, x, index, h, func)
        if plus.ndim != 0:
            raise ValueError(
                f"eval_numerical_gradient: f must return a scalar, got an "
                f"array of shape {plus.shape}; use "
                f"eval_numerical_gradient_array for array-valued f"
            )
        grad[index] = (plus - minus) / (2 * h)
        if verbose:
            print(index, grad[index])
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Gradient of ``sum(f(x) * df)`` by centred differences.

    This is what a layer's backward pass computes when ``df`` is the
    upstream gradient ``dout``: the chain rule through an array-valued ``f``.

    Parameters
    ----------
    f : callable
        Takes ``x`` and returns an array of the shape of ``df``.
    x : ndarray of float, any shape
        Perturbed in place one element at a time and restored.
    df : array_like, shape of ``f(x)``
        Upstream gradient, finite real numbers.
    h : float
        Step size, > 0.

    Returns
    -------
    grad : ndarray, shape of x

    Raises
    ------
    TypeError, ValueError
        As :func:`eval_numerical_gradient`, and if ``df`` is not an array
        of finite real numbers of the shape of ``f(x)``.
    """
    func = "eval_numerical_gradient_array"
    h = _check_arguments(f, x, h, func)
    df = check_real_array(df, "df", func)
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        plus, minus = _perturbed(f, x, index, h, func)
        if plus.shape != df.shape:
            raise ValueError(
                f"eval_numerical_gradient_array: df must have the shape of "
                f"f(x), {plus.shape}, got {df.shape}"
            )
        grad[index] = np.sum((plus - minus) * df) / (2 * h)
    return grad
