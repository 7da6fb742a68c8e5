"""Argument checks shared by every public entry point.

Each helper raises ``TypeError`` for a wrong type and ``ValueError`` for a
wrong value, with a message that names the calling function, the argument,
what was received and what was expected. Nothing here uses ``assert``: asserts
vanish under ``python -O`` and say nothing useful to a student.
"""
import numbers

import numpy as np

from cs231n_layers.correlation import conv_output_size

CONV_PARAM_KEYS = ("stride", "pad")
POOL_PARAM_KEYS = ("pool_height", "pool_width", "stride")


def check_float_array(arr, name, func, ndim=None):
    """Return ``arr`` if it is a floating-point ndarray (of ``ndim`` dims)."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(
            f"{func}: {name} must be a numpy array, got {type(arr).__name__}"
        )
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(
            f"{func}: {name} must have a floating-point dtype "
            f"(float32 or float64), got {arr.dtype}"
        )
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{func}: {name} must be {ndim}-D, got {arr.ndim}-D array "
            f"of shape {arr.shape}"
        )
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
    try:
        return conv_output_size(in_size, kernel_size, pad, stride)
    except ValueError as err:
        raise ValueError(f"{func}: along {axis}, the {what}: {err}") from None


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


def pool_shapes(x, pool_param, func):
    """Validate the inputs of a pooling forward pass.

    Returns
    -------
    (pool_height, pool_width, stride, OH, OW)
    """
    check_float_array(x, "x", func, ndim=4)
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


def check_labels(y, num_examples, num_classes, func):
    """Check class labels: integers in [0, num_classes), one per example."""
    if not isinstance(y, np.ndarray):
        raise TypeError(
            f"{func}: y must be a numpy array of integer labels, got "
            f"{type(y).__name__}"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{func}: y must hold integer class labels, got dtype {y.dtype}"
        )
    if y.shape != (num_examples,):
        raise ValueError(
            f"{func}: y must have shape (N,) = ({num_examples},), "
            f"got {y.shape}"
        )
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"{func}: labels in y must lie in [0, {num_classes}), got values "
            f"from {y.min()} to {y.max()}"
        )
