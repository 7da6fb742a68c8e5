"""im2col and col2im: turn a convolution into one matrix product and back."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cs231n_layers._validation import check_float_array, check_int, output_size


def im2col(x, kernel_height, kernel_width, stride=1, pad=0):
    """Lay every receptive field of ``x`` out as one row of a matrix.

    Column layout: row ``r = (n * OH + i) * OW + j`` holds the window whose
    top-left corner sits at ``(i * S, j * S)`` in the padded image ``n``;
    column ``k = (c * KH + a) * KW + d`` holds ``x_pad[n, c, i*S + a, j*S + d]``.
    A kernel bank ``w`` of shape (F, C, KH, KW) reshaped to (F, C*KH*KW)
    matches this column order, so ``im2col(x, ...) @ w.reshape(F, -1).T``
    computes the whole convolution.

    The name comes from Caffe and CS231n; because each *row* is one window
    this layout is also called im2row. CS231n's ``im2col_indices`` returns the
    transpose, shape (C*KH*KW, N*OH*OW).

    The matrix is built from a strided view of the padded input (no data is
    copied until the final reshape), which makes one copy of
    ``N*OH*OW*C*KH*KW`` values: ``KH*KW / S**2`` times the size of ``x``.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    kernel_height, kernel_width : int
        KH and KW.
    stride : int
        S >= 1.
    pad : int
        P >= 0 zeros on each side of H and W.

    Returns
    -------
    cols : ndarray, shape (N*OH*OW, C*KH*KW)
        ``OH = (H + 2P - KH) / S + 1``, ``OW = (W + 2P - KW) / S + 1``.

    Notes
    -----
    Introduced in notebook 02_im2col.
    """
    func = "im2col"
    check_float_array(x, "x", func, ndim=4)
    KH = check_int(kernel_height, "kernel_height", func, 1)
    KW = check_int(kernel_width, "kernel_width", func, 1)
    S = check_int(stride, "stride", func, 1)
    P = check_int(pad, "pad", func, 0)
    N, C, H, W = x.shape
    OH = output_size(func, "H", H, KH, P, S, "kernel_height")
    OW = output_size(func, "W", W, KW, P, S, "kernel_width")
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P))) if P else x
    windows = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::S, ::S]
    # windows: (N, C, OH, OW, KH, KW), a view into xp
    windows = windows.transpose(0, 2, 3, 1, 4, 5)  # (N, OH, OW, C, KH, KW)
    return windows.reshape(N * OH * OW, C * KH * KW)


def col2im(cols, x_shape, kernel_height, kernel_width, stride=1, pad=0):
    """Scatter-add the rows of an im2col matrix back onto an image.

    Each row's values are added to the positions of ``x`` that its window
    covered, so where windows overlap the contributions sum, and padded
    positions are dropped. This is exactly the backward pass of
    :func:`im2col` (its transpose as a linear map), which is why it is
    *not* its inverse: ``col2im(im2col(x))`` multiplies each pixel by the
    number of windows that contain it.

    It loops only over the KH*KW kernel offsets, adding one strided slice
    per offset; there is no Python loop over N, C, H or W.

    Parameters
    ----------
    cols : ndarray, shape (N*OH*OW, C*KH*KW)
        In the layout produced by :func:`im2col`.
    x_shape : tuple (N, C, H, W)
        Shape of the image the rows came from.
    kernel_height, kernel_width, stride, pad : int
        As passed to :func:`im2col`.

    Returns
    -------
    x : ndarray, shape (N, C, H, W), dtype of ``cols``

    Notes
    -----
    Introduced in notebook 02_im2col.
    """
    func = "col2im"
    check_float_array(cols, "cols", func, ndim=2)
    if len(x_shape) != 4:
        raise ValueError(f"{func}: x_shape must be (N, C, H, W), got {x_shape}")
    N, C, H, W = (check_int(v, "x_shape", func, 1) for v in x_shape)
    KH = check_int(kernel_height, "kernel_height", func, 1)
    KW = check_int(kernel_width, "kernel_width", func, 1)
    S = check_int(stride, "stride", func, 1)
    P = check_int(pad, "pad", func, 0)
    OH = output_size(func, "H", H, KH, P, S, "kernel_height")
    OW = output_size(func, "W", W, KW, P, S, "kernel_width")
    if cols.shape != (N * OH * OW, C * KH * KW):
        raise ValueError(
            f"{func}: cols must have shape (N*OH*OW, C*KH*KW) = "
            f"({N * OH * OW}, {C * KH * KW}) for x_shape={tuple(x_shape)}, "
            f"got {cols.shape}"
        )
    blocks = cols.reshape(N, OH, OW, C, KH, KW).transpose(0, 3, 4, 5, 1, 2)
    # blocks: (N, C, KH, KW, OH, OW)
    xp = np.zeros((N, C, H + 2 * P, W + 2 * P), dtype=cols.dtype)
    for a in range(KH):
        for d in range(KW):
            xp[:, :, a:a + S * OH:S, d:d + S * OW:S] += blocks[:, :, a, d]
    return xp[:, :, P:P + H, P:P + W]
