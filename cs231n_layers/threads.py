"""How many threads numpy's BLAS library may use: one, unless told otherwise.

OpenBLAS's worker threads spin while they wait for work. When more of them
want to run than the machine has cores, as when a class shares a JupyterHub
node and every kernel starts one thread per core, small matrix products
slow down ten- to two-hundredfold instead of sharing the cores fairly. The
layers of this course multiply small matrices, and one thread runs them
nearly as fast as two on a quiet machine. So importing ``cs231n_layers``
limits BLAS to one thread per process, unless the user chose:

- ``CS231N_BLAS_THREADS=n`` sets the count for this package;
- ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS``, when
  set, are left to do what they say (``make bench`` sets them to measure
  two threads).

:func:`limit_blas_threads` changes the count at any time (threadpoolctl).
"""
import os

from threadpoolctl import threadpool_info, threadpool_limits

__all__ = ["blas_threads", "limit_blas_threads"]

ENV = "CS231N_BLAS_THREADS"
LIBRARY_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _chosen_count():
    """The count asked for by ``$CS231N_BLAS_THREADS``; None if unset."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"cs231n_layers: {ENV} must be a whole number >= 1, "
                         f"got {value!r}")
    return int(value)


def limit_blas_threads(n=None):
    """Limit numpy's BLAS library to ``n`` threads.

    Parameters
    ----------
    n : int or None
        Threads to allow (>= 1). None: ``$CS231N_BLAS_THREADS`` when set,
        else 1.

    Returns
    -------
    threadpoolctl.threadpool_limits
        Also a context manager: ``with limit_blas_threads(2): ...`` restores
        the previous count on leaving the block.
    """
    if n is None:
        n = _chosen_count() or 1
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"limit_blas_threads: n must be an int >= 1 or None, "
                         f"got {n!r}")
    return threadpool_limits(limits=n, user_api="blas")


def blas_threads():
    """Threads the BLAS library uses now (the largest over its pools)."""
    counts = [pool["num_threads"] for pool in threadpool_info()
              if pool["user_api"] == "blas"]
    return max(counts, default=1)


def apply_default_blas_threads():
    """What importing the package does: see the module's docstring."""
    if _chosen_count() is not None or not any(
            os.environ.get(name, "").strip() for name in LIBRARY_ENV):
        limit_blas_threads()
