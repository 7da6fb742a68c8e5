"""Shared fixtures for the cs231n_layers tests.

Every random draw goes through a seeded ``np.random.Generator``; no test
touches the global ``np.random`` state except the one that checks the package
leaves it alone.
"""
import contextlib
import copy
import subprocess
from pathlib import Path

import numpy as np
import pytest

from cs231n_layers.checks._core import package_calls_allowed
from cs231n_layers.data import get_fashion_mnist_data

SUMMARY = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, config):
    """Print what tests asked to report (see ``summary_lines``)."""
    for line in config.stash.get(SUMMARY, []):
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def summary_lines(pytestconfig):
    """A list of lines printed at the end of the test session."""
    return pytestconfig.stash.setdefault(SUMMARY, [])


@pytest.fixture(autouse=True)
def checkers_accept_package_calls(request):
    """The checkers' tests build right and wrong answers from the package's
    own layers, which the checkers refuse in a notebook (see
    tests/test_own_work.py for that refusal)."""
    if request.module.__name__.startswith("test_checks_"):
        with package_calls_allowed():
            yield
    else:
        yield


@pytest.fixture(scope="session")
def fashion_mnist():
    """The real Fashion-MNIST as the notebooks load it.

    ``make test`` makes sure the files are there first (``make data``); a
    bare ``pytest`` without them fails here with the loader's instructions.
    """
    return get_fashion_mnist_data()


@pytest.fixture(scope="session")
def student_env():
    """The student's environment, .venv-student, the one make lab uses.

    ``make test`` and ``make test-unit`` bring it up to date first; without
    it the test fails here, saying so.
    """
    root = Path(__file__).resolve().parent.parent
    stamp = ".venv-student/.installed"
    if subprocess.run(["make", "-q", stamp], cwd=root).returncode:
        pytest.fail(f"{stamp} is missing or out of date: run `make setup` "
                    f"(make test and make test-unit do)")
    return root / ".venv-student"


@pytest.fixture
def rng():
    """A fresh, seeded generator for each test."""
    return np.random.default_rng(0)


@pytest.fixture
def separated():
    """Factory: an array of ``shape`` whose values are all far apart.

    The values are ``+-(0.5 + 0.1 * k)`` for distinct k, in a random order:
    no two lie within 0.1 of each other (so max pooling has no near-ties) and
    none lies within 0.5 of zero (so ReLU has no near-kinks). A numerical
    gradient step of 1e-5 cannot change which element wins a window.
    """
    def make(shape, seed=0):
        size = int(np.prod(shape))
        gen = np.random.default_rng(seed)
        magnitudes = 0.5 + 0.1 * gen.permutation(size)
        signs = gen.choice([-1.0, 1.0], size=size)
        return (signs * magnitudes).reshape(shape)
    return make


def _assert_same(before, after, where):
    if isinstance(before, np.ndarray):
        assert isinstance(after, np.ndarray), where
        assert before.dtype == after.dtype, where
        np.testing.assert_array_equal(after, before, err_msg=where)
    elif isinstance(before, dict):
        assert before.keys() == after.keys(), where
        for key in before:
            _assert_same(before[key], after[key], f"{where}[{key!r}]")
    elif isinstance(before, (tuple, list)):
        assert len(before) == len(after), where
        for i, (b, a) in enumerate(zip(before, after)):
            _assert_same(b, a, f"{where}[{i}]")
    elif isinstance(before, float) and before != before:  # nan
        assert isinstance(after, float) and after != after, where
    elif type(before).__eq__ is object.__eq__:
        # An opaque object (object(), a function, a model) is equal only to
        # itself, never to its deep copy: its type is all we can compare.
        assert type(before) is type(after), where
    else:
        assert before == after, where


@pytest.fixture
def unchanged():
    """Context manager: fail if any of the given objects is modified inside.

    ``with unchanged(x, w, conv_param): layer(x, w, conv_param)`` snapshots
    the arrays and dicts (deeply) on entry and compares them on exit.
    """
    @contextlib.contextmanager
    def guard(*objects):
        snapshot = copy.deepcopy(objects)
        yield
        for i, (before, after) in enumerate(zip(snapshot, objects)):
            _assert_same(before, after, f"argument {i}")
    return guard
