"""Sandwich layers: common chains of layers as one forward and one backward."""
from cs231n_layers._validation import conv_shapes, pool_shapes
from cs231n_layers.fast_layers import (
    _conv_backward,
    _conv_forward,
    _max_pool_backward,
    _max_pool_forward,
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

    It computes the pooling *before* the ReLU: because ReLU never reverses
    the order of two numbers, ``maxpool(relu(a)) == relu(maxpool(a))``,
    and both orders send every gradient to the same input. Pooling first
    leaves the ReLU a quarter of the values to process (for a 2x2 pool) and
    saves keeping a full-size ReLU output.

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
    cache : tuple ``(conv_cache, pool_cache, relu_cache)``

    Notes
    -----
    Introduced in notebook 05_three_layer_convnet.
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    pooled, pool_cache = max_pool_forward_fast(a, pool_param)
    out, relu_cache = relu_forward(pooled)
    return out, (conv_cache, pool_cache, relu_cache)


def conv_relu_pool_backward(dout, cache):
    """Backward pass of :func:`conv_relu_pool_forward`: returns ``dx, dw, db``.

    Notes
    -----
    Introduced in notebook 05_three_layer_convnet.
    """
    conv_cache, pool_cache, relu_cache = cache
    dpooled = relu_backward(dout, relu_cache)
    da = max_pool_backward_fast(dpooled, pool_cache)
    return conv_backward_fast(da, conv_cache)


# ------------------------------------------- the training path of the model
#
# ThreeLayerConvNet.loss runs the same conv - pool - ReLU chain through the
# two functions below. They compute exactly what conv_relu_pool_forward and
# conv_relu_pool_backward compute, with the same caches, but
#   * reuse the convolution's big arrays from one training step to the next
#     (a workspace dict: see fast_layers._scratch for why), and
#   * skip the gradient with respect to x, which training never needs.

def _conv_relu_pool_train_forward(x, w, b, conv_param, pool_param,
                                  workspace):
    """:func:`conv_relu_pool_forward` with the convolution in ``workspace``.

    ``x``, ``w`` and ``b`` must share one float dtype. The cache refers to
    arrays in the workspace, which the next call overwrites.
    """
    func = "conv_relu_pool_forward"
    S, P, _, _ = conv_shapes(x, w, b, conv_param, func)
    a, cols = _conv_forward(x, w, b, S, P, workspace)
    PH, PW, PS, OH, OW = pool_shapes(a, pool_param, func)
    pooled, argmax = _max_pool_forward(a, PH, PW, PS, OH, OW)
    out, relu_cache = relu_forward(pooled)
    cache = ((x, w, b, dict(conv_param), cols),
             (a, dict(pool_param), argmax), relu_cache)
    return out, cache


def _conv_relu_pool_train_backward(dout, cache):
    """:func:`conv_relu_pool_backward` without ``dx``: returns ``dw, db``."""
    conv_cache, pool_cache, relu_cache = cache
    dpooled = relu_backward(dout, relu_cache)
    a, pool_param, argmax = pool_cache
    PH, PW, PS = (pool_param[k] for k in ("pool_height", "pool_width",
                                          "stride"))
    # The convolution's output a is not needed any more (the pool cache
    # keeps it for its shape only), so the gradient da overwrites it: that
    # saves a second array of its size.
    da = _max_pool_backward(dpooled, argmax, a.shape, a.dtype, PH, PW, PS,
                            out=a)
    _, dw, db = _conv_backward(da, conv_cache, need_dx=False)
    return dw, db
