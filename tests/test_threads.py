"""One BLAS thread per process unless the user chose otherwise."""
import os
import subprocess
import sys

import pytest

import cs231n_layers as cl
from cs231n_layers.threads import LIBRARY_ENV


def threads_after_import(**env):
    """BLAS threads in a fresh interpreter that imports the package."""
    clean = {k: v for k, v in os.environ.items()
             if k not in LIBRARY_ENV + ("CS231N_BLAS_THREADS",)}
    result = subprocess.run(
        [sys.executable, "-c",
         "import cs231n_layers as cl; print(cl.blas_threads())"],
        env={**clean, **env}, capture_output=True, text=True, check=False)
    return result


@pytest.mark.parametrize("env, expected", [
    ({}, "1"),
    ({"CS231N_BLAS_THREADS": "2"}, "2"),
    ({"OPENBLAS_NUM_THREADS": "2"}, "2"),
    ({"OMP_NUM_THREADS": "2"}, "2"),
    ({"OPENBLAS_NUM_THREADS": "2", "CS231N_BLAS_THREADS": "1"}, "1"),
])
def test_import_chooses_the_thread_count(env, expected):
    result = threads_after_import(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_thread_variable_is_named(value):
    result = threads_after_import(CS231N_BLAS_THREADS=value)
    assert result.returncode != 0
    assert (f"ValueError: cs231n_layers: CS231N_BLAS_THREADS must be a whole "
            f"number >= 1, got {value!r}") in result.stderr


def test_limit_is_a_context_manager_that_restores():
    before = cl.blas_threads()
    with cl.limit_blas_threads(2):
        assert cl.blas_threads() == 2
    assert cl.blas_threads() == before


@pytest.mark.parametrize("n", [0, -1, 1.5, "2", True])
def test_limit_rejects_bad_counts(n):
    with pytest.raises(ValueError, match=r"^limit_blas_threads: n must be an "
                                         r"int >= 1 or None, got "):
        cl.limit_blas_threads(n)
