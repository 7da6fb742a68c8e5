"""The ThreeLayerConvNet: conv - relu - 2x2 max pool - affine - relu - affine."""
import numpy as np

from cs231n_layers._validation import check_float_array, check_int
from cs231n_layers.layer_utils import (
    _conv_relu_pool_train_backward,
    _conv_relu_pool_train_forward,
    affine_relu_backward,
    affine_relu_forward,
)
from cs231n_layers.layers import affine_backward, affine_forward, softmax_loss


class ThreeLayerConvNet:
    """conv - relu - 2x2 max pool - affine - relu - affine - softmax.

    The convolution has stride 1 and pad ``(filter_size - 1) // 2``, so it
    keeps H and W; the pool halves them.

    Parameters
    ----------
    input_dim : tuple (C, H, W)
        Shape of one input; H and W must be even.
    num_filters : int
        F, the number of convolution filters.
    filter_size : int
        K, the (odd) side of the square filters.
    hidden_dim : int
        Units in the hidden affine layer.
    num_classes : int
        Scores produced per input.
    weight_scale : float
        Standard deviation of the normal initial weights; biases start at 0.
    reg : float
        L2 regularisation strength: the loss adds ``0.5 * reg * sum(W**2)``
        for W1, W2 and W3.
    dtype : numpy float type
        float32 for training, float64 for gradient checks.
    seed : int or None
        Seeds the ``np.random.Generator`` that draws the initial weights.

    Attributes
    ----------
    params : dict
        ``W1`` (F, C, K, K), ``b1`` (F,), ``W2`` (F*(H//2)*(W//2), hidden_dim)
        for the pooled maps flattened in NCHW order, ``b2`` (hidden_dim,),
        ``W3`` (hidden_dim, num_classes), ``b3`` (num_classes,).

    Notes
    -----
    ``loss`` reuses the convolutional layer's big temporary arrays from one
    call to the next (about 16 MB for the default model and a batch of 64,
    in float32), so one model must not run ``loss`` in two threads at once.
    It also skips the gradient with respect to ``X``, which training never
    needs.

    Introduced in notebook 05_three_layer_convnet.
    """

    def __init__(self, input_dim=(1, 28, 28), num_filters=32, filter_size=7,
                 hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0,
                 dtype=np.float32, seed=None):
        func = "ThreeLayerConvNet"
        if len(tuple(input_dim)) != 3:
            raise ValueError(
                f"{func}: input_dim must be (C, H, W), got {input_dim!r}"
            )
        C, H, W = (check_int(v, "input_dim", func, 1) for v in input_dim)
        if H % 2 or W % 2:
            raise ValueError(
                f"{func}: the 2x2 pool needs even H and W, got input_dim="
                f"{tuple(input_dim)}"
            )
        F = check_int(num_filters, "num_filters", func, 1)
        K = check_int(filter_size, "filter_size", func, 1)
        if K % 2 == 0:
            raise ValueError(
                f"{func}: filter_size must be odd so that pad (K-1)//2 keeps "
                f"H and W, got {K}"
            )
        hidden = check_int(hidden_dim, "hidden_dim", func, 1)
        classes = check_int(num_classes, "num_classes", func, 2)
        if not np.issubdtype(np.dtype(dtype), np.floating):
            raise TypeError(f"{func}: dtype must be a float type, got {dtype}")
        if reg < 0:
            raise ValueError(f"{func}: reg must be >= 0, got {reg}")
        self.input_dim = (C, H, W)
        self.reg = float(reg)
        self.dtype = np.dtype(dtype)
        # The convolutional layer's big temporary arrays, reused by every
        # call of loss (see fast_layers._scratch for why).
        self._workspace = {}
        rng = np.random.default_rng(seed)
        shapes = {
            "W1": (F, C, K, K), "b1": (F,),
            "W2": (F * (H // 2) * (W // 2), hidden), "b2": (hidden,),
            "W3": (hidden, classes), "b3": (classes,),
        }
        self.params = {}
        for name, shape in shapes.items():
            if name.startswith("W"):
                value = weight_scale * rng.standard_normal(shape)
            else:
                value = np.zeros(shape)
            self.params[name] = value.astype(self.dtype)

    def __repr__(self):
        F, C, K, _ = self.params["W1"].shape
        hidden, classes = self.params["W3"].shape
        return (
            f"ThreeLayerConvNet(input_dim={self.input_dim}, num_filters={F}, "
            f"filter_size={K}, hidden_dim={hidden}, num_classes={classes}, "
            f"reg={self.reg}, dtype={self.dtype.name})"
        )

    def loss(self, X, y=None):
        """Scores, or the loss and its gradients.

        Parameters
        ----------
        X : ndarray, shape (N, C, H, W)
            Cast to the model's dtype.
        y : ndarray of int, shape (N,), or None
            Labels in ``[0, num_classes)``.

        Returns
        -------
        scores : ndarray, shape (N, num_classes)
            When ``y`` is None.
        (loss, grads) : (float, dict)
            Otherwise: the mean data loss plus the L2 penalty, and gradients
            keyed like ``params``.
        """
        check_float_array(X, "X", "ThreeLayerConvNet.loss", ndim=4)
        if X.shape[1:] != self.input_dim:
            raise ValueError(
                f"ThreeLayerConvNet.loss: X must have shape (N, C, H, W) = "
                f"(N, {', '.join(map(str, self.input_dim))}), got {X.shape}"
            )
        X = X.astype(self.dtype, copy=False)
        p = self.params
        K = p["W1"].shape[2]
        conv_param = {"stride": 1, "pad": (K - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        # conv_relu_pool_forward, with the convolution's arrays reused
        h1, cache1 = _conv_relu_pool_train_forward(
            X, p["W1"], p["b1"], conv_param, pool_param, self._workspace)
        h2, cache2 = affine_relu_forward(h1, p["W2"], p["b2"])
        scores, cache3 = affine_forward(h2, p["W3"], p["b3"])
        if y is None:
            return scores

        data_loss, dscores = softmax_loss(scores, y)
        grads = {}
        dh2, grads["W3"], grads["b3"] = affine_backward(dscores, cache3)
        dh1, grads["W2"], grads["b2"] = affine_relu_backward(dh2, cache2)
        # conv_relu_pool_backward without the gradient with respect to X,
        # which training never needs
        grads["W1"], grads["b1"] = _conv_relu_pool_train_backward(dh1, cache1)
        reg_loss = 0.0
        if self.reg:
            for w in ("W1", "W2", "W3"):
                # vdot(w, w) is sum(w * w) without a temporary array.
                reg_loss += 0.5 * self.reg * float(np.vdot(p[w], p[w]))
                grads[w] += self.reg * p[w]  # grads[w] is a fresh array
        return data_loss + reg_loss, grads
