"""Checkers for the notebooks' exercises, one submodule per topic.

Each ``check_*`` function takes the student's function (or value), compares
it with a known answer, a numerical gradient or the package's reference,
prints one line on success and raises :class:`ExerciseError` on failure.

Notebooks write ``from cs231n_layers.checks import check_corr2d``: every
topic's checkers are imported here by name and listed in ``__all__``.
tests/test_api.py fails if a checker in a topic module's ``__all__`` is
missing here, or if this ``__all__`` names anything else.
"""
from cs231n_layers.checks._core import (
    ExerciseError,
    call_exercise,
    compare,
    forbids,
    passed,
)

# Notebook 03 (notebook 04 runs them on its fast layers too).
from cs231n_layers.checks.conv_pool import (
    check_conv_backward,
    check_conv_forward,
    check_max_pool_backward,
    check_max_pool_forward,
)

# Notebook 05.
from cs231n_layers.checks.convnet import (
    check_conv_relu_pool_backward,
    check_hyperparameters,
    check_three_layer_convnet,
)

# Notebook 01.
from cs231n_layers.checks.correlation import (
    check_conv_output_size,
    check_corr2d,
    check_learn_kernel,
)

# Notebook 04.
from cs231n_layers.checks.fast_layers import (
    check_conv_backward_matmul,
    check_max_pool_backward_slices,
)

# Notebook 02.
from cs231n_layers.checks.im2col import check_col2im, check_im2col

# Notebook 06.
from cs231n_layers.checks.normalization import (
    check_batchnorm_backward_alt,
    check_spatial_batchnorm_forward,
    check_spatial_groupnorm_forward,
)

__all__ = [
    "ExerciseError", "call_exercise", "compare", "forbids", "passed",
    # correlation
    "check_corr2d", "check_conv_output_size", "check_learn_kernel",
    # im2col
    "check_im2col", "check_col2im",
    # conv_pool
    "check_conv_forward", "check_conv_backward", "check_max_pool_forward",
    "check_max_pool_backward",
    # fast_layers
    "check_conv_backward_matmul", "check_max_pool_backward_slices",
    # convnet
    "check_conv_relu_pool_backward", "check_three_layer_convnet",
    "check_hyperparameters",
    # normalization
    "check_batchnorm_backward_alt", "check_spatial_batchnorm_forward",
    "check_spatial_groupnorm_forward",
]
