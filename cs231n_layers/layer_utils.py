"""Sandwich layers: common chains of layers as one forward and one backward."""
from cs231n_layers.fast_layers import (
    conv_backward_fast,
    conv_forward_fast,
    max_pool_backward_fast,
    max_pool_forward_fast,
)
from cs231n_layers.layers import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
)


def affine_relu_forward(x, w, b):
    """Affine layer followed by a ReLU.

    Parameters
    ----------
    x : ndarray, shape (N, d_1, ..., d_k)
    w : ndarray, shape (D, M)
    b : ndarray, shape (M,)

    Returns
    -------
    out : ndarray, shape (N, M)
    cache : tuple ``(affine_cache, relu_cache)``

    Notes
    -----
    Introduced in notebook 05_three_layer_convnet.
    """
    a, affine_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (affine_cache, relu_cache)


def affine_relu_backward(dout, cache):
    """Backward pass of :func:`affine_relu_forward`: returns ``dx, dw, db``.

    Notes
    -----
    Introduced in notebook 05_three_layer_convnet.
    """
    affine_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return affine_backward(da, affine_cache)


def conv_relu_forward(x, w, b, conv_param):
    """Fast convolution followed by a ReLU.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    b : ndarray, shape (F,)
    conv_param : dict ``{'stride': S, 'pad': P}``

    Returns
    -------
    out : ndarray, shape (N, F, OH, OW)
    cache : tuple ``(conv_cache, relu_cache)``

    Notes
    -----
    Introduced in notebook 05_three_layer_convnet.
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    out, relu_cache = relu_forward(a)
    return out, (conv_cache, relu_cache)


def conv_relu_backward(dout, cache):
    """Backward pass of :func:`conv_relu_forward`: returns ``dx, dw, db``.

    Notes
    -----
    Introduced in notebook 05_three_layer_convnet.
    """
    conv_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return conv_backward_fast(da, conv_cache)


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    """Fast convolution, ReLU, then fast max pooling.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    b : ndarray, shape (F,)
    conv_param : dict ``{'stride': S, 'pad': P}``
    pool_param : dict ``{'pool_height': PH, 'pool_width': PW, 'stride': S}``

    Returns
    -------
    out : ndarray, shape (N, F, OH', OW') after pooling
    cache : tuple ``(conv_cache, relu_cache, pool_cache)``

    Notes
    -----
    Introduced in notebook 05_three_layer_convnet.
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    r, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_fast(r, pool_param)
    return out, (conv_cache, relu_cache, pool_cache)


def conv_relu_pool_backward(dout, cache):
    """Backward pass of :func:`conv_relu_pool_forward`: returns ``dx, dw, db``.

    Notes
    -----
    Introduced in notebook 05_three_layer_convnet.
    """
    conv_cache, relu_cache, pool_cache = cache
    dr = max_pool_backward_fast(dout, pool_cache)
    da = relu_backward(dr, relu_cache)
    return conv_backward_fast(da, conv_cache)
