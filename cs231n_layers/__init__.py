"""cs231n_layers: convolutional networks from first principles in numpy.

Every name a notebook needs is importable from here. Arrays are NCHW; every
``*_forward`` returns ``(out, cache)`` and every ``*_backward`` takes
``(dout, cache)``, as in CS231n; each cache is a named tuple whose type the
backward pass checks (see :mod:`cs231n_layers.caches`).
"""
from cs231n_layers.caches import (
    AffineCache,
    AffineReluCache,
    AvgPoolFastCache,
    AvgPoolNaiveCache,
    ConvFastCache,
    ConvNaiveCache,
    ConvReluCache,
    ConvReluPoolCache,
    MaxPoolFastCache,
    MaxPoolNaiveCache,
    ReluCache,
)
from cs231n_layers.classifiers.cnn import ThreeLayerConvNet
from cs231n_layers.correlation import conv_output_size, corr2d
from cs231n_layers.data import (
    APT_PACKAGE,
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_CONTENT_MD5,
    FASHION_MNIST_MD5,
    CorruptFileError,
    DownloadError,
    download_fashion_mnist,
    fashion_mnist_dir,
    get_fashion_mnist_data,
    load_fashion_mnist,
    read_idx,
)
from cs231n_layers.fast_layers import (
    avg_pool_backward_fast,
    avg_pool_forward_fast,
    conv_backward_fast,
    conv_forward_fast,
    max_pool_backward_fast,
    max_pool_forward_fast,
)
from cs231n_layers.gradient_check import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    rel_error,
)
from cs231n_layers.im2col import col2im, im2col
from cs231n_layers.layer_utils import (
    affine_relu_backward,
    affine_relu_forward,
    conv_relu_backward,
    conv_relu_forward,
    conv_relu_pool_backward,
    conv_relu_pool_forward,
)
from cs231n_layers.layers import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
    softmax_loss,
)
from cs231n_layers.naive_layers import (
    avg_pool_backward_naive,
    avg_pool_forward_naive,
    conv_backward_naive,
    conv_forward_naive,
    max_pool_backward_naive,
    max_pool_forward_naive,
)
from cs231n_layers.normalization import (
    batchnorm_backward,
    batchnorm_backward_alt,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
    spatial_batchnorm_backward,
    spatial_batchnorm_forward,
    spatial_groupnorm_backward,
    spatial_groupnorm_forward,
)
from cs231n_layers.optim import adam, rmsprop, sgd, sgd_momentum
from cs231n_layers.solver import Solver
from cs231n_layers.threads import (
    apply_default_blas_threads,
    blas_threads,
    limit_blas_threads,
)

# One BLAS thread per process unless the user chose otherwise: several
# kernels on a shared machine must not spin against each other.
apply_default_blas_threads()

__version__ = "0.1.0"

__all__ = [
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_MD5",
    "FASHION_MNIST_CONTENT_MD5",
    "APT_PACKAGE",
    "DownloadError",
    "CorruptFileError",
    "fashion_mnist_dir",
    "download_fashion_mnist",
    "get_fashion_mnist_data",
    "load_fashion_mnist",
    "read_idx",
    "AffineCache",
    "AffineReluCache",
    "AvgPoolFastCache",
    "AvgPoolNaiveCache",
    "ConvFastCache",
    "ConvNaiveCache",
    "ConvReluCache",
    "ConvReluPoolCache",
    "MaxPoolFastCache",
    "MaxPoolNaiveCache",
    "ReluCache",
    "ThreeLayerConvNet",
    "Solver",
    "blas_threads",
    "limit_blas_threads",
    "adam",
    "affine_backward",
    "affine_forward",
    "affine_relu_backward",
    "affine_relu_forward",
    "avg_pool_backward_fast",
    "avg_pool_backward_naive",
    "avg_pool_forward_fast",
    "avg_pool_forward_naive",
    "batchnorm_backward",
    "batchnorm_backward_alt",
    "batchnorm_forward",
    "col2im",
    "conv_backward_fast",
    "conv_backward_naive",
    "conv_forward_fast",
    "conv_forward_naive",
    "conv_output_size",
    "conv_relu_backward",
    "conv_relu_forward",
    "conv_relu_pool_backward",
    "conv_relu_pool_forward",
    "corr2d",
    "eval_numerical_gradient",
    "eval_numerical_gradient_array",
    "im2col",
    "layernorm_backward",
    "layernorm_forward",
    "max_pool_backward_fast",
    "max_pool_backward_naive",
    "max_pool_forward_fast",
    "max_pool_forward_naive",
    "relu_backward",
    "relu_forward",
    "rel_error",
    "rmsprop",
    "sgd",
    "sgd_momentum",
    "softmax_loss",
    "spatial_batchnorm_backward",
    "spatial_batchnorm_forward",
    "spatial_groupnorm_backward",
    "spatial_groupnorm_forward",
]
