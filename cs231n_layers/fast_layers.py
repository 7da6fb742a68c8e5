"""Fast convolution and pooling: one strided copy, then whole-array operations.

The naive layers loop over every output element. Here the only Python loops
left are over the positions inside one window (KH*KW or PH*PW of them):

* A convolution copies every receptive field out of the padded input once,
  through a strided view, and then computes all N*F*OH*OW dot products with
  one (batched) matrix product. Its backward pass is two more matrix
  products, plus KH*KW slice-adds to put the input gradient back together.
* A pooling layer looks at its input through PH*PW strided slices, one per
  position inside the window.

Every public function checks its arguments, never modifies them, and returns
new arrays in the float dtype of its inputs (float32 stays float32). The
convolution and max-pooling functions are thin wrappers around private
helpers (names starting with ``_``) that skip the checks. ThreeLayerConvNet's
training path (in layer_utils) calls those helpers directly, so that it can
leave out work training does not need (the gradient with respect to the
network's input) and reuse its big temporary arrays from one step to the
next (see :func:`_scratch`).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cs231n_layers._validation import check_dout, conv_shapes, pool_shapes
from cs231n_layers.correlation import conv_output_size


# ------------------------------------------------------------- workspace

def _scratch(workspace, name, shape, dtype):
    """An uninitialised array for an intermediate result.

    With ``workspace=None``, as in every public function, this is simply
    ``np.empty(shape, dtype)``. With a dict, the array is stored in it under
    ``name`` and handed out again by the next call with the same name, shape
    and dtype, instead of a new one.

    Why: a new array of several megabytes is often memory the operating
    system must map and zero page by page (page faults). Whether it is
    depends on the state of the C library's allocator: we measured up to
    about 1400 page faults per training step of ThreeLayerConvNet, a fifth
    of its time, and almost none with the workspace.

    ThreeLayerConvNet therefore keeps one workspace dict for its
    convolutional layer, for its whole life, and :func:`_conv_forward`
    takes its biggest arrays from it: the padded input, the column matrices
    and the output. Only arrays that never leave the model's ``loss`` may
    live in a workspace, since the next step overwrites them; use one dict
    per layer, since the names repeat.
    """
    if workspace is None:
        return np.empty(shape, dtype)
    array = workspace.get(name)
    if array is None or array.shape != shape or array.dtype != dtype:
        array = workspace[name] = np.empty(shape, dtype)
    return array


# ----------------------------------------------------------- convolution

def _pad(x, P, workspace=None):
    """``x`` with P zeros on each side of H and W, as ``np.pad`` does."""
    if P == 0:
        return x
    N, C, H, W = x.shape
    xp = _scratch(workspace, "x_pad", (N, C, H + 2 * P, W + 2 * P), x.dtype)
    xp.fill(0)  # the border; then x goes in the middle
    xp[:, :, P:P + H, P:P + W] = x
    return xp


def _receptive_fields(x, KH, KW, S, P, workspace=None):
    """A strided view of every receptive field of ``x``.

    Apart from the zero padding, nothing is copied: ``sliding_window_view``
    only adds axes whose strides step through the same memory.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    KH, KW, S, P : int
        Kernel height and width, stride, zero padding on each side.
    workspace : dict or None
        Where the padded copy of ``x`` may live (see :func:`_scratch`).

    Returns
    -------
    fields : ndarray (a view), shape (N, C, KH, KW, OH, OW)
        ``fields[n, c, a, d, i, j] = x_pad[n, c, i*S + a, j*S + d]``.
    """
    xp = _pad(x, P, workspace)
    fields = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::S, ::S]
    # fields: (N, C, OH, OW, KH, KW)
    return fields.transpose(0, 1, 4, 5, 2, 3)  # (N, C, KH, KW, OH, OW)


def _im2col_per_sample(x, KH, KW, S, P, workspace=None):
    """One column matrix per sample, shape (N, C*KH*KW, OH*OW).

    ``cols[n]`` holds the same numbers as sample n's rows of
    :func:`~cs231n_layers.im2col.im2col`, transposed::

        cols[n] == im2col(x, KH, KW, S, P)[n*OH*OW:(n+1)*OH*OW].T

    so row ``(c*KH + a)*KW + d`` matches ``w.reshape(F, -1)``'s columns and
    column ``i*OW + j`` is the window of output pixel (i, j). With this
    layout ``w.reshape(F, -1) @ cols`` has shape (N, F, OH*OW), which is
    already the NCHW output: no transpose (and no copy) is needed afterwards.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    KH, KW, S, P : int
    workspace : dict or None
        See :func:`_scratch`.

    Returns
    -------
    cols : ndarray, shape (N, C*KH*KW, OH*OW), dtype of ``x``
    """
    fields = _receptive_fields(x, KH, KW, S, P, workspace)
    N, C, _, _, OH, OW = fields.shape
    cols = _scratch(workspace, "cols", fields.shape, x.dtype)
    cols[...] = fields  # the one copy: (N, C, KH, KW, OH, OW), C order
    return cols.reshape(N, C * KH * KW, OH * OW)


def _col2im_per_sample(dcols, x_shape, KH, KW, S, P):
    """The backward pass of :func:`_im2col_per_sample`.

    Adds every column back onto the window it was copied from; where windows
    overlap, their contributions sum, and padding is dropped. Offset (a, d)
    of all windows at once is one strided slice of the padded image, so the
    loop runs over the KH*KW kernel offsets only (and is several times
    faster than ``np.add.at`` with fancy indices).

    Parameters
    ----------
    dcols : ndarray, shape (N, C*KH*KW, OH*OW)
    x_shape : tuple (N, C, H, W)
    KH, KW, S, P : int

    Returns
    -------
    dx : ndarray, shape (N, C, H, W), dtype of ``dcols``
        A view of the interior of a padded (N, C, H + 2P, W + 2P) array.
    """
    N, C, H, W = x_shape
    OH = conv_output_size(H, KH, P, S)
    OW = conv_output_size(W, KW, P, S)
    blocks = dcols.reshape(N, C, KH, KW, OH, OW)
    dxp = np.zeros((N, C, H + 2 * P, W + 2 * P), dtype=dcols.dtype)
    for a in range(KH):
        for d in range(KW):
            # Offset (a, d) of every window: a strided (N, C, OH, OW) slice.
            dxp[:, :, a:a + S * OH:S, d:d + S * OW:S] += blocks[:, :, a, d]
    return dxp[:, :, P:P + H, P:P + W]


def _conv_forward(x, w, b, S, P, workspace=None):
    """Unchecked :func:`conv_forward_fast`; x, w and b share one dtype.

    With a ``workspace`` dict (see :func:`_scratch`), the padded input,
    ``cols`` and ``out`` are arrays reused from the previous call.

    Returns
    -------
    out : ndarray, shape (N, F, OH, OW)
    cols : ndarray, shape (N, C*KH*KW, OH*OW)
    """
    N, _, H, W = x.shape
    F, _, KH, KW = w.shape
    OH = conv_output_size(H, KH, P, S)
    OW = conv_output_size(W, KW, P, S)
    cols = _im2col_per_sample(x, KH, KW, S, P, workspace)
    # cols: (N, C*KH*KW, OH*OW). The (F, C*KH*KW) kernel matrix is
    # broadcast over the N samples: (N, F, OH*OW), already in NCHW order.
    out = _scratch(workspace, "conv_out", (N, F, OH * OW), x.dtype)
    np.matmul(w.reshape(F, -1), cols, out=out)
    out += b.reshape(F, 1)  # filter f's bias, on each of its OH*OW outputs
    return out.reshape(N, F, OH, OW), cols


def _conv_backward(dout, cache, *, need_dx=True):
    """Unchecked backward pass of :func:`conv_forward_fast`.

    With ``D[n]`` the upstream gradient of sample n as a (F, OH*OW) matrix
    and ``X[n]`` its column matrix: ``dW = sum_n D[n] @ X[n].T``,
    ``dX[n] = W.T @ D[n]`` and ``dx = col2im(dX)``.

    Parameters
    ----------
    dout : ndarray, shape (N, F, OH, OW)
    cache : tuple ``(x, w, b, conv_param, cols)`` from the forward pass
    need_dx : bool, keyword-only
        False skips the input gradient (the col2im half of the work) and
        returns None for it: a network's first layer never needs it.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W), dtype of x; or None
    dw : ndarray, shape (F, C, KH, KW), dtype of w
    db : ndarray, shape (F,), dtype of b
    """
    x, w, b, conv_param, cols = cache
    N, F, OH, OW = dout.shape
    d3 = dout.reshape(N, F, OH * OW)  # D[n] = d3[n]
    db = dout.sum(axis=(0, 2, 3))
    # (N, F, OH*OW) @ (N, OH*OW, C*KH*KW) -> (N, F, C*KH*KW): one product
    # per sample, then the sum over the samples.
    dw = (d3 @ cols.transpose(0, 2, 1)).sum(axis=0)
    dx = None
    if need_dx:
        w2 = w.reshape(F, -1).astype(cols.dtype, copy=False)  # (F, C*KH*KW)
        # (C*KH*KW, F) @ (N, F, OH*OW) -> (N, C*KH*KW, OH*OW)
        dcols = w2.T @ d3
        KH, KW = w.shape[2:]
        S, P = conv_param["stride"], conv_param["pad"]
        dx = _col2im_per_sample(dcols, x.shape, KH, KW, S, P)
        dx = dx.astype(x.dtype, copy=False)
    return (dx, dw.reshape(w.shape).astype(w.dtype, copy=False),
            db.astype(b.dtype, copy=False))


def conv_forward_fast(x, w, b, conv_param):
    """Convolution forward pass as one strided copy and one matrix product.

    Same contract as :func:`conv_forward_naive`. Every receptive field is
    copied once into per-sample column matrices (the im2col idea, one
    (C*KH*KW, OH*OW) matrix per sample), and one batched matrix product with
    the (F, C*KH*KW) kernel matrix computes the whole output, already in
    NCHW order.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    b : ndarray, shape (F,)
    conv_param : dict ``{'stride': S, 'pad': P}``

    Returns
    -------
    out : ndarray, shape (N, F, OH, OW)
        In the common float dtype of x, w and b.
    cache : tuple ``(x, w, b, conv_param, cols)``
        ``cols`` is the column matrices, shape (N, C*KH*KW, OH*OW), kept so
        the backward pass does not rebuild them; ``cols[n]`` is sample n's
        block of :func:`im2col`'s rows, transposed.

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    S, P, _, _ = conv_shapes(x, w, b, conv_param, "conv_forward_fast")
    dtype = np.result_type(x, w, b)  # as the naive version: float32 stays
    out, cols = _conv_forward(x.astype(dtype, copy=False),
                              w.astype(dtype, copy=False),
                              b.astype(dtype, copy=False), S, P)
    return out, (x, w, b, dict(conv_param), cols)


def conv_backward_fast(dout, cache):
    """Backward pass of :func:`conv_forward_fast`.

    With ``D[n]`` the upstream gradient of sample n laid out as a
    (F, OH*OW) matrix and ``X[n]`` its column matrix:
    ``dW = sum_n D[n] X[n]^T``, ``dX[n] = W^T D[n]`` and
    ``dx = col2im(dX)``, where col2im adds each column back onto its
    window with KH*KW strided slice-adds.

    Parameters
    ----------
    dout : ndarray, shape (N, F, OH, OW)
    cache : tuple ``(x, w, b, conv_param, cols)``

    Returns
    -------
    dx : ndarray, shape (N, C, H, W), dtype of x
    dw : ndarray, shape (F, C, KH, KW), dtype of w
    db : ndarray, shape (F,), dtype of b

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    x, w, b, conv_param, cols = cache
    _, _, OH, OW = conv_shapes(x, w, b, conv_param, "conv_backward_fast")
    check_dout(dout, (x.shape[0], w.shape[0], OH, OW), "conv_backward_fast")
    return _conv_backward(dout, cache)


# --------------------------------------------------------------- pooling

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


def _max_pool_forward(x, PH, PW, S, OH, OW):
    """Unchecked max pooling.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    PH, PW, S, OH, OW : int

    Returns
    -------
    out : ndarray, shape (N, C, OH, OW), dtype of x
    argmax : ndarray of unsigned int, shape (N, C, OH, OW)
        Flat offset ``a * PW + d`` of each window's maximum: the first one
        in row-major order on ties, as ``np.argmax`` does. Its dtype is the
        smallest that holds ``PH * PW - 1`` (uint8 for windows up to 16x16).
    """
    views = [x[index] for _, _, index in _window_slices(PH, PW, S, OH, OW)]
    # views[k], k = a * PW + d: offset (a, d) of every window, (N, C, OH, OW)
    out = views[0].copy()
    for view in views[1:]:
        np.maximum(out, view, out=out)
    # argmax = how many offsets come before the first one that holds the
    # maximum. Counting it with whole-array operations is several times
    # faster than masked writes such as ``argmax[view > out] = k``, whose
    # random masks defeat the CPU's branch prediction.
    argmax = np.zeros(out.shape, dtype=np.min_scalar_type(PH * PW - 1))
    found = np.zeros(out.shape, dtype=bool)
    for view in views[:-1]:  # if no earlier offset holds it, the last does
        found |= view == out  # this offset or an earlier one holds it
        argmax += ~found  # not found yet: one more offset to skip
    return out, argmax


def _max_pool_backward(dout, argmax, x_shape, dtype, PH, PW, S, out=None):
    """Unchecked backward pass of :func:`_max_pool_forward`.

    Parameters
    ----------
    dout : ndarray, shape (N, C, OH, OW)
    argmax : ndarray, shape (N, C, OH, OW), from :func:`_max_pool_forward`
    x_shape : tuple (N, C, H, W)
    dtype : numpy float dtype of the result
    PH, PW, S : int
    out : ndarray of shape ``x_shape`` and dtype ``dtype``, or None
        Where to write dx (its contents are overwritten); None for a new
        array.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    """
    _, _, OH, OW = dout.shape
    if out is None:
        dx = np.zeros(x_shape, dtype=dtype)
    else:
        dx = out
        dx.fill(0)
    overlap = S < PH or S < PW
    for a, d, index in _window_slices(PH, PW, S, OH, OW):
        won = argmax == a * PW + d  # windows whose maximum sits at (a, d)
        # dout * won is dout where won, else 0 (as relu_backward does, it
        # multiplies by the mask: much faster than np.where, and the same
        # for any finite dout).
        if overlap:
            # An input may belong to several windows: add the contributions.
            dx[index] += dout * won
        else:
            # Each input belongs to one window at most, so the products can
            # be written straight into dx, with no temporary array.
            np.multiply(dout, won, out=dx[index])
    return dx


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
        each window's maximum, in the smallest unsigned integer dtype that
        fits (uint8 for windows up to 16x16).

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "max_pool_forward_fast")
    out, argmax = _max_pool_forward(x, PH, PW, S, OH, OW)
    return out, (x, dict(pool_param), argmax)


def max_pool_backward_fast(dout, cache):
    """Backward pass of :func:`max_pool_forward_fast`.

    Each window's upstream gradient goes to the offset recorded in
    ``argmax``: one strided slice of ``dx`` per window offset.

    Parameters
    ----------
    dout : ndarray, shape (N, C, OH, OW)
    cache : tuple ``(x, pool_param, argmax)``

    Returns
    -------
    dx : ndarray, shape (N, C, H, W), dtype of x

    Notes
    -----
    Introduced in notebook 04_fast_conv_pool.
    """
    x, pool_param, argmax = cache
    PH, PW, S, OH, OW = pool_shapes(x, pool_param, "max_pool_backward_fast")
    check_dout(dout, argmax.shape, "max_pool_backward_fast")
    return _max_pool_backward(dout, argmax, x.shape, x.dtype, PH, PW, S)


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
