"""Argument checks shared by every public entry point.

Each helper raises ``TypeError`` for a wrong type and ``ValueError`` for a
wrong value, with a message that names the calling function, the argument,
what was received and what was expected. Nothing here uses ``assert``: asserts
vanish under ``python -O`` and say nothing useful to a student.

Arrays of numbers must be finite: a nan or an inf is refused where it comes
in (:class:`NonFiniteError`, a ``ValueError``) rather than passed on, so no
function of the package turns bad input into a silent nan.
"""
import contextlib
import math
import numbers

import numpy as np

CONV_PARAM_KEYS = ("stride", "pad")
POOL_PARAM_KEYS = ("pool_height", "pool_width", "stride")


FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class NonFiniteError(ValueError):
    """An array that must hold finite numbers holds a nan or an inf."""


def check_finite(arr, name, func):
    """Raise :class:`NonFiniteError` if the ndarray ``arr`` holds nan or inf.

    Fast path: the sum of squares (one BLAS dot product, no temporary array
    for a contiguous ``arr``) is finite only if every element is. Only when
    it is not, the elements are looked at one by one, to tell a nan or an
    inf from squares too large for the dtype.
    """
    if arr.dtype.kind != "f" or arr.size == 0:
        return
    flat = arr.ravel(order="K")  # a view, unless arr is not contiguous
    with np.errstate(over="ignore"):
        if np.isfinite(np.dot(flat, flat)):
            return
    bad = np.argwhere(~np.isfinite(arr))
    if len(bad):
        first = tuple(int(i) for i in bad[0])
        raise NonFiniteError(
            f"{func}: {name} must hold finite numbers, got {arr[first]} at "
            f"index {first}"
        )


def check_float_array(arr, name, func, ndim=None, finite=True):
    """Return ``arr`` if it is a finite float32 or float64 ndarray.

    With ``ndim``, it must also have that many dimensions; with
    ``finite=False`` its values are not looked at.
    """
    if not isinstance(arr, np.ndarray):
        raise TypeError(
            f"{func}: {name} must be a numpy array, got {type(arr).__name__}"
        )
    if arr.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{func}: {name} must have a floating-point dtype "
            f"(float32 or float64), got {arr.dtype}"
        )
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{func}: {name} must be {ndim}-D, got {arr.ndim}-D array "
            f"of shape {arr.shape}"
        )
    if finite:
        check_finite(arr, name, func)
    return arr


def check_float_dtype(dtype, name, func):
    """Return ``np.dtype(dtype)`` if that is float32 or float64."""
    try:
        result = np.dtype(dtype)
    except (TypeError, ValueError):
        result = None
    if result is None or result not in FLOAT_DTYPES:
        raise TypeError(
            f"{func}: {name} must be a float type, float32 or float64, got "
            f"{dtype!r}"
        )
    return result


def check_real_array(arr, name, func):
    """Return ``np.asarray(arr)`` if it holds finite real numbers.

    For the functions that take any array_like: integers and float32 or
    float64 are accepted; booleans, complex numbers, strings, objects, and
    lists of unequal lengths are not.
    """
    try:
        arr = np.asarray(arr)
    except ValueError as err:  # a ragged list
        raise ValueError(
            f"{func}: {name} must be an array of numbers, got "
            f"{type(arr).__name__} that numpy cannot convert ({err})"
        ) from None
    if arr.dtype.kind not in "iu" and arr.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{func}: {name} must hold real numbers (integers, float32 or "
            f"float64), got dtype {arr.dtype}"
        )
    check_finite(arr, name, func)
    return arr


def check_int(value, name, func, minimum):
    """Return ``value`` as an int if it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{func}: {name} must be an integer, got "
            f"{type(value).__name__} {value!r}"
        )
    if value < minimum:
        raise ValueError(
            f"{func}: {name} must be >= {minimum}, got {value}"
        )
    return int(value)


def check_bool(value, name, func):
    """Return ``value`` as a bool if it is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{func}: {name} must be True or False, got "
            f"{type(value).__name__} {value!r}"
        )
    return bool(value)


def check_real(value, name, func, interval="(-inf, inf)"):
    """Return ``value`` as a float if it is a real number in ``interval``.

    ``interval`` is written as in mathematics: ``"[0, 1)"`` holds 0 but not
    1, and ``"(0, inf)"`` every positive finite number. nan lies in none.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{func}: {name} must be a real number, got "
            f"{type(value).__name__} {value!r}"
        )
    try:
        number = float(value)
    except OverflowError:  # an int beyond the range of a float
        number = math.inf if value > 0 else -math.inf
    low, high = (float(end) for end in interval[1:-1].split(","))
    above = low < number or (interval[0] == "[" and number == low)
    below = number < high or (interval[-1] == "]" and number == high)
    if not (above and below and math.isfinite(number)):
        raise ValueError(
            f"{func}: {name} must be a finite number in {interval}, got "
            f"{value!r}"
        )
    return number


def check_seed(seed, func):
    """Check a seed for ``np.random.default_rng``: None or an int >= 0."""
    if seed is not None:
        check_int(seed, "seed", func, 0)


def check_cache(cache, expected, func):
    """Return ``cache`` if it has the type ``expected`` (see caches.py).

    Otherwise raise TypeError naming the forward pass whose cache ``func``
    needs, and what came instead: the cache of another forward pass, a
    tuple built by hand, or anything else.
    """
    if isinstance(cache, expected):
        return cache
    if hasattr(type(cache), "forward"):
        got = f"the cache of {type(cache).forward}"
    elif isinstance(cache, tuple):
        got = f"a plain tuple of length {len(cache)}"
    else:
        got = type(cache).__name__
    raise TypeError(
        f"{func}: cache must be the {expected.__name__} returned by "
        f"{expected.forward}, got {got}"
    )


def check_cached_array(arr, name, shape, kinds, func):
    """Check an array a forward pass keeps in its cache (cols, argmax).

    ``kinds`` lists the accepted dtype kinds (``"f"`` float, ``"u"``
    unsigned integer); the values are the forward pass's own and are not
    read again.
    """
    if not isinstance(arr, np.ndarray) or arr.dtype.kind not in kinds:
        what = arr.dtype if isinstance(arr, np.ndarray) else type(arr).__name__
        raise TypeError(
            f"{func}: cache.{name} must be the array the forward pass "
            f"stored, got {what}"
        )
    if arr.shape != tuple(shape):
        raise ValueError(
            f"{func}: cache.{name} must have shape {tuple(shape)}, got "
            f"{arr.shape}"
        )


@contextlib.contextmanager
def errors_named(func):
    """Put ``func:`` in front of a ValueError or TypeError raised inside.

    For functions made of other public functions (the sandwich layers):
    ``conv_relu_forward: conv_forward_fast: x has C=3 channels ...`` names
    the function called and the one that found the problem.
    """
    try:
        yield
    except (TypeError, ValueError) as err:
        if str(err).startswith(f"{func}:"):
            raise
        for kind in (TypeError, NonFiniteError, ValueError):
            if isinstance(err, kind):
                raise kind(f"{func}: {err}") from err


def check_param_dict(params, name, keys, func):
    """Check that ``params`` is a dict with exactly the given keys."""
    if not isinstance(params, dict):
        raise TypeError(
            f"{func}: {name} must be a dict with keys {list(keys)}, got "
            f"{type(params).__name__}"
        )
    missing = [k for k in keys if k not in params]
    unknown = sorted(str(k) for k in params if k not in keys)
    if missing or unknown:
        raise ValueError(
            f"{func}: {name} has missing keys {missing} and unknown keys "
            f"{unknown}; the valid keys are {list(keys)}"
        )


def read_conv_param(conv_param, func):
    """Validate ``conv_param`` and return ``(stride, pad)``."""
    check_param_dict(conv_param, "conv_param", CONV_PARAM_KEYS, func)
    stride = check_int(conv_param["stride"], "conv_param['stride']", func, 1)
    pad = check_int(conv_param["pad"], "conv_param['pad']", func, 0)
    return stride, pad


def read_pool_param(pool_param, func):
    """Validate ``pool_param`` and return ``(pool_height, pool_width, stride)``."""
    check_param_dict(pool_param, "pool_param", POOL_PARAM_KEYS, func)
    ph = check_int(pool_param["pool_height"], "pool_param['pool_height']", func, 1)
    pw = check_int(pool_param["pool_width"], "pool_param['pool_width']", func, 1)
    stride = check_int(pool_param["stride"], "pool_param['stride']", func, 1)
    return ph, pw, stride


def output_size(func, axis, in_size, kernel_size, pad, stride, what):
    """``conv_output_size`` with an error message that names the caller."""
    # Imported here: correlation, generated from notebook 01, imports this
    # module.
    from cs231n_layers.correlation import conv_output_size

    try:
        return conv_output_size(in_size, kernel_size, pad, stride)
    except ValueError as err:
        reason = str(err).removeprefix("conv_output_size: ")
        raise ValueError(f"{func}: along {axis}, the {what}: {reason}") from None


def conv_shapes(x, w, b, conv_param, func):
    """Validate the inputs of a convolution forward pass.

    Returns
    -------
    (stride, pad, OH, OW)
    """
    check_float_array(x, "x", func, ndim=4)
    check_float_array(w, "w", func, ndim=4)
    check_float_array(b, "b", func, ndim=1)
    stride, pad = read_conv_param(conv_param, func)
    N, C, H, W = x.shape
    F, Cw, KH, KW = w.shape
    if C != Cw:
        raise ValueError(
            f"{func}: x has C={C} channels but w expects C={Cw} "
            f"(x.shape={x.shape}, w.shape={w.shape})"
        )
    if b.shape != (F,):
        raise ValueError(
            f"{func}: b must have shape (F,) = ({F},) to match "
            f"w.shape={w.shape}, got {b.shape}"
        )
    if KH < 1 or KW < 1:
        raise ValueError(
            f"{func}: w must have a kernel of at least 1x1, got KH={KH}, "
            f"KW={KW} (w.shape={w.shape})"
        )
    OH = output_size(func, "H", H, KH, pad, stride, "kernel KH of w")
    OW = output_size(func, "W", W, KW, pad, stride, "kernel KW of w")
    return stride, pad, OH, OW


def pool_shapes(x, pool_param, func, finite=True):
    """Validate the inputs of a pooling forward pass.

    ``finite=False`` leaves the values of ``x`` unchecked.

    Returns
    -------
    (pool_height, pool_width, stride, OH, OW)
    """
    check_float_array(x, "x", func, ndim=4, finite=finite)
    ph, pw, stride = read_pool_param(pool_param, func)
    _, _, H, W = x.shape
    OH = output_size(func, "H", H, ph, 0, stride, "pool_height")
    OW = output_size(func, "W", W, pw, 0, stride, "pool_width")
    return ph, pw, stride, OH, OW


def check_dout(dout, expected_shape, func):
    """Check that the upstream gradient has the forward output's shape."""
    check_float_array(dout, "dout", func)
    if dout.shape != tuple(expected_shape):
        raise ValueError(
            f"{func}: dout must have the shape of the forward output, "
            f"{tuple(expected_shape)}, got {dout.shape}"
        )


def check_labels(y, num_examples, num_classes, func, name="y"):
    """Check class labels: integers in [0, num_classes), one per example.

    With ``num_classes=None`` only the lower end, 0, is checked.
    """
    if not isinstance(y, np.ndarray):
        raise TypeError(
            f"{func}: {name} must be a numpy array of integer labels, got "
            f"{type(y).__name__}"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{func}: {name} must hold integer class labels, got dtype "
            f"{y.dtype}"
        )
    if y.shape != (num_examples,):
        raise ValueError(
            f"{func}: {name} must have shape (N,) = ({num_examples},), "
            f"got {y.shape}"
        )
    high = math.inf if num_classes is None else num_classes
    if y.size and (y.min() < 0 or y.max() >= high):
        raise ValueError(
            f"{func}: labels in {name} must lie in [0, {high}), got values "
            f"from {y.min()} to {y.max()}"
        )
