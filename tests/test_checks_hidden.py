"""The package holds the checking machinery, not the hidden cases.

A check cell's hidden-test block calls its checker with the hidden cases as
literal arguments (tests/_hidden_tests.py reads them). Here, for every such
call of every course notebook: it passes arguments of the checker's own
that differ from the defaults; none of its cases is written anywhere in the
package, whose source any student can read; and the checker called without
them (the visible check) runs none of them. That the reference passes them
and that they catch what the visible check lets through is tested with each
checker (tests/test_checks_*.py).
"""
import functools
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import cs231n_layers as cl
from _hidden_tests import hidden_calls, hidden_cases, literals, normal
from cs231n_layers import checks
from test_checks_correlation import learn_kernel_reference
from test_checks_fast_layers import (
    max_pool_backward_slices as max_pool_backward_by_slices,
)

CALLS = [pytest.param(call, id=str(call)) for call in hidden_calls()]
SOURCES = {path: path.read_text()
           for path in sorted(Path(cl.__file__).parent.rglob("*.py"))}


def test_every_course_check_with_hidden_tests_is_read():
    assert len(CALLS) == 19
    assert {call.values[0].notebook[:2] for call in CALLS} == {
        "01", "02", "03", "04", "05", "06"}


@pytest.mark.parametrize("call", CALLS)
def test_hidden_arguments_are_the_checkers_own_and_not_its_defaults(call):
    parameters = inspect.signature(getattr(checks, call.checker)).parameters
    assert call.hidden, f"{call} repeats the visible check"
    for name, value in call.hidden.items():
        assert name in parameters, f"{call}: {call.checker} takes no {name}"
        default = parameters[name].default
        assert default is not inspect.Parameter.empty, (call, name)
        assert normal(value) != normal(default), (
            f"{call}: {name}={value!r} is the visible default")


def _compact(text):
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("call", CALLS)
def test_no_hidden_case_is_written_in_the_package(call):
    cases = list(hidden_cases(call))
    if call.checker == "check_hyperparameters":
        assert cases == []  # other examples and seed: numbers only
    for path, source in SOURCES.items():
        written = literals(source)
        text = _compact(source)
        for case in cases:
            assert normal(case) not in written, (str(call), path.name, case)
            assert _compact(repr(case)) not in text, (str(call), path.name,
                                                      case)


# --- the visible check runs none of the hidden cases ----------------------

def fingerprint(value):
    """What a call's argument says about its case: the shape and dtype of
    an array (its random values change with the seed), anything else as
    it is."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str)
    if isinstance(value, dict):
        return tuple(sorted((k, fingerprint(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(v) for v in value)
    if isinstance(value, (int, float, str, np.generic)):
        return value
    return type(value).__name__


def spy(fn, calls):
    """``fn``, recording the fingerprint of each call in ``calls``."""
    @functools.wraps(fn)
    def recorded(*args, **kwargs):
        calls.add((fn.__name__, fingerprint(args), fingerprint(kwargs)))
        return fn(*args, **kwargs)
    return recorded


def spied_model(calls):
    """The package's model, recording its sizes and the inputs of loss."""
    class ThreeLayerConvNet(cl.ThreeLayerConvNet):
        def __init__(self, seed=None, **kwargs):
            calls.add(("init", fingerprint(kwargs)))
            super().__init__(seed=seed, **kwargs)

        def loss(self, X, y=None):
            calls.add(("loss", fingerprint(X)))
            return super().loss(X, y)
    return ThreeLayerConvNet


# What each checker is given, spied on; check_hyperparameters, which
# trains, is tested with its own arguments in tests/test_checks_convnet.py.
SPIED = {
    "check_corr2d": lambda c: [spy(cl.corr2d, c)],
    "check_learn_kernel": lambda c: [spy(learn_kernel_reference, c)],
    "check_conv_output_size": lambda c: [spy(cl.conv_output_size, c)],
    "check_im2col": lambda c: [spy(cl.im2col, c)],
    "check_col2im": lambda c: [spy(cl.col2im, c)],
    "check_conv_forward": lambda c: [spy(cl.conv_forward_naive, c)],
    "check_conv_backward": lambda c: [spy(cl.conv_forward_naive, c),
                                      spy(cl.conv_backward_naive, c)],
    "check_max_pool_forward": lambda c: [spy(cl.max_pool_forward_naive, c)],
    "check_max_pool_backward": lambda c: [
        spy(cl.max_pool_forward_naive, c),
        spy(cl.max_pool_backward_naive, c)],
    "check_conv_backward_matmul": lambda c: [spy(cl.conv_backward_fast, c)],
    "check_max_pool_backward_slices": lambda c: [
        spy(max_pool_backward_by_slices, c)],
    "check_conv_relu_pool_backward": lambda c: [
        spy(cl.conv_relu_pool_backward, c)],
    "check_three_layer_convnet": lambda c: [spied_model(c)],
}


def _one_case_at_a_time(call):
    """(keyword arguments, what they hold): the hidden call with each list
    argument cut down to one of its cases, the other lists left empty; or
    the whole call when no argument is a list."""
    lists = [name for name, value in call.hidden.items()
             if isinstance(value, list)]
    for name in lists:
        for case in call.hidden[name]:
            kwargs = {**call.kwargs, **{other: [] for other in lists}}
            yield {**kwargs, name: [case]}, f"{name}=[{case!r}]"
    if not lists:
        yield call.kwargs, "the hidden arguments"


def _ran(call, kwargs):
    calls = set()
    getattr(checks, call.checker)(*SPIED[call.checker](calls), **kwargs)
    return calls


@pytest.mark.parametrize("call", [c for c in CALLS
                                  if c.values[0].checker in SPIED])
def test_the_visible_check_runs_none_of_the_hidden_cases(call, capsys):
    visible = _ran(call, {name: value for name, value in call.kwargs.items()
                          if name not in call.hidden})
    for kwargs, what in _one_case_at_a_time(call):
        assert _ran(call, kwargs) - visible, (
            f"{call}: the visible check runs {what} too")
    assert "PASSED" in capsys.readouterr().out
