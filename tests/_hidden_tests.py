"""The hidden tests of the course notebooks, read from their check cells.

The package holds the checkers and their visible cases; the hidden cases
live only in the hidden-test blocks of the instructor notebooks, as literal
arguments of a checker call such as
``check_corr2d(corr2d, cases=[((9, 8), (2, 5))], seed=1011)``. The tests
read them from there, so that each hidden case is written once.
"""
import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbgrader import utils

from cs231n_layers import caches

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = tuple(sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
HIDDEN_BLOCK = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS",
    re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class HiddenCall:
    """One checker call in the hidden-test block of a check cell."""

    notebook: str   # the notebook's file name without .ipynb
    grade_id: str   # the check cell's
    checker: str    # the name of the checker called
    kwargs: dict    # its keyword arguments, all literals
    hidden: dict    # those the cell's visible call of the checker lacks

    def __str__(self):
        return f"{self.notebook}:{self.grade_id}:{self.checker}"


def _calls(source):
    """``(name, keyword arguments)`` of each call statement in ``source``.

    Every keyword argument must be a Python literal (ast.literal_eval) or
    the name of a cache type (``cache=ConvNaiveCache``, from
    :mod:`cs231n_layers.caches`).
    """
    calls = []
    for node in ast.parse(source).body:
        call = getattr(node, "value", None)
        if (isinstance(node, ast.Expr) and isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)):
            calls.append((call.func.id, {
                kw.arg: (getattr(caches, kw.value.id)
                         if isinstance(kw.value, ast.Name)
                         else ast.literal_eval(kw.value))
                for kw in call.keywords}))
    return calls


@functools.cache
def hidden_calls(paths=NOTEBOOKS):
    """Every checker call of every hidden-test block of the notebooks
    (``paths``, a tuple, default the course notebooks)."""
    found = []
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            if not utils.is_grade(cell):
                continue
            visible = dict(_calls(HIDDEN_BLOCK.sub("", cell.source)))
            for block in HIDDEN_BLOCK.findall(cell.source):
                for name, kwargs in _calls(block):
                    shown = visible.get(name, {})
                    hidden = {key: value for key, value in kwargs.items()
                              if key not in shown or shown[key] != value}
                    found.append(HiddenCall(
                        path.stem, cell.metadata.nbgrader["grade_id"], name,
                        kwargs, hidden))
    return tuple(found)


def hidden_kwargs(checker):
    """The hidden arguments the course passes to ``checker`` (the same in
    every hidden block that calls it)."""
    found = [call.hidden for call in hidden_calls() if call.checker == checker]
    assert found, f"no hidden-test block calls {checker}"
    assert all(kwargs == found[0] for kwargs in found), (
        f"the hidden-test blocks pass {checker} different arguments")
    return found[0]


def run_kwargs(checker, hidden):
    """What to pass ``checker`` for the hidden run, or for the visible one
    (nothing: its defaults are the visible cases)."""
    return hidden_kwargs(checker) if hidden else {}


def normal(value):
    """A literal as a hashable value: lists as tuples, dicts sorted."""
    if isinstance(value, (list, tuple)):
        return tuple(normal(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, normal(v)) for k, v in value.items()))
    return value


def hidden_cases(call):
    """The cases a hidden call passes: each argument that is not a number
    (a seed or an index), and each element of a list argument."""
    for value in call.hidden.values():
        if not isinstance(value, (int, float)):
            yield value
        if isinstance(value, list):
            yield from value


def literals(source, ipython=False):
    """Every tuple, list and dict written as a literal in ``source``
    (normalised); ``ipython=True`` for a notebook cell, magics and all."""
    if ipython:
        source = TransformerManager().transform_cell(source)
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Dict)):
            try:
                found.add(normal(ast.literal_eval(node)))
            except ValueError:  # not a literal: it names a variable
                continue
    return found
