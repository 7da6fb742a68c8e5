"""Checkers for the notebooks' exercises, one submodule per topic.

Each ``check_*`` function takes the student's function (or value), compares
it with a known answer, a numerical gradient or the package's reference,
prints one line on success and raises :class:`ExerciseError` on failure.
"""
from importlib import import_module

from cs231n_layers.checks._core import (
    ExerciseError,
    call_exercise,
    compare,
    forbids,
    passed,
)

_TOPICS = ("correlation", "im2col", "conv_pool", "fast_layers", "convnet",
           "normalization")

__all__ = ["ExerciseError", "call_exercise", "compare", "forbids", "passed"]

# Re-export every checker listed in a topic module's __all__, so notebooks
# can write ``from cs231n_layers.checks import check_corr2d``.
for _topic in _TOPICS:
    _module = import_module(f"cs231n_layers.checks.{_topic}")
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
