"""cs231n_layers: convolutional networks from first principles in numpy.

Every name a notebook needs is importable from here. Arrays are NCHW; every
``*_forward`` returns ``(out, cache)`` and every ``*_backward`` takes
``(dout, cache)``, as in CS231n; each cache is a named tuple whose type the
backward pass checks (see :mod:`cs231n_layers.caches`).
"""
# The public API is declared once, by each module's __all__ (in a generated
# module, tools/nbexport.py writes it from the notebook's export cells): each
# module's public names are imported here, and __all__ is their union. Two
# lines per module; tests/test_api.py checks the README's list against it.
from cs231n_layers.caches import *  # noqa: F403
from cs231n_layers.caches import __all__ as _caches
from cs231n_layers.classifiers import *  # noqa: F403
from cs231n_layers.classifiers import __all__ as _classifiers
from cs231n_layers.correlation import *  # noqa: F403
from cs231n_layers.correlation import __all__ as _correlation
from cs231n_layers.data import *  # noqa: F403
from cs231n_layers.data import __all__ as _data
from cs231n_layers.fast_layers import *  # noqa: F403
from cs231n_layers.fast_layers import __all__ as _fast_layers
from cs231n_layers.gradient_check import *  # noqa: F403
from cs231n_layers.gradient_check import __all__ as _gradient_check
from cs231n_layers.im2col import *  # noqa: F403
from cs231n_layers.im2col import __all__ as _im2col
from cs231n_layers.layer_utils import *  # noqa: F403
from cs231n_layers.layer_utils import __all__ as _layer_utils
from cs231n_layers.layers import *  # noqa: F403
from cs231n_layers.layers import __all__ as _layers
from cs231n_layers.naive_layers import *  # noqa: F403
from cs231n_layers.naive_layers import __all__ as _naive_layers
from cs231n_layers.normalization import *  # noqa: F403
from cs231n_layers.normalization import __all__ as _normalization
from cs231n_layers.optim import *  # noqa: F403
from cs231n_layers.optim import __all__ as _optim
from cs231n_layers.solver import *  # noqa: F403
from cs231n_layers.solver import __all__ as _solver
from cs231n_layers.threads import *  # noqa: F403
from cs231n_layers.threads import __all__ as _threads
from cs231n_layers.threads import apply_default_blas_threads

# One BLAS thread per process unless the user chose otherwise: several
# kernels on a shared machine must not spin against each other.
apply_default_blas_threads()

__version__ = "0.1.0"

__all__ = [
    *_caches,
    *_classifiers,
    *_correlation,
    *_data,
    *_fast_layers,
    *_gradient_check,
    *_im2col,
    *_layer_utils,
    *_layers,
    *_naive_layers,
    *_normalization,
    *_optim,
    *_solver,
    *_threads,
]
