"""Fast convolution and pooling: im2col + one matrix product, strided slices."""
import numpy as np

from cs231n_layers._validation import check_dout, conv_shapes, pool_shapes
from cs231n_layers.im2col import col2im, im2col


def conv_forward_fast(x, w, b, conv_param):
    """Convolution forward pass as im2col followed by one matrix product.

    Same contract as :func:`conv_forward_naive`.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    b : ndarray, shape (F,)
    conv_param : dict ``{'stride': S, 'pad': P}``

    Returns
    -------
    out : ndarray, shape (N, F, OH, OW)
    cache : tuple ``(x, w, b, conv_param, cols)``
        ``cols`` is the im2col matrix, shape (N*OH*OW, C*KH*KW), kept so the
        backward pass does not rebuild it.

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    S, P, OH, OW = conv_shapes(x, w, b, conv_param, "conv_forward_fast")
    N = x.shape[0]
    F, _, KH, KW = w.shape
    cols = im2col(x, KH, KW, S, P)  # (N*OH*OW, C*KH*KW)
    out = cols @ w.reshape(F, -1).T + b  # (N*OH*OW, F)
    out = out.reshape(N, OH, OW, F).transpose(0, 3, 1, 2)  # (N, F, OH, OW)
    return np.ascontiguousarray(out), (x, w, b, dict(conv_param), cols)


def conv_backward_fast(dout, cache):
    """Backward pass of :func:`conv_forward_fast`.

    With ``D`` the upstream gradient laid out as a (N*OH*OW, F) matrix and
    ``X_col`` the im2col matrix: ``dW = D^T X_col``, ``dX_col = D W`` and
    ``dx = col2im(dX_col)``.

    Parameters
    ----------
    dout : ndarray, shape (N, F, OH, OW)
    cache : tuple ``(x, w, b, conv_param, cols)``

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    dw : ndarray, shape (F, C, KH, KW)
    db : ndarray, shape (F,)

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    x, w, b, conv_param, cols = cache
    S, P, OH, OW = conv_shapes(x, w, b, conv_param, "conv_backward_fast")
    N = x.shape[0]
    F, _, KH, KW = w.shape
    check_dout(dout, (N, F, OH, OW), "conv_backward_fast")
    d2 = dout.transpose(0, 2, 3, 1).reshape(-1, F)  # (N*OH*OW, F)
    db = dout.sum(axis=(0, 2, 3))
    dw = (d2.T @ cols).reshape(w.shape)
    dcols = d2 @ w.reshape(F, -1)  # (N*OH*OW, C*KH*KW)
    dx = col2im(dcols, x.shape, KH, KW, S, P)
    return dx, dw, db


def _window_slices(PH, PW, S, OH, OW):
    """Yield ``(a, d, index)``: one strided slice per pooling-window offset.

    ``x[index]`` for the offset ``(a, d)`` is the (N, C, OH, OW) array of the
    elements found at row ``a`` and column ``d`` of every window.
    """
    for a in range(PH):
        for d in range(PW):
            index = (slice(None), slice(None),
                     slice(a, a + S * OH, S), slice(d, d + S * OW, S))
            yield a, d, index


def max_pool_forward_fast(x, pool_param):
    """Max pooling from PH*PW strided slices, with no loop over N, C, H, W.

    Same contract as :func:`max_pool_forward_naive`. Alongside the maximum
    it records which window offset held it (the first in row-major order
    on ties, as ``np.argmax`` does), so the backward pass routes gradients
    exactly like the naive version, overlapping windows included.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pool_param : dict ``{'pool_height': PH, 'pool_width': PW, 'stride': S}``

    Returns
    -------
    out : ndarray, shape (N, C, OH, OW)
    cache : tuple ``(x, pool_param, argmax)``
        ``argmax`` (N, C, OH, OW) holds the flat offset ``a * PW + d`` of
        each window's maximum.

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "max_pool_forward_fast")
    out = None
    argmax = np.zeros((x.shape[0], x.shape[1], OH, OW), dtype=np.intp)
    for a, d, index in _window_slices(PH, PW, S, OH, OW):
        candidate = x[index]
        if out is None:
            out = candidate.copy()
            continue
        better = candidate > out
        np.copyto(out, candidate, where=better)
        argmax[better] = a * PW + d
    return out, (x, dict(pool_param), argmax)


def max_pool_backward_fast(dout, cache):
    """Backward pass of :func:`max_pool_forward_fast`.

    Parameters
    ----------
    dout : ndarray, shape (N, C, OH, OW)
    cache : tuple ``(x, pool_param, argmax)``

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    x, pool_param, argmax = cache
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "max_pool_backward_fast")
    check_dout(dout, argmax.shape, "max_pool_backward_fast")
    dx = np.zeros_like(x)
    for a, d, index in _window_slices(PH, PW, S, OH, OW):
        dx[index] += np.where(argmax == a * PW + d, dout, 0)
    return dx


def avg_pool_forward_fast(x, pool_param):
    """Average pooling as the mean of PH*PW strided slices.

    Same contract as :func:`avg_pool_forward_naive`.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pool_param : dict ``{'pool_height': PH, 'pool_width': PW, 'stride': S}``

    Returns
    -------
    out : ndarray, shape (N, C, OH, OW)
    cache : tuple ``(x, pool_param)``

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "avg_pool_forward_fast")
    out = np.zeros((x.shape[0], x.shape[1], OH, OW), dtype=x.dtype)
    for _, _, index in _window_slices(PH, PW, S, OH, OW):
        out += x[index]
    out /= PH * PW
    return out, (x, dict(pool_param))


def avg_pool_backward_fast(dout, cache):
    """Backward pass of :func:`avg_pool_forward_fast`.

    Parameters
    ----------
    dout : ndarray, shape (N, C, OH, OW)
    cache : tuple ``(x, pool_param)``

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    x, pool_param = cache
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "avg_pool_backward_fast")
    check_dout(dout, (x.shape[0], x.shape[1], OH, OW), "avg_pool_backward_fast")
    dx = np.zeros_like(x)
    share = dout / (PH * PW)
    for _, _, index in _window_slices(PH, PW, S, OH, OW):
        dx[index] += share
    return dx
