"""Naive convolution and pooling layers: explicit loops, easy to read, slow."""
import numpy as np

from cs231n_layers._validation import check_dout, conv_shapes, pool_shapes


def conv_forward_naive(x, w, b, conv_param):
    """Convolution (cross-correlation) forward pass with explicit loops.

    .. math::
        out[n, f, i, j] = b[f] + \\sum_{c, a, d}
            x_{pad}[n, c, iS + a, jS + d] \\, w[f, c, a, d]

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    b : ndarray, shape (F,)
    conv_param : dict
        ``{'stride': S, 'pad': P}``, S >= 1, P >= 0 zeros on each side.

    Returns
    -------
    out : ndarray, shape (N, F, OH, OW)
        ``OH = (H + 2P - KH) / S + 1`` and ``OW = (W + 2P - KW) / S + 1``.
    cache : tuple ``(x, w, b, conv_param)``

    Raises
    ------
    ValueError
        If the stride does not tile the padded input exactly. This follows
        CS231n; PyTorch would floor and drop the last incomplete window.

    Notes
    -----
    Introduced in notebook 03_naive_conv_pool.
    """
    S, P, OH, OW = conv_shapes(x, w, b, conv_param, "conv_forward_naive")
    N, _, _, _ = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    out = np.zeros((N, F, OH, OW), dtype=np.result_type(x, w, b))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    window = xp[n, :, i * S:i * S + KH, j * S:j * S + KW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, dict(conv_param))


def conv_backward_naive(dout, cache):
    """Backward pass of :func:`conv_forward_naive`, with explicit loops.

    Every output element ``out[n, f, i, j]`` was a dot product of ``w[f]``
    with one window of the padded input, so its upstream gradient flows back
    to that window (through ``w[f]``) and to ``w[f]`` (through the window).

    Parameters
    ----------
    dout : ndarray, shape (N, F, OH, OW)
    cache : tuple ``(x, w, b, conv_param)`` from the forward pass.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    dw : ndarray, shape (F, C, KH, KW)
    db : ndarray, shape (F,)

    Notes
    -----
    Introduced in notebook 03_naive_conv_pool.
    """
    x, w, b, conv_param = cache
    S, P, OH, OW = conv_shapes(x, w, b, conv_param, "conv_backward_naive")
    N, _, H, W = x.shape
    F, _, KH, KW = w.shape
    check_dout(dout, (N, F, OH, OW), "conv_backward_naive")
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    rows = slice(i * S, i * S + KH)
                    cols = slice(j * S, j * S + KW)
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * w[f]
                    dw[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
    dx = dxp[:, :, P:P + H, P:P + W]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Max pooling forward pass with explicit loops.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pool_param : dict
        ``{'pool_height': PH, 'pool_width': PW, 'stride': S}``.

    Returns
    -------
    out : ndarray, shape (N, C, OH, OW)
        ``OH = (H - PH) / S + 1``, ``OW = (W - PW) / S + 1``.
    cache : tuple ``(x, pool_param)``

    Notes
    -----
    Introduced in notebook 03_naive_conv_pool.
    """
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "max_pool_forward_naive")
    N, C, _, _ = x.shape
    out = np.zeros((N, C, OH, OW), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * S:i * S + PH, j * S:j * S + PW]
                    out[n, c, i, j] = window.max()
    return out, (x, dict(pool_param))


def max_pool_backward_naive(dout, cache):
    """Backward pass of :func:`max_pool_forward_naive`.

    Each window routes its whole upstream gradient to the position of its
    maximum. Where several positions tie for the maximum, the first in
    row-major order gets it (``np.argmax``'s rule); overlapping windows add
    up their contributions.

    Parameters
    ----------
    dout : ndarray, shape (N, C, OH, OW)
    cache : tuple ``(x, pool_param)``

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)

    Notes
    -----
    Introduced in notebook 03_naive_conv_pool.
    """
    x, pool_param = cache
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "max_pool_backward_naive")
    N, C, _, _ = x.shape
    check_dout(dout, (N, C, OH, OW), "max_pool_backward_naive")
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * S:i * S + PH, j * S:j * S + PW]
                    a, d = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * S + a, j * S + d] += dout[n, c, i, j]
    return dx


def avg_pool_forward_naive(x, pool_param):
    """Average pooling forward pass with explicit loops.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pool_param : dict
        ``{'pool_height': PH, 'pool_width': PW, 'stride': S}``.

    Returns
    -------
    out : ndarray, shape (N, C, OH, OW)
    cache : tuple ``(x, pool_param)``

    Notes
    -----
    Introduced in notebook 03_naive_conv_pool.
    """
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "avg_pool_forward_naive")
    N, C, _, _ = x.shape
    out = np.zeros((N, C, OH, OW), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * S:i * S + PH, j * S:j * S + PW]
                    out[n, c, i, j] = window.mean()
    return out, (x, dict(pool_param))


def avg_pool_backward_naive(dout, cache):
    """Backward pass of :func:`avg_pool_forward_naive`.

    Each window shares its upstream gradient equally among its
    ``PH * PW`` inputs.

    Parameters
    ----------
    dout : ndarray, shape (N, C, OH, OW)
    cache : tuple ``(x, pool_param)``

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)

    Notes
    -----
    Introduced in notebook 03_naive_conv_pool.
    """
    x, pool_param = cache
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "avg_pool_backward_naive")
    N, C, _, _ = x.shape
    check_dout(dout, (N, C, OH, OW), "avg_pool_backward_naive")
    dx = np.zeros_like(x)
    share = 1.0 / (PH * PW)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    rows = slice(i * S, i * S + PH)
                    cols = slice(j * S, j * S + PW)
                    dx[n, c, rows, cols] += dout[n, c, i, j] * share
    return dx
