"""Single-channel 2-D cross-correlation and the output-size formula."""
import numpy as np


def conv_output_size(in_size, kernel_size, pad=0, stride=1):
    """Length of one spatial axis after a convolution or pooling window.

    .. math:: O = \\frac{I + 2P - K}{S} + 1

    Parameters
    ----------
    in_size : int
        Input length I along the axis (H or W).
    kernel_size : int
        Window length K along the axis (KH or KW).
    pad : int
        Zeros P added on each side, P >= 0.
    stride : int
        Step S between windows, S >= 1.

    Returns
    -------
    int
        The output length O.

    Raises
    ------
    ValueError
        If the window is larger than the padded input, or if the stride does
        not tile the padded input exactly. This follows CS231n, which asserts
        that ``(I + 2P - K) % S == 0``; PyTorch would instead floor and drop
        the last, incomplete window.

    Notes
    -----
    Introduced in notebook 01_cross_correlation.
    """
    padded = in_size + 2 * pad
    if kernel_size > padded:
        raise ValueError(
            f"window of size {kernel_size} does not fit an input of size "
            f"{in_size} padded to {padded} (pad={pad})"
        )
    if (padded - kernel_size) % stride != 0:
        raise ValueError(
            f"stride {stride} does not tile the padded input exactly: "
            f"(I + 2P - K) % S = ({in_size} + 2*{pad} - {kernel_size}) % "
            f"{stride} = {(padded - kernel_size) % stride}, expected 0"
        )
    return (padded - kernel_size) // stride + 1


def corr2d(X, K):
    """2-D cross-correlation of one single-channel array with one kernel.

    .. math:: Y[i, j] = \\sum_{a, b} X[i + a, j + b] \\, K[a, b]

    Only the "valid" region is computed: no padding, stride 1.

    Parameters
    ----------
    X : ndarray, shape (H, W)
        Input.
    K : ndarray, shape (KH, KW)
        Kernel, with KH <= H and KW <= W.

    Returns
    -------
    Y : ndarray, shape (H - KH + 1, W - KW + 1)
        Floating point, in the wider of the inputs' float types (float64 for
        integer inputs).

    Notes
    -----
    Introduced in notebook 01_cross_correlation.
    """
    X, K = np.asarray(X), np.asarray(K)
    for name, arr in (("X", X), ("K", K)):
        if arr.ndim != 2:
            raise ValueError(
                f"corr2d: {name} must be 2-D, got shape {arr.shape}"
            )
    if K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError(
            f"corr2d: kernel K of shape {K.shape} is larger than the input "
            f"X of shape {X.shape}; expected KH <= H and KW <= W"
        )
    KH, KW = K.shape
    OH = conv_output_size(X.shape[0], KH)
    OW = conv_output_size(X.shape[1], KW)
    Y = np.zeros((OH, OW), dtype=np.result_type(X, K, np.float32))
    for i in range(OH):
        for j in range(OW):
            Y[i, j] = np.sum(X[i:i + KH, j:j + KW] * K)
    return Y
