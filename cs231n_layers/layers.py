"""Fully connected layer, ReLU and the softmax loss.

These are the non-convolutional building blocks of the ThreeLayerConvNet,
written in CS231n's style: every forward returns ``(out, cache)`` and every
backward takes ``(dout, cache)``; each cache is a named tuple whose type
the backward pass checks (see :mod:`cs231n_layers.caches`).
"""
import numpy as np

from cs231n_layers._validation import (
    check_cache,
    check_dout,
    check_float_array,
    check_labels,
)
from cs231n_layers.caches import AffineCache, ReluCache

__all__ = [
    "affine_forward",
    "affine_backward",
    "relu_forward",
    "relu_backward",
    "softmax_loss",
]


def _affine_shapes(x, w, b, func):
    """Validate the arrays of an affine layer; return ``(N, D, M)``."""
    check_float_array(x, "x", func)
    check_float_array(w, "w", func, ndim=2)
    check_float_array(b, "b", func, ndim=1)
    if x.ndim < 1:
        raise ValueError(f"{func}: x must have a batch axis, got a scalar")
    N = x.shape[0]
    D = int(np.prod(x.shape[1:]))
    if w.shape[0] != D:
        raise ValueError(
            f"{func}: x flattens to D={D} values per example "
            f"(x.shape={x.shape}) but w.shape={w.shape} expects D={w.shape[0]}"
        )
    if b.shape != (w.shape[1],):
        raise ValueError(
            f"{func}: b must have shape (M,) = ({w.shape[1]},), got {b.shape}"
        )
    return N, D, w.shape[1]


def affine_forward(x, w, b):
    """Fully connected layer: flatten each example, then ``x @ w + b``.

    Parameters
    ----------
    x : ndarray, shape (N, d_1, ..., d_k)
        A batch of N examples; each is flattened to D = d_1 * ... * d_k
        values in C (row-major) order.
    w : ndarray, shape (D, M)
    b : ndarray, shape (M,)

    Returns
    -------
    out : ndarray, shape (N, M)
    cache : AffineCache ``(x, w, b)``
    """
    N, D, _ = _affine_shapes(x, w, b, "affine_forward")
    out = x.reshape(N, D) @ w + b
    return out, AffineCache(x, w, b)


def affine_backward(dout, cache):
    """Backward pass of :func:`affine_forward`.

    Parameters
    ----------
    dout : ndarray, shape (N, M)
    cache : AffineCache ``(x, w, b)``, from :func:`affine_forward` only.

    Returns
    -------
    dx : ndarray, shape (N, d_1, ..., d_k)
    dw : ndarray, shape (D, M)
    db : ndarray, shape (M,)
    """
    func = "affine_backward"
    x, w, b = check_cache(cache, AffineCache, func)
    N, D, M = _affine_shapes(x, w, b, func)
    check_dout(dout, (N, M), func)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(N, D).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit, ``max(0, x)`` element-wise.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    out : ndarray, same shape and dtype as x
    cache : ReluCache ``(x,)``, the input
    """
    check_float_array(x, "x", "relu_forward")
    return np.maximum(x, 0), ReluCache(x)


def relu_backward(dout, cache):
    """Backward pass of :func:`relu_forward`.

    The gradient passes where the input was positive and is zero elsewhere
    (including at exactly 0, where ReLU has a kink).

    Parameters
    ----------
    dout : ndarray, shape of x
    cache : ReluCache ``(x,)``, from :func:`relu_forward` only.

    Returns
    -------
    dx : ndarray, shape of x
    """
    func = "relu_backward"
    (x,) = check_cache(cache, ReluCache, func)
    check_float_array(x, "x", func)
    check_dout(dout, x.shape, func)
    return dout * (x > 0)


def softmax_loss(scores, y):
    """Softmax (cross-entropy) loss, averaged over the batch.

    .. math::
        L = -\\frac{1}{N} \\sum_i \\log
            \\frac{e^{s_{i, y_i}}}{\\sum_j e^{s_{ij}}}

    The scores are shifted by their row maximum first, which leaves the loss
    unchanged and keeps ``exp`` from overflowing. They must be finite: an
    inf score would make the shift ``inf - inf = nan``, so it raises
    ``ValueError`` instead.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
        Class scores; C is the number of classes.
    y : ndarray of int, shape (N,)
        Labels, each in ``[0, C)``.

    Returns
    -------
    loss : float
    dscores : ndarray, shape (N, C)
        Gradient of the loss with respect to ``scores``.
    """
    func = "softmax_loss"
    check_float_array(scores, "scores", func, ndim=2)
    N, C = scores.shape
    if N == 0:
        # The mean over an empty batch is undefined (numpy would warn and
        # return nan).
        raise ValueError(f"{func}: scores must hold at least one example, "
                         f"got shape {scores.shape}")
    check_labels(y, N, C, func)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N)
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dscores /= N
    return float(loss), dscores
